/**
 * The transport of a stream socket (CPython's `_SelectorSocketTransport`, and its
 * `_SSLProtocolTransport` over TLS) on a `node:net` socket or a `node:tls` socket over it. The
 * protocol loop methods (tcp.ts) and the stream functions (streams.ts, server.ts) both use it.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.Transport
 * @module
 */
import { Buffer } from "node:buffer";
import type net from "node:net";
import type tls from "node:tls";
import type { BaseEventLoop } from "./base-events.ts";
import { logger } from "./debug.ts";
import type { TimerHandle } from "./events.ts";
import { CancelledError, NotImplementedError, RuntimeError, TimeoutError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { WriteFlowControl } from "./internal/flow-control.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kCheckStartTls, kStartTls, kTakeSocket } from "./internal/symbols.ts";
import { connectionLost } from "./internal/stream-transport.ts";
import { BufferedProtocol, feedDataToBufferedProto, type Protocol } from "./protocols.ts";
import { type ProtocolTls, SSL_SHUTDOWN_TIMEOUT, tlsExtra, wrapTls } from "./ssl-transport.ts";
import { debug, handshakeTimedOut, type TlsParams } from "./sslproto.ts";
import type { ExtraInfo } from "./streams.ts";
import { Transport } from "./transports.ts";

/** CPython 3.13 asyncio/constants.py. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
const EMPTY: Buffer = Buffer.alloc(0);
/** Bytes received past which the socket waits for the loop to deliver them. */
const PENDING_LIMIT = 64 * 1024;

/** The key of SocketTransport's `_protocol_paused`. @internal */
export const kWritingPaused: unique symbol = Symbol("asyncio-ts.writingPaused");

function noop(): void {}

/** A stream protocol: a {@link Protocol} or a {@link BufferedProtocol}. */
export type StreamProtocol = Protocol | BufferedProtocol;

/**
 * What `getExtraInfo()` knows on a socket transport: `peername`, `sockname`, `socket` (the
 * `node:net` socket), and over TLS `sslcontext`, `peercert`, `cipher`, `compression` and
 * `ssl_object` (the `tls.TLSSocket`).
 */
export type SocketExtraInfo = ExtraInfo;

/** A TLS handshake in progress: the transport's own (`ssl=`) or a `startTls()`'s (`fut`). */
interface Handshake {
  readonly params: TlsParams;
  readonly fut: Future<null> | null;
  readonly timer: TimerHandle;
}

/**
 * The transport of a stream socket (TCP or Unix, plain or TLS). Data, end of file and errors
 * reach the protocol from loop callbacks, in the order Node delivered them. The write buffer is
 * Node's (`socket.writableLength`): `pauseWriting()` is called when it goes over the high-water
 * mark, `resumeWriting()` when Node has handed enough of it to the kernel. `connectionLost()` is
 * called once the socket is closed; every listener the transport added is removed by then.
 *
 * Over TLS (`ssl` of the loop's methods and the stream functions, `loop.startTls()`,
 * `StreamWriter.startTls()`) the socket is a `tls.TLSSocket`, as CPython's
 * `_SSLProtocolTransport`: no half-close (`canWriteEof()` is false), the peer's end of file closes
 * the transport, and `close()` sends the TLS close_notify and waits up to `sslShutdownTimeout`
 * seconds for the peer's (then `eofReceived()`, `connectionLost(null)`) before aborting with
 * `TimeoutError('SSL shutdown timed out')`.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.Transport
 */
export class SocketTransport extends Transport<SocketExtraInfo> {
  readonly #loop: BaseEventLoop;
  /** The socket in use: the `node:net` one, or the TLS socket over it. */
  #socket: net.Socket;
  #protocol: StreamProtocol;
  /** The protocol is a BufferedProtocol (getBuffer/bufferUpdated, not dataReceived). */
  #buffered: boolean;
  readonly #flow: WriteFlowControl;
  #closing = false;
  #eof = false;
  /** Set when the connection is torn down (CPython's _conn_lost): nothing more is delivered. */
  #connLost = 0;
  /** Writes dropped since the transport began closing. */
  #dropped = 0;
  /** connectionMade() was called (over TLS: once the handshake is done). */
  #made = false;
  /** connectionLost() was called, or would have been had the protocol been made. */
  #lost = false;
  #paused = false;
  /** Chunks received and not yet delivered (reading paused), then `null` for the end of file. */
  readonly #pending: (Buffer | null)[] = [];
  #pendingBytes = 0;
  /** The socket is paused until the pending chunks are delivered. */
  #pendingPaused = false;
  #flushing = false;
  #onLost: (() => void) | null = null;
  #resumeScheduled = false;
  /** The socket closed under us (both ends done): lost once the pending data is delivered. */
  #socketGone = false;
  /** The error connectionLost() gets. */
  #exc: Error | null = null;
  #tls: tls.TLSSocket | null = null;
  /** Over TLS: the seconds close() waits for the TLS shutdown (CPython's ssl_shutdown_timeout). */
  #shutdownTimeout = SSL_SHUTDOWN_TIMEOUT;
  #shutdownTimer: TimerHandle | null = null;
  /** The TLS transport `loop.startTls()` made over this one's socket. */
  #successor: SocketTransport | null = null;
  /** Call the protocol's connectionMade() (not for `loop.startTls()`'s, which has had its call). */
  readonly #callMade: boolean;
  #handshake: Handshake | null = null;
  /** startTls() between the plain socket and the TLS one: nobody reads. */
  #switching = false;
  #waiter: Future<null> | null;
  readonly #unhook: () => void;

  /**
   * Made by the loop's connection and server methods and the stream functions. `tls` once
   * `socket` is a secure TLS socket (its handshake done: ssl-transport.ts); `connectionMade` false
   * for `loop.startTls()`, whose protocol has had its call. @internal
   */
  constructor(
    loop: BaseEventLoop,
    socket: net.Socket,
    protocol: StreamProtocol,
    extra: Partial<SocketExtraInfo>,
    waiter: Future<null> | null,
    tls: { readonly shutdownTimeout: number } | null = null,
    connectionMade = true,
  ) {
    super(extra);
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#callMade = connectionMade;
    if (tls !== null) {
      // The TLS socket is `socket`, which the caller gave as the extra "ssl_object".
      this.#tls = extra.ssl_object ?? null;
      this.#shutdownTimeout = tls.shutdownTimeout;
    }
    this.#buffered = protocol instanceof BufferedProtocol;
    this.#waiter = waiter;
    this.#flow = new WriteFlowControl(loop, this);
    // CPython sets TCP_NODELAY on every TCP transport (selector_events._set_nodelay).
    if (typeof extra.peername !== "string") socket.setNoDelay(true);
    // The loop owns the socket: one still open when the loop closes is destroyed.
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#socket.destroy();
    });
    if (socket.closed) {
      // Closed before anyone listened: no event will come.
      this.#closing = true;
      this.#connLost = 1;
      this.#post(() => {
        this.#connectionLost();
      });
      return;
    }
    this.#attach(socket);
    // CPython: connection_made, then reading starts, then the waiter is woken.
    socket.pause();
    loop.callSoon(this.#makeConnection);
  }

  #attach(socket: net.Socket): void {
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("drain", this.#written);
    socket.on("close", this.#onClose);
  }

  #detach(socket: net.Socket): void {
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("error", this.#onError);
    socket.off("drain", this.#written);
    socket.off("close", this.#onClose);
    socket.off("finish", this.#destroySocket);
    socket.off("secure", this.#onSecure);
    socket.off("secureConnect", this.#onSecure);
  }

  /** Run `fn` on the loop, unless the loop is closed (then the socket is destroyed). */
  #post(fn: () => void): void {
    if (this.#loop.isClosed()) {
      this.#socket.destroy();
      return;
    }
    this.#loop.callSoon(fn);
  }

  readonly #makeConnection = (): void => {
    if (this.#connLost !== 0) return;
    this.#made = true;
    try {
      // An exception here goes to the loop's handler, as from CPython's call_soon(connection_made).
      if (this.#callMade) this.#protocol.connectionMade(this);
    } finally {
      if (!this.#closing && !this.#paused) this.#socket.resume();
      const waiter = this.#waiter;
      this.#waiter = null;
      if (waiter !== null) {
        this.#loop.callSoon(() => {
          if (!waiter.done()) waiter.setResult(null);
        });
      }
      if (this.#pending.length > 0) this.#loop.callSoon(this.#flush);
    }
  };

  readonly #onData = (chunk: Buffer): void => {
    this.#pending.push(chunk);
    if (this.#pending.length === 1) this.#post(this.#flush);
    // Node delivers all it can read at once; CPython reads once per loop iteration. Past
    // PENDING_LIMIT the socket waits for the loop to deliver what came (and the protocol gets a
    // chunk or two at a time: a StreamReader then reads views of them instead of copies).
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes > PENDING_LIMIT && !this.#pendingPaused) {
      this.#pendingPaused = true;
      this.#socket.pause();
    }
  };

  readonly #onEnd = (): void => {
    if (!this.#made) {
      // The peer left during the handshake (allowHalfOpen keeps the socket open): give up.
      this.#post(() => {
        this.#forceClose(connectionLost());
      });
      return;
    }
    this.#pending.push(null);
    if (this.#pending.length === 1) this.#post(this.#flush);
  };

  /** Deliver what arrived, in order, until reading is paused or the transport is lost. */
  readonly #flush = (): void => {
    if (this.#flushing || !this.#made) return;
    this.#flushing = true;
    const pending = this.#pending;
    try {
      while (pending.length > 0 && !this.#paused && this.#connLost === 0) {
        const chunk =
          pending.length === 1 ? (pending.pop() as Buffer | null) : (pending.shift() as Buffer | null);
        if (chunk === null) {
          this.#eofReceived();
        } else {
          this.#pendingBytes -= chunk.length;
          this.#dataReceived(chunk);
        }
      }
    } finally {
      this.#flushing = false;
    }
    if (this.#pendingPaused && pending.length === 0) {
      this.#pendingPaused = false;
      if (!this.#paused && !this.#closing && !this.#switching) this.#socket.resume();
    }
    if (this.#connLost !== 0) this.#clearPending();
    else if (pending.length === 0 && this.#socketGone) this.#connectionLost();
  };

  #clearPending(): void {
    this.#pending.length = 0;
    this.#pendingBytes = 0;
  }

  #dataReceived(data: Buffer): void {
    try {
      const protocol = this.#protocol;
      if (this.#buffered) feedDataToBufferedProto(protocol as BufferedProtocol, data);
      else (protocol as Protocol).dataReceived(data);
    } catch (exc) {
      this.#fatalError(exc, "Fatal error: protocol.data_received() call failed.");
    }
  }

  #eofReceived(): void {
    let keepOpen: unknown;
    try {
      keepOpen = this.#protocol.eofReceived();
    } catch (exc) {
      this.#fatalError(exc, "Fatal error: protocol.eof_received() call failed.");
      return;
    }
    // CPython: a truthy return keeps the transport open (half-closed); else it is closed. TLS
    // has no half-close (CPython 3.13 sslproto.py _call_eof_received): the peer's EOF closes it.
    if (keepOpen && this.#tls !== null) {
      logger.warn("returning true from eof_received() has no effect when using ssl");
    }
    if (!keepOpen || this.#tls !== null) this.close();
  }

  readonly #onError = (err: Error): void => {
    this.#post(() => {
      if (this.#connLost !== 0) return;
      this.#fatalError(err, "Fatal read error on socket transport");
    });
  };

  // The last event of a socket: every listener goes, and the connection is lost once what
  // arrived before is delivered (reading may be paused: #flush then ends it).
  readonly #onClose = (): void => {
    this.#detach(this.#socket);
    this.#post(() => {
      this.#socketGone = true;
      if (this.#connLost === 0 && !this.#closing && this.#pending.length > 0 && this.#made) return;
      this.#connectionLost();
    });
  };

  readonly #destroySocket = (): void => {
    this.#socket.destroy();
  };

  /** CPython `_fatal_error`: OSErrors (Node's system errors) are not reported, others are. */
  #fatalError(exc: unknown, message: string): void {
    const system = exc instanceof Error && typeof (exc as NodeJS.ErrnoException).code === "string";
    // A failed TLS handshake is only logged (CPython 3.13 sslproto.py _fatal_error).
    if (!system && this.#handshake === null) {
      this.#loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.#protocol });
    } else {
      debug("%s: %s: %s", String(this), message, exc);
    }
    this.#forceClose(exc instanceof Error ? exc : new Error(String(exc)));
  }

  #forceClose(exc: Error | null): void {
    if (this.#connLost !== 0) return;
    this.#closing = true;
    this.#connLost = 1;
    this.#exc ??= exc;
    this.#clearPending();
    this.#socket.destroy();
  }

  /** The socket is closed: tell the protocol (if it was made), the waiters and the server. */
  #connectionLost(): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#closing = true;
    this.#connLost ||= 1;
    this.#clearPending();
    this.#unhook();
    this.#shutdownTimer?.cancel();
    const exc = this.#exc;
    const handshake = this.#handshake;
    this.#handshake = null;
    if (handshake !== null) handshake.timer.cancel();
    const waiter = handshake?.fut ?? this.#waiter;
    this.#waiter = null;
    if (waiter !== null && !waiter.done()) waiter.setException(exc ?? connectionLost());
    try {
      if (this.#made) this.#protocol.connectionLost(exc);
    } finally {
      const onLost = this.#onLost;
      this.#onLost = null;
      onLost?.();
    }
  }

  /** @internal for the server: called once the transport is lost. */
  setOnLost(fn: () => void): void {
    if (this.#lost) this.#loop.callSoon(fn);
    else this.#onLost = fn;
  }

  // ---- TLS --------------------------------------------------------------------------------------

  #handshakeOf(params: TlsParams, fut: Future<null> | null): Handshake {
    const timer = this.#loop.callLater(params.handshakeTimeout, () => {
      this.#fatalError(handshakeTimedOut(params.handshakeTimeout), "SSL handshake failed");
    });
    return { params, fut, timer };
  }

  /** Put a TLS socket over `plain` and listen to it; #onSecure ends the handshake. */
  #wrap(plain: net.Socket, params: TlsParams | ProtocolTls): void {
    const t = wrapTls(plain, params);
    if ("shutdownTimeout" in params) this.#shutdownTimeout = params.shutdownTimeout;
    this.#socket = t;
    this.#tls = t;
    this.#switching = false;
    this.#attach(t);
    t.once(params.serverSide ? "secure" : "secureConnect", this.#onSecure);
    if (this.#paused) t.pause();
  }

  readonly #onSecure = (): void => {
    this.#post(() => {
      const handshake = this.#handshake;
      const t = this.#tls;
      if (handshake === null || t === null || this.#connLost !== 0) return;
      this.#handshake = null;
      handshake.timer.cancel();
      Object.assign(this._extra, tlsExtra(t, handshake.params.context));
      if (handshake.fut === null) {
        this.#makeConnection();
      } else if (!handshake.fut.done()) {
        handshake.fut.setResult(null);
      }
    });
  };

  /**
   * CPython's loop.start_tls refuses a transport that is already TLS (or becoming it).
   * @internal
   */
  [kCheckStartTls](): void {
    if (this.#tls !== null || this.#handshake !== null || !this.#made) {
      throw new TypeError(`transport ${String(this)} is not supported by start_tls()`);
    }
  }

  /**
   * Upgrade the connection to TLS in place (CPython's loop.start_tls, for StreamWriter.startTls):
   * flush the plaintext written so far, deliver what the plain socket has read, then run the
   * handshake over the same socket. On failure, timeout or cancellation the transport is aborted.
   * @internal
   */
  async [kStartTls](params: TlsParams | ProtocolTls): Promise<void> {
    this[kCheckStartTls]();
    if (this.#closing) throw connectionLost();
    const fut = this.#loop.createFuture<null>();
    this.#handshake = this.#handshakeOf(params, fut);
    const plain = this.#socket;
    // CPython pauses reading and swaps the protocol at once: what was received before this call
    // is plaintext for the protocol, what comes after is TLS. Node keeps reading into the paused
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
        else if (this.#connLost !== 0 || plain.destroyed) fut.setException(this.#exc ?? connectionLost());
        else {
          this.#detach(plain);
          for (const chunk of plaintext) this.#onData(chunk);
          this.#wrap(plain, params);
        }
      });
    });
    try {
      await fut;
    } catch (e) {
      if (!(e instanceof CancelledError) && e instanceof Error) this.#exc ??= e;
      this.abort();
      throw e;
    } finally {
      this.#endHandshake(fut);
    }
  }

  /** Forget the handshake of `fut` if it is still the current one. */
  #endHandshake(fut: Future<null>): void {
    const handshake = this.#handshake;
    if (handshake === null || handshake.fut !== fut) return;
    handshake.timer.cancel();
    this.#handshake = null;
  }

  // ---- the Transport API ------------------------------------------------------------------------

  /**
   * Write `data`: what the kernel does not take at once is buffered. The bytes are not copied.
   * Once the transport is closing, writes are dropped; from the fifth on each logs `socket.send()
   * raised exception.`, as CPython's transport does.
   * @throws {TypeError} `data argument must be a bytes-like object, not 'str'`.
   * @throws {RuntimeError} `Cannot call write() after write_eof()`.
   */
  override write(data: Uint8Array | ArrayBufferView): void {
    const given: unknown = data;
    if (!ArrayBuffer.isView(given)) {
      const name = typeof given === "string" ? "str" : given === null ? "NoneType" : typeof given;
      throw new TypeError(`data argument must be a bytes-like object, not '${name}'`);
    }
    if (this.#eof) throw new RuntimeError("Cannot call write() after write_eof()");
    if (data.byteLength === 0) return;
    if (this.#closing) {
      // CPython 3.13 selector_events.py: `_conn_lost` is 1 once closed, and each dropped write
      // adds one; from LOG_THRESHOLD_FOR_CONNLOST_WRITES on, each warns.
      if (++this.#dropped >= LOG_THRESHOLD_FOR_CONNLOST_WRITES)
        logger.warn("socket.send() raised exception.");
      return;
    }
    const socket = this.#socket;
    const bytes =
      data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // With the high mark at Node's own or above, a pause implies Node's 'drain' once the buffer
    // is empty, and that resumes the protocol. Below it, the writes queued behind others say
    // when each is done (a callback costs Node a tick per write: only these pay for it).
    const watched = this.#flow.high < socket.writableHighWaterMark && socket.writableLength !== 0;
    if (watched) socket.write(bytes, this.#written);
    else socket.write(bytes);
    this.#maybePause(!watched);
  }

  /** Pause the protocol over the high mark; `unwatched`: no write in the buffer calls #written. */
  #maybePause(unwatched: boolean): void {
    const socket = this.#socket;
    const size = socket.writableLength;
    if (size <= this.#flow.high || this.#flow.paused) return;
    this.#flow.maybePause(size, this.#protocol);
    // The empty write completes after the rest of the buffer: then #written resumes the protocol.
    if (unwatched && this.#flow.high < socket.writableHighWaterMark) socket.write(EMPTY, this.#written);
  }

  // A write reached the kernel ('drain': all did): resume the protocol once the buffer is at the
  // low mark.
  readonly #written = (): void => {
    if (!this.#flow.paused || this.#resumeScheduled) return;
    this.#resumeScheduled = true;
    this.#post(() => {
      this.#resumeScheduled = false;
      if (this.#connLost === 0) this.#flow.maybeResume(this.#socket.writableLength, this.#protocol);
    });
  };

  /** Write each chunk of `listOfData` (no concatenation: Node writes them in order). */
  override writelines(listOfData: Iterable<Uint8Array>): void {
    for (const data of listOfData) this.write(data);
  }

  /**
   * Close the write end (a FIN) once the buffer is flushed; data may still be received.
   * @throws {NotImplementedError} `writeEof() is not supported by TLS transports` over TLS (CPython
   * raises a bare NotImplementedError).
   */
  override writeEof(): void {
    if (this.#tls !== null) throw new NotImplementedError("writeEof() is not supported by TLS transports");
    if (this.#closing || this.#eof) return;
    this.#eof = true;
    this.#socket.end();
  }

  /** True for a plain socket; false over TLS, which has no half-close. */
  override canWriteEof(): boolean {
    return this.#tls === null;
  }

  /**
   * Close the transport: stop reading, flush the write buffer, close the socket, then call the
   * protocol's `connectionLost(null)`. Over TLS: the close_notify, then the peer's (see above).
   */
  override close(): void {
    if (this.#successor !== null) {
      this.#successor.close();
      return;
    }
    if (this.#closing) return;
    this.#closing = true;
    this.#clearPending();
    const s = this.#socket;
    if (s.destroyed) return;
    s.pause();
    // Nothing to flush over a handshake that has not finished (or a socket being switched).
    if (this.#handshake !== null || this.#switching || s.writableFinished) {
      s.destroy();
      return;
    }
    if (this.#tls !== null) {
      this.#shutdownTls(s);
      return;
    }
    // Wait for the buffer to reach the kernel, as CPython's close() waits for its own.
    s.once("finish", this.#destroySocket);
    if (!s.writableEnded) s.end();
  }

  /**
   * CPython 3.13 sslproto.py _start_shutdown: the close_notify goes out after the buffered data,
   * then the peer's is awaited. Its end of file reaches the protocol (`eofReceived()`, as CPython
   * calls it on the closing side too), then the socket's close calls `connectionLost(null)`. Data
   * arriving meanwhile is dropped. No answer within the shutdown timeout: `TimeoutError`.
   */
  #shutdownTls(socket: net.Socket): void {
    socket.off("data", this.#onData);
    socket.on("data", noop);
    if (!socket.writableEnded) socket.end();
    socket.resume();
    this.#shutdownTimer = this.#loop.callLater(this.#shutdownTimeout, () => {
      this.#forceClose(new TimeoutError("SSL shutdown timed out"));
    });
  }

  /** Close the transport at once: buffered data is lost; then `connectionLost(null)`. */
  override abort(): void {
    if (this.#successor !== null) {
      this.#successor.abort();
      return;
    }
    this.#forceClose(null);
  }

  override isClosing(): boolean {
    return this.#closing;
  }

  override isReading(): boolean {
    return !this.#paused && !this.#closing;
  }

  /** Stop delivering data: no `dataReceived()` until `resumeReading()`. */
  override pauseReading(): void {
    if (this.#closing || this.#paused) return;
    this.#paused = true;
    if (!this.#switching) this.#socket.pause();
  }

  override resumeReading(): void {
    if (this.#closing || !this.#paused) return;
    this.#paused = false;
    if (!this.#switching && !this.#pendingPaused) this.#socket.resume();
    if (this.#pending.length > 0) this.#loop.callSoon(this.#flush);
  }

  override setProtocol(protocol: StreamProtocol): void {
    this.#protocol = protocol;
    this.#buffered = protocol instanceof BufferedProtocol;
  }

  override getProtocol(): StreamProtocol {
    return this.#protocol;
  }

  /** Whether the protocol's writing is paused (CPython's `_protocol_paused`), for sendfile. @internal */
  [kWritingPaused](): boolean {
    return this.#flow.paused;
  }

  /** The bytes written and not yet handed to the kernel (Node's `socket.writableLength`). */
  override getWriteBufferSize(): number {
    return this.#socket.writableLength;
  }

  override getWriteBufferLimits(): [low: number, high: number] {
    return this.#flow.limits();
  }

  /**
   * Set the write flow control marks, in bytes (see WriteTransport.setWriteBufferLimits).
   * @throws {RangeError} `high (…) must be >= low (…) must be >= 0`.
   */
  override setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    this.#flow.setLimits(high, low);
    this.#maybePause(true);
  }

  /**
   * Give the socket up to `loop.startTls()`: no listener or close hook of this transport stays on
   * it, and what was received but not delivered goes back into it, for the TLS socket (CPython
   * leaves it in the kernel: start_tls pauses reading first). The transport is closed from now on,
   * without a connectionLost(); `handOver` names its successor, which a server closes through it
   * and which tells the server when it is lost. @internal
   */
  [kTakeSocket](): { socket: net.Socket; handOver: (next: SocketTransport | null) => void } {
    if (this.#closing || this.#pending.includes(null) || this.#handshake !== null || this.#switching) {
      throw connectionLost();
    }
    const socket = this.#socket;
    this.#unhook();
    this.#closing = true;
    this.#connLost = 1;
    this.#lost = true;
    socket.pause();
    this.#detach(socket);
    const pending = this.#pending as Buffer[];
    for (let i = pending.length - 1; i >= 0; i--) socket.unshift(pending[i]);
    this.#clearPending();
    this.#pendingPaused = false;
    const onLost = this.#onLost;
    this.#onLost = null;
    const handOver = (next: SocketTransport | null): void => {
      this.#successor = next;
      if (next !== null && onLost !== null) next.setOnLost(onLost);
      else onLost?.();
    };
    return { socket, handOver };
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const state =
      (this.#lost ? " closed" : this.#closing ? " closing" : "") + (this.#tls !== null ? " tls" : "");
    const peer = this._extra.peername;
    const name =
      peer === undefined
        ? ""
        : ` peername=${typeof peer === "string" ? reprValue(peer) : `(${reprValue(peer[0])}, ${peer[1]})`}`;
    return `<SocketTransport${state}${name}>`;
  }
}
