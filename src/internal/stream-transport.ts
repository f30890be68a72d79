/**
 * The transport of a stream: one `node:net` (or `node:tls`) socket with the protocol state
 * CPython keeps in StreamReaderProtocol and its selector transport. Internal to streams.ts and
 * server.ts.
 * @module
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import { constants as osConstants } from "node:os";
import tls from "node:tls";
import type { BaseEventLoop } from "../base-events.ts";
import { NOT_FAST } from "../coroutines.ts";
import { logger } from "../debug.ts";
import { CancelledError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { cipherBits, handshakeTimedOut, type TlsParams } from "../sslproto.ts";
import type { ReadingTransport, SockName, StreamReader } from "../streams.ts";
import { sleep } from "../tasks.ts";
import { addCloseHook } from "./close-hooks.ts";
import { inspectCustom } from "./repr.ts";
import { Waiters } from "./waiters.ts";

const EMPTY: Buffer = Buffer.alloc(0);
/** CPython 3.13 asyncio/constants.py. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
const RESOLVED: Promise<void> = Promise.resolve();

/** Throw a value typed `unknown` once narrowed away from null (the lint allows only that). */
function raise(exc: unknown): never {
  throw exc;
}

/** CPython's `ConnectionResetError('Connection lost')`, as Node spells a reset. */
export function connectionLost(): Error {
  return Object.assign(new Error("Connection lost"), {
    code: "ECONNRESET",
    errno: -osConstants.errno.ECONNRESET,
  });
}

export function sockName(address: string | undefined, port: number | undefined): SockName {
  return [address ?? "", port ?? 0];
}

/** The `peername` and `sockname` of a connected socket; `unixPath` when it is a Unix socket. */
export function socketNames(
  socket: net.Socket,
  unixPath: string | null,
  serverSide: boolean,
): { peername: SockName; sockname: SockName } {
  if (unixPath !== null) {
    // A Unix client's peer is the path and its own name empty; an accepted socket the reverse.
    return { peername: serverSide ? "" : unixPath, sockname: serverSide ? unixPath : "" };
  }
  return {
    peername: sockName(socket.remoteAddress, socket.remotePort),
    sockname: sockName(socket.localAddress, socket.localPort),
  };
}

/**
 * The protocol and transport state of one socket (CPython's StreamReaderProtocol plus the parts
 * of its transport that Node does not keep). It owns every listener on the socket: all are added
 * here and all are removed when the connection is lost. Node events only schedule a callback on
 * the loop, so futures change state in the loop's order.
 */
export class Connection implements ReadingTransport {
  readonly loop: BaseEventLoop;
  readonly reader: StreamReader;
  readonly extra: Record<string, unknown>;
  /** The host given to openConnection(): startTls() checks the certificate against it. */
  host: string | null = null;
  closing = false;
  eofWritten = false;
  lost = false;
  /** The TLS socket once startTls() began its handshake. */
  tls: tls.TLSSocket | null = null;
  #socket: net.Socket;
  // Between detaching the plain socket and attaching the TLS one nobody listens: nothing resumes.
  #switching = false;
  #tlsContext: tls.SecureContext | null = null;
  #connected: Future<null> | null;
  #error: unknown = null;
  #readPaused = false;
  #writePaused = false;
  /** Writes dropped because the connection was closing or lost. */
  #droppedWrites = 0;
  readonly #drainWaiters = new Waiters();
  readonly #closeWaiters = new Waiters();
  #onLost: (() => void) | null = null;
  readonly #unixPath: string | null;
  readonly serverSide: boolean;
  readonly #unhook: () => void;

  constructor(
    loop: BaseEventLoop,
    socket: net.Socket,
    reader: StreamReader,
    options: { connecting: boolean; unixPath: string | null; serverSide: boolean },
  ) {
    this.loop = loop;
    this.#socket = socket;
    this.reader = reader;
    this.#unixPath = options.unixPath;
    this.serverSide = options.serverSide;
    this.#connected = options.connecting ? loop.createFuture<null>() : null;
    this.extra = { socket };
    if (!options.connecting) this.#fillExtra();
    // CPython sets TCP_NODELAY on every TCP transport (selector_events._set_nodelay).
    if (options.unixPath === null) socket.setNoDelay(true);
    this.#attach(socket);
    if (options.connecting) socket.on("connect", this.#onConnect);
    reader._setTransport(this);
    // The loop owns the socket: one still open when the loop closes is destroyed (CPython closes
    // an unclosed transport when it is collected), so it cannot keep the process alive.
    this.#unhook = addCloseHook(loop, () => {
      if (this.lost) return;
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#detach();
      this.socket.destroy();
    });
  }

  /** The socket in use: the `node:net` one, or the TLS socket over it after startTls(). */
  get socket(): net.Socket {
    return this.#socket;
  }

  #attach(socket: net.Socket): void {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("drain", this.#onDrain);
    socket.on("close", this.#onClose);
  }

  #fillExtra(): void {
    const names = socketNames(this.socket, this.#unixPath, this.serverSide);
    this.extra.peername = names.peername;
    this.extra.sockname = names.sockname;
  }

  /** Run `fn` on the loop; once the loop is closed nobody can use the stream: destroy it. */
  #post(fn: () => void): void {
    if (this.loop.isClosed()) {
      this.#detach();
      this.socket.destroy();
      return;
    }
    this.loop.callSoon(fn);
  }

  readonly #onConnect = (): void => {
    this.#post(() => {
      this.#fillExtra();
      const fut = this.#connected;
      if (fut !== null && !fut.done()) fut.setResult(null);
    });
  };

  // Chunks received but not yet fed: one loop callback feeds all that arrived before it runs.
  // Past the reader's limit the socket is paused until they are fed; the reader's back-pressure
  // (pauseReading) decides after that.
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  #pendingPaused = false;

  readonly #onData = (chunk: Buffer): void => {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pending.length === 1) this.#post(this.#feedPending);
    if (this.#pendingBytes > this.reader._limit && !this.#pendingPaused) {
      this.#pendingPaused = true;
      this.#socket.pause();
    }
  };

  readonly #feedPending = (): void => {
    const chunks = this.#pending;
    this.#pendingBytes = 0;
    if (!(this.reader.atEof() || this.lost)) {
      for (let i = 0; i < chunks.length; i++) this.reader._feedChunk(chunks[i] as Buffer);
    }
    chunks.length = 0;
    if (this.#pendingPaused) {
      this.#pendingPaused = false;
      if (!this.#switching && !this.#readPaused && !this.closing) this.#socket.resume();
    }
  };

  readonly #onEnd = (): void => {
    this.#post(() => {
      this.reader.feedEof();
      // CPython 3.13 sslproto.py: TLS has no half-close; the peer's EOF shuts the transport down.
      if (this.tls !== null) this.close();
    });
  };

  readonly #onSecure = (): void => {
    this.#post(() => {
      const fut = this.#connected;
      if (fut === null || fut.done()) return;
      const t = this.tls;
      if (t === null) return;
      this.#fillTlsExtra(t);
      fut.setResult(null);
    });
  };

  readonly #onError = (err: Error): void => {
    this.#post(() => {
      this.#error ??= err;
      const fut = this.#connected;
      if (fut !== null && !fut.done()) fut.setException(err);
      else this.reader.setException(err);
    });
  };

  readonly #onDrain = (): void => {
    this.#post(() => {
      this.#writePaused = false;
      this.#drainWaiters.wakeAll(null);
    });
  };

  readonly #onClose = (): void => {
    this.#unhook();
    this.#detach();
    this.#post(() => {
      this.#connectionLost();
    });
  };

  #fillTlsExtra(t: tls.TLSSocket): void {
    const cert = t.getPeerCertificate();
    const cipher = t.getCipher();
    this.extra.sslcontext = this.#tlsContext;
    // Python's getpeercert() is None without a certificate; Node returns an empty object.
    this.extra.peercert = Object.keys(cert).length === 0 ? null : cert;
    this.extra.cipher = [cipher.name, cipher.version, cipherBits(cipher.name)];
    this.extra.compression = null;
    this.extra.ssl_object = t;
  }

  readonly #destroy = (): void => {
    this.socket.destroy();
  };

  #detach(): void {
    const s = this.socket;
    s.off("data", this.#onData);
    s.off("end", this.#onEnd);
    s.off("error", this.#onError);
    s.off("drain", this.#onDrain);
    s.off("close", this.#onClose);
    s.off("connect", this.#onConnect);
    s.off("finish", this.#destroy);
    s.off("secure", this.#onSecure);
    s.off("secureConnect", this.#onSecure);
  }

  #connectionLost(): void {
    // A failed startTls() may report the loss of the plain socket it no longer listened to.
    if (this.lost) return;
    this.lost = true;
    this.#unhook();
    const exc = this.#error;
    const fut = this.#connected;
    if (fut !== null && !fut.done()) fut.setException(exc ?? connectionLost());
    // CPython StreamReaderProtocol.connection_lost: EOF on a clean close, else the error.
    if (exc === null) this.reader.feedEof();
    else if (this.reader.exception() === null) this.reader.setException(exc);
    this.#drainWaiters.settleAll(exc, null);
    this.#closeWaiters.settleAll(exc, null);
    const onLost = this.#onLost;
    this.#onLost = null;
    onLost?.();
  }

  /** Wait for the 'connect' event; on failure or cancellation the socket is destroyed. */
  async connected(): Promise<void> {
    const fut = this.#connected;
    if (fut === null) return;
    try {
      await fut;
    } catch (e) {
      this.abort();
      throw e;
    } finally {
      this.socket.off("connect", this.#onConnect);
      this.#connected = null;
    }
  }

  /** CPython's loop.start_tls refuses a transport that is already TLS (or becoming it). */
  checkStartTls(): void {
    if (this.tls !== null || this.#connected !== null) {
      throw new TypeError(`transport ${String(this)} is not supported by start_tls()`);
    }
  }

  /**
   * Upgrade the connection to TLS (CPython's loop.start_tls): flush the plaintext written so far,
   * hand what the plain socket has read to the reader, then run the handshake over the same
   * socket. On failure, timeout or cancellation the connection is aborted.
   */
  async startTls(params: TlsParams): Promise<void> {
    this.checkStartTls();
    if (this.isClosing()) throw connectionLost();
    const fut = this.loop.createFuture<null>();
    this.#connected = fut;
    this.#tlsContext = params.context;
    const timer = this.loop.callLater(params.handshakeTimeout, () => {
      if (!fut.done()) fut.setException(handshakeTimedOut(params.handshakeTimeout));
    });
    const plain = this.#socket;
    // CPython pauses reading and swaps the protocol at once: what was received before this call
    // is plaintext for the reader, what comes after is TLS. Node keeps reading into the paused
    // socket's buffer, and the TLS socket takes over whatever is buffered when it wraps it
    // (_tls_wrap.js initRead): take the plaintext out now.
    plain.pause();
    plain.off("data", this.#onData);
    plain.off("end", this.#onEnd);
    this.#switching = true;
    const plaintext: Buffer[] = [];
    for (let chunk = plain.read() as Buffer | null; chunk !== null; chunk = plain.read() as Buffer | null) {
      plaintext.push(chunk);
    }
    // The empty write completes after every earlier one: the plaintext written is flushed before
    // the handshake writes. Its callback is posted after the data callbacks already posted.
    plain.write(EMPTY, (err) => {
      this.#post(() => {
        if (fut.done()) return;
        if (err !== null && err !== undefined) fut.setException(err);
        else this.#wrap(plain, fut, params, plaintext);
      });
    });
    try {
      await fut;
    } catch (e) {
      if (!(e instanceof CancelledError)) this.#error ??= e;
      this.abort();
      if (this.tls === null) {
        // No TLS socket to report the loss, and the plain one may no longer be heard.
        this.#switching = false;
        this.#post(() => {
          this.#connectionLost();
        });
      }
      throw e;
    } finally {
      timer.cancel();
      this.#connected = null;
    }
  }

  #wrap(plain: net.Socket, fut: Future<null>, params: TlsParams, plaintext: readonly Buffer[]): void {
    if (this.closing || this.lost || plain.destroyed) {
      fut.setException(this.#error ?? connectionLost());
      return;
    }
    this.#detach();
    for (const chunk of plaintext) if (!this.reader.atEof()) this.reader.feedData(chunk);
    let t: tls.TLSSocket;
    if (params.serverSide) {
      t = new tls.TLSSocket(plain, {
        isServer: true,
        secureContext: params.context,
        requestCert: params.requestCert,
        rejectUnauthorized: params.rejectUnauthorized,
        ...(params.ALPNProtocols === undefined ? {} : { ALPNProtocols: params.ALPNProtocols }),
      });
    } else {
      const name = params.serverHostname;
      t = tls.connect({
        socket: plain,
        secureContext: params.context,
        rejectUnauthorized: params.rejectUnauthorized,
        // RFC 6066 forbids an IP address as SNI; the certificate is still checked against it.
        ...(name === "" || net.isIP(name) !== 0 ? {} : { servername: name }),
        checkServerIdentity: (_host, cert) => (name === "" ? undefined : tls.checkServerIdentity(name, cert)),
        ...(params.ALPNProtocols === undefined ? {} : { ALPNProtocols: params.ALPNProtocols }),
      });
    }
    this.#socket = t;
    this.tls = t;
    this.#switching = false;
    this.#attach(t);
    t.on(params.serverSide ? "secure" : "secureConnect", this.#onSecure);
    if (this.#readPaused) t.pause();
  }

  /** Call `fn` once when the connection is lost (a server counts its connections). */
  setOnLost(fn: () => void): void {
    this.#onLost = fn;
  }

  pauseReading(): void {
    this.#readPaused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    this.#readPaused = false;
    if (!this.closing && !this.lost && !this.#switching) this.socket.resume();
  }

  isClosing(): boolean {
    return this.closing || this.lost || this.socket.destroyed;
  }

  /**
   * Send `data`, or drop it once the connection is closing or lost. From the fifth write dropped
   * on, each warns (CPython 3.13 selector_events.py _SelectorSocketTransport.write counts
   * `_conn_lost`, 1 once closed, and warns from LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5 on).
   */
  write(data: Uint8Array): void {
    if (this.isClosing()) {
      this.#droppedWrites += 1;
      if (this.#droppedWrites >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        logger.warn("socket.send() raised exception.");
      }
      return;
    }
    if (!this.socket.write(data)) this.#writePaused = true;
  }

  writeEof(): void {
    if (this.isClosing() || this.eofWritten) return;
    this.eofWritten = true;
    this.socket.end();
  }

  /** Stop reading, flush what was written, then close the socket (CPython's transport.close). */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    const s = this.socket;
    if (s.destroyed) return;
    s.pause();
    if (s.writableFinished) {
      s.destroy();
    } else {
      s.once("finish", this.#destroy);
      if (!s.writableEnded) s.end();
    }
  }

  /** Close the socket at once, dropping buffered data. */
  abort(): void {
    this.closing = true;
    this.socket.destroy();
  }

  drain(): Promise<void> {
    // The common case, nothing to wait for, allocates nothing.
    if (this.drainFast() !== NOT_FAST) return RESOLVED;
    return this.drainSlow();
  }

  /** `StreamWriter.drain()`'s fast path: undefined when there is nothing to wait for. */
  readonly drainFast = (): undefined | typeof NOT_FAST =>
    !this.#writePaused && this.reader.exception() === null && !this.isClosing() ? undefined : NOT_FAST;

  readonly drainSlow = async (): Promise<void> => {
    const exc = this.reader.exception();
    if (exc !== null) raise(exc);
    if (this.isClosing()) {
      // Let a pending connection loss run first (CPython yields with sleep(0)).
      await sleep(0);
      throw connectionLost();
    }
    if (!this.#writePaused) return;
    await this.#drainWaiters.wait(this.loop);
  };

  readonly waitClosed = async (): Promise<void> => {
    if (this.lost) {
      if (this.#error !== null) raise(this.#error);
      return;
    }
    await this.#closeWaiters.wait(this.loop);
  };

  toString(): string {
    return this[inspectCustom]();
  }

  // Short: the reader's repr names its transport, which must not expand back into the reader.
  [inspectCustom](): string {
    const state = this.socket.destroyed ? "closed" : this.closing ? "closing" : "open";
    return `<${this.tls === null ? "Socket" : "TLSSocket"} ${state}>`;
  }
}
