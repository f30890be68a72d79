/**
 * Streams (CPython's streams.py): StreamReader, the buffered reading side of a connection, and
 * StreamWriter, openConnection and startServer (and their Unix variants) over `node:net` sockets,
 * with TLS over `node:tls` (`ssl` options, `StreamWriter.startTls`).
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 * @module
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import net from "node:net";
import { constants as osConstants } from "node:os";
import tls from "node:tls";
import { debuglog } from "node:util";
import type { BaseEventLoop } from "./base-events.ts";
import { getRunningLoop } from "./events.ts";
import { CancelledError, IncompleteReadError, LimitOverrunError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { logger } from "./debug.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { LoopBound } from "./locks.ts";
import { sleep } from "./tasks.ts";

const DEFAULT_LIMIT = 2 ** 16;

/** What a StreamReader needs of its transport for back-pressure. @internal */
export interface ReadingTransport {
  pauseReading(): void;
  resumeReading(): void;
}

/** Options of the StreamReader constructor. */
export interface StreamReaderOptions {
  /** The buffer limit in bytes (default 2**16): the longest line `readuntil()` returns. */
  limit?: number;
}

/** A separator of `readuntil()`: bytes, or a string encoded as UTF-8. */
export type Separator = Uint8Array | string;

const EMPTY: Buffer = Buffer.alloc(0);

function toBytes(sep: Separator): Buffer {
  return typeof sep === "string"
    ? Buffer.from(sep, "utf8")
    : Buffer.from(sep.buffer, sep.byteOffset, sep.length);
}

/**
 * A reader of a byte stream, fed by its protocol (`feedData`, `feedEof`). Only one task may wait
 * for data at a time.
 * @example
 * const reader = new asyncio.StreamReader();
 * reader.feedData(new TextEncoder().encode("hello\nworld"));
 * reader.feedEof();
 * for await (const line of reader) console.log(line.toString());
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamReader
 */
export class StreamReader extends LoopBound {
  readonly #limit: number;
  // The unread bytes are #buf[#start, #end); the storage grows by doubling and is compacted
  // instead of re-concatenated on every feed.
  #buf: Buffer = EMPTY;
  /** #buf is a chunk adopted from a socket: read through views, never written into. */
  #adopted = false;
  #start = 0;
  #end = 0;
  #eof = false;
  #waiter: Future<null> | null = null;
  #exception: unknown = null;
  #transport: ReadingTransport | null = null;
  #paused = false;

  /** @throws {RangeError} `Limit cannot be <= 0`. */
  constructor({ limit = DEFAULT_LIMIT }: StreamReaderOptions = {}) {
    super();
    if (!(limit > 0)) throw new RangeError("Limit cannot be <= 0");
    this.#limit = limit;
  }

  /** @internal the buffer limit, in bytes */
  get _limit(): number {
    return this.#limit;
  }

  get #length(): number {
    return this.#end - this.#start;
  }

  /** Return the exception set by `setException()`, or null. */
  exception(): unknown {
    return this.#exception;
  }

  /** Set the exception that every later read raises; wake the waiting reader with it. */
  setException(exc: unknown): void {
    this.#exception = exc;
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      if (!waiter.cancelled()) waiter.setException(exc);
    }
  }

  #wakeupWaiter(): void {
    const waiter = this.#waiter;
    if (waiter !== null) {
      this.#waiter = null;
      if (!waiter.cancelled()) waiter.setResult(null);
    }
  }

  /**
   * Attach the transport that feeds this reader, for back-pressure: it is paused when the buffer
   * exceeds 2 × limit and resumed when a read brings it to ≤ limit (CPython's `set_transport`).
   * @internal
   */
  _setTransport(transport: ReadingTransport): void {
    if (this.#transport !== null) throw new RuntimeError("Transport already set");
    this.#transport = transport;
  }

  #maybeResumeTransport(): void {
    if (this.#paused && this.#length <= this.#limit) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
  }

  /** Mark the end of the stream and wake the waiting reader. */
  feedEof(): void {
    this.#eof = true;
    this.#wakeupWaiter();
  }

  /** Return true if the buffer is empty and `feedEof()` was called. */
  atEof(): boolean {
    return this.#eof && this.#length === 0;
  }

  /**
   * Append `data` to the buffer and wake the waiting reader.
   * @throws {RuntimeError} `feedData after feedEof`.
   */
  feedData(data: Uint8Array): void {
    if (this.#eof) throw new RuntimeError("feedData after feedEof");
    if (data.length === 0) return;
    this.#append(data);
    this.#fed();
  }

  /**
   * feedData() for a chunk nobody else holds (a socket's or a pipe's): with the buffer empty, the
   * reader adopts it instead of copying it, and reads return views of it.
   * @internal
   */
  _feedChunk(chunk: Buffer): void {
    if (this.#eof) throw new RuntimeError("feedData after feedEof");
    if (chunk.length === 0) return;
    if (this.#end === this.#start) {
      this.#buf = chunk;
      this.#adopted = true;
      this.#start = 0;
      this.#end = chunk.length;
    } else {
      this.#append(chunk);
    }
    this.#fed();
  }

  #fed(): void {
    this.#wakeupWaiter();
    if (this.#transport !== null && !this.#paused && this.#length > 2 * this.#limit) {
      this.#transport.pauseReading();
      this.#paused = true;
    }
  }

  #append(data: Uint8Array): void {
    const length = this.#length;
    if (this.#adopted || this.#end + data.length > this.#buf.length) {
      if (!this.#adopted && length + data.length <= this.#buf.length && length <= this.#buf.length / 2) {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(2 * length, length + data.length, 1024));
        this.#buf.copy(grown, 0, this.#start, this.#end);
        this.#buf = grown;
        this.#adopted = false;
      }
      this.#start = 0;
      this.#end = length;
    }
    this.#buf.set(data, this.#end);
    this.#end += data.length;
  }

  /** Remove and return the first `n` buffered bytes: a copy, or a view of an adopted chunk. */
  #take(n: number): Buffer {
    const start = this.#start;
    const data = this.#adopted
      ? this.#buf.subarray(start, start + n)
      : Buffer.from(this.#buf.subarray(start, start + n));
    this.#start = start + n;
    if (this.#start === this.#end) this.#clear();
    return data;
  }

  #clear(): void {
    this.#start = this.#end = 0;
    if (this.#adopted) {
      this.#buf = EMPTY;
      this.#adopted = false;
    }
  }

  #raiseIfFailed(): void {
    // Python's None is null here: setException(null) clears the exception.
    if (this.#exception !== null) raise(this.#exception);
  }

  /**
   * The future to await until `feedData()` or `feedEof()`; resume a paused transport first. A
   * waiter that was cancelled with its reading task counts as gone (CPython clears it in a
   * `finally`; a plain function and an awaited Future spare a coroutine frame per wait).
   */
  #waitForData(funcName: string): Future<null> {
    const current = this.#waiter;
    if (current !== null && !current.done()) {
      throw new RuntimeError(
        `${funcName}() called while another coroutine is already waiting for incoming data`,
      );
    }
    if (this.#paused) {
      this.#paused = false;
      this.#transport?.resumeReading();
    }
    const waiter = this.getLoop().createFuture<null>();
    this.#waiter = waiter;
    return waiter;
  }

  /**
   * Read one line, ending in `\n`. At EOF, return the partial line, then an empty buffer.
   * @throws {RangeError} when the line (without its `\n`) is longer than the limit: the line is
   * discarded if its `\n` was found, else the whole buffer is.
   */
  async readline(): Promise<Buffer> {
    try {
      // CPython 3.13 readline() goes through readuntil(): a second waiter's RuntimeError names it.
      return await this.#readuntil([NEWLINE], "readuntil");
    } catch (e) {
      if (e instanceof IncompleteReadError) return e.partial as Buffer;
      if (e instanceof LimitOverrunError) {
        // CPython 3.13 StreamReader.readline: drop the too-long line and its separator if found.
        if (e.consumed < this.#length && this.#buf[this.#start + e.consumed] === NEWLINE[0]) {
          this.#take(e.consumed + 1);
        } else {
          this.#clear();
        }
        this.#maybeResumeTransport();
        throw new RangeError(e.message, { cause: e });
      }
      throw e;
    }
  }

  /**
   * Read until `separator` and return the data including it. Given an array of separators, return
   * the shortest data ending in any of them.
   * @throws {IncompleteReadError} at EOF without a match; `partial` is the whole buffer, cleared.
   * @throws {LimitOverrunError} when the data (without the separator) would exceed the limit;
   * the buffer is left untouched.
   * @throws {RangeError} for an empty separator or an empty array.
   * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamReader.readuntil
   */
  readuntil(separator: Separator | readonly Separator[] = "\n"): Promise<Buffer> {
    const seps = Array.isArray(separator)
      ? (separator as readonly Separator[]).map(toBytes).sort((a, b) => a.length - b.length)
      : [toBytes(separator as Separator)];
    return this.#readuntil(seps, "readuntil");
  }

  async #readuntil(seps: readonly Buffer[], funcName: string): Promise<Buffer> {
    const shortest = seps[0];
    const longest = seps[seps.length - 1];
    if (shortest === undefined || longest === undefined) {
      throw new RangeError("Separator should contain at least one element");
    }
    if (shortest.length === 0) throw new RangeError("Separator should be at least one-byte string");
    this.#raiseIfFailed();

    // `offset` is where the next search starts: no separator can end before it (CPython 3.13).
    let offset = 0;
    let matchStart = -1;
    let matchEnd = -1;
    for (;;) {
      const buflen = this.#length;
      if (buflen - offset >= shortest.length) {
        const view = this.#buf.subarray(this.#start, this.#end);
        for (const sep of seps) {
          const i = view.indexOf(sep, offset);
          if (i !== -1 && (matchEnd === -1 || i + sep.length < matchEnd)) {
            matchStart = i;
            matchEnd = i + sep.length;
          }
        }
        if (matchEnd !== -1) break;
        offset = Math.max(0, buflen + 1 - longest.length);
        if (offset > this.#limit) {
          throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
        }
      }
      if (this.#eof) {
        const chunk = this.#take(buflen);
        throw new IncompleteReadError(chunk, null);
      }
      await this.#waitForData(funcName);
    }
    if (matchStart > this.#limit) {
      throw new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart);
    }
    const chunk = this.#take(matchEnd);
    this.#maybeResumeTransport();
    return chunk;
  }

  /**
   * Read up to `n` bytes, as soon as any are available. `n < 0` reads to EOF; `n = 0` returns an
   * empty buffer at once. Not bounded by the limit.
   */
  async read(n = -1): Promise<Buffer> {
    this.#raiseIfFailed();
    if (n === 0) return emptyBytes();
    if (n < 0) {
      const blocks: Buffer[] = [];
      for (;;) {
        const block = await this.read(this.#limit);
        if (block.length === 0) break;
        blocks.push(block);
      }
      return Buffer.concat(blocks);
    }
    if (this.#length === 0 && !this.#eof) await this.#waitForData("read");
    const data = this.#take(Math.min(n, this.#length));
    this.#maybeResumeTransport();
    return data;
  }

  /**
   * Read exactly `n` bytes. Not bounded by the limit.
   * @throws {IncompleteReadError} at EOF before `n` bytes; `partial` holds what was read.
   * @throws {RangeError} `readexactly size can not be less than zero`.
   */
  async readexactly(n: number): Promise<Buffer> {
    if (n < 0) throw new RangeError("readexactly size can not be less than zero");
    this.#raiseIfFailed();
    if (n === 0) return emptyBytes();
    while (this.#length < n) {
      if (this.#eof) throw new IncompleteReadError(this.#take(this.#length), n);
      await this.#waitForData("readexactly");
    }
    const data = this.#take(n);
    this.#maybeResumeTransport();
    return data;
  }

  /** Iterate over the lines (`readline()`) until EOF (Python's `async for line in reader`). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const line = await this.readline();
      if (line.length === 0) return;
      yield line;
    }
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  override [inspectCustom](): string {
    const info = ["StreamReader"];
    if (this.#length > 0) info.push(`${this.#length} bytes`);
    if (this.#eof) info.push("eof");
    if (this.#limit !== DEFAULT_LIMIT) info.push(`limit=${this.#limit}`);
    if (this.#waiter !== null && !this.#waiter.done()) info.push(`waiter=${String(this.#waiter)}`);
    if (this.#exception !== null) info.push(`exception=${reprValue(this.#exception)}`);
    if (this.#transport !== null) info.push(`transport=${reprValue(this.#transport)}`);
    if (this.#paused) info.push("paused");
    return `<${info.join(" ")}>`;
  }
}

const NEWLINE = Buffer.from("\n");
const RESOLVED: Promise<void> = Promise.resolve();

function raise(exc: unknown): never {
  throw exc;
}

/** A fresh empty result, so that no two reads share a buffer. */
function emptyBytes(): Buffer {
  return Buffer.alloc(0);
}

// ---- sockets: StreamWriter, openConnection, startServer ------------------------------------------

/** A socket address: `[host, port]` for TCP, the path (or `""`) for a Unix socket. */
export type SockName = [host: string, port: number] | string;

/**
 * The options of a TLS context (Python's `SSLContext` settings): Node's `tls.SecureContextOptions`
 * (`ca`, `cert`, `key`, `minVersion`, …) plus the verification switches Python keeps on the
 * context. `ca` replaces Node's bundled root certificates rather than adding to them.
 */
export interface SSLOptions extends tls.SecureContextOptions {
  /** A context made by `tls.createSecureContext()`; the context options above are then ignored. */
  secureContext?: tls.SecureContext;
  /**
   * Client: verify the server's certificate chain (default true; Python's `CERT_REQUIRED`).
   * Server: with `requestCert`, refuse a client without a valid certificate (default true).
   */
  rejectUnauthorized?: boolean;
  /** Server: ask the client for a certificate (default false; Python's `verify_mode`). */
  requestCert?: boolean;
  /** The ALPN protocols to offer or accept, by preference. */
  ALPNProtocols?: string[];
}

/**
 * A TLS context: a `tls.SecureContext` (from `tls.createSecureContext()`, Python's
 * `ssl.create_default_context()` when given no options) or the options to make one.
 */
export type SSLContext = tls.SecureContext | SSLOptions;

/** Options of `openConnection()` and `openUnixConnection()`. */
export interface OpenConnectionOptions extends StreamReaderOptions {
  /** The local `[host, port]` to bind the socket to (CPython's `local_addr`). TCP only. */
  localAddr?: readonly [host: string, port: number];
  /**
   * Speak TLS: `true` for the default context (Node's root certificates, verified), or a context.
   * `false`, `null` or absent: plain socket.
   * @extension `SSLOptions` objects are accepted where Python wants an `SSLContext`.
   */
  ssl?: boolean | SSLContext | null;
  /**
   * The name the server's certificate must match, sent as SNI unless it is an IP address.
   * Defaults to `host`; `""` skips the hostname check (the chain is still verified).
   * @throws {RangeError} `server_hostname is only meaningful with ssl`.
   */
  serverHostname?: string;
  /** Seconds to wait for the TLS handshake before aborting the connection (default 60). */
  sslHandshakeTimeout?: number;
  /**
   * Happy Eyeballs (RFC 8305): seconds to wait for one address before trying the next, in
   * parallel. Maps to Node's `autoSelectFamily` with `autoSelectFamilyAttemptTimeout` (at least
   * 10 ms). Unset: Node's default (`net.getDefaultAutoSelectFamily()`). TCP only.
   */
  happyEyeballsDelay?: number;
}

/** Options of `startServer()` and `startUnixServer()`. */
export interface StartServerOptions extends StreamReaderOptions {
  /** The listen backlog (default 100). */
  backlog?: number;
  /**
   * Speak TLS with each client: the handshake runs before the client callback is called; a
   * failed handshake closes the connection and is only logged (`NODE_DEBUG=asyncio-ts`).
   * @throws {TypeError} `ssl argument must be an SSLContext or None` for a boolean.
   */
  ssl?: SSLContext | null;
  /** Seconds to wait for a client's TLS handshake before aborting it (default 60). */
  sslHandshakeTimeout?: number;
  /**
   * `SO_REUSEADDR`: always on where libuv listens (Unix), which is asyncio's default there.
   * @throws {RangeError} for `false`, which Node cannot honour.
   */
  reuseAddress?: boolean;
  /** `SO_REUSEPORT`: let several sockets bind the same port (Node's `reusePort`). TCP only. */
  reusePort?: boolean;
}

/** Options of `StreamWriter.startTls()`. */
export interface StartTlsOptions {
  /**
   * Client side: the name the certificate must match (default: the host given to
   * `openConnection()`); `""` skips the hostname check. Ignored on the server side.
   */
  serverHostname?: string;
  /** Seconds to wait for the TLS handshake before aborting the connection (default 60). */
  sslHandshakeTimeout?: number;
}

// CPython 3.13 asyncio/constants.py SSL_HANDSHAKE_TIMEOUT.
const SSL_HANDSHAKE_TIMEOUT = 60.0;

const debug = debuglog("asyncio-ts");

let secureContextProto: object | null = null;

function isSecureContext(value: unknown): value is tls.SecureContext {
  if (typeof value !== "object" || value === null) return false;
  // Node does not export the SecureContext class: take it from a context of its own.
  secureContextProto ??= Object.getPrototypeOf(tls.createSecureContext()) as object;
  return Object.getPrototypeOf(value) === secureContextProto;
}

/** A resolved TLS setup for one handshake. */
interface TlsParams {
  readonly context: tls.SecureContext;
  readonly rejectUnauthorized: boolean;
  readonly requestCert: boolean;
  readonly ALPNProtocols: string[] | undefined;
  readonly serverSide: boolean;
  /** Client side: the name to check, `""` for none. */
  readonly serverHostname: string;
  /** Seconds. */
  readonly handshakeTimeout: number;
}

type TlsConfig = Pick<TlsParams, "context" | "rejectUnauthorized" | "requestCert" | "ALPNProtocols">;

function tlsConfig(ssl: true | SSLContext): TlsConfig {
  if (ssl === true) {
    return {
      context: tls.createSecureContext(),
      rejectUnauthorized: true,
      requestCert: false,
      ALPNProtocols: undefined,
    };
  }
  if (isSecureContext(ssl)) {
    return { context: ssl, rejectUnauthorized: true, requestCert: false, ALPNProtocols: undefined };
  }
  if (typeof ssl !== "object") {
    throw new TypeError(`sslcontext is expected to be an instance of ssl.SSLContext, got ${reprValue(ssl)}`);
  }
  const { secureContext, rejectUnauthorized = true, requestCert = false, ALPNProtocols, ...options } = ssl;
  return {
    context: secureContext ?? tls.createSecureContext(options),
    rejectUnauthorized,
    requestCert,
    ALPNProtocols,
  };
}

function handshakeTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return SSL_HANDSHAKE_TIMEOUT;
  if (!(timeout > 0)) {
    throw new RangeError(`ssl_handshake_timeout should be a positive number, got ${String(timeout)}`);
  }
  return timeout;
}

/** CPython's `ConnectionAbortedError` when a handshake takes too long (sslproto.py). */
function handshakeTimedOut(timeout: number): Error {
  return Object.assign(
    new Error(`SSL handshake is taking longer than ${String(timeout)} seconds: aborting the connection`),
    { code: "ECONNABORTED", errno: -osConstants.errno.ECONNABORTED },
  );
}

/** The secret bits of a cipher suite, from its name (Node does not report them). */
function cipherBits(name: string): number | null {
  const m = /(?:AES|CAMELLIA|ARIA)[_-]?(128|256)/.exec(name);
  if (m !== null) return Number(m[1]);
  return name.includes("CHACHA20") ? 256 : null;
}

/** The callback of a server: a coroutine (or async) function runs as a Task. */
export type ClientConnectedCallback = (reader: StreamReader, writer: StreamWriter) => unknown;

/** CPython's `ConnectionResetError('Connection lost')`, as Node spells a reset. */
function connectionLost(): Error {
  return Object.assign(new Error("Connection lost"), {
    code: "ECONNRESET",
    errno: -osConstants.errno.ECONNRESET,
  });
}

function sockName(address: string | undefined, port: number | undefined): SockName {
  return [address ?? "", port ?? 0];
}

/**
 * The protocol and transport state of one socket (CPython's StreamReaderProtocol plus the parts
 * of its transport that Node does not keep). It owns every listener on the socket: all are added
 * here and all are removed when the connection is lost. Node events only schedule a callback on
 * the loop, so futures change state in the loop's order.
 */
class Connection implements ReadingTransport {
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
  readonly #drainWaiters = new Set<Future<null>>();
  readonly #closeWaiters = new Set<Future<null>>();
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
    const s = this.socket;
    if (this.#unixPath !== null) {
      // A Unix client's peer is the path and its own name empty; an accepted socket the reverse.
      this.extra.peername = this.serverSide ? "" : this.#unixPath;
      this.extra.sockname = this.serverSide ? this.#unixPath : "";
    } else {
      this.extra.peername = sockName(s.remoteAddress, s.remotePort);
      this.extra.sockname = sockName(s.localAddress, s.localPort);
    }
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
      this.#wake(this.#drainWaiters, null);
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
    this.#wake(this.#drainWaiters, exc);
    this.#wake(this.#closeWaiters, exc);
    const onLost = this.#onLost;
    this.#onLost = null;
    onLost?.();
  }

  #wake(waiters: Set<Future<null>>, exc: unknown): void {
    for (const w of waiters) {
      if (w.done()) continue;
      if (exc === null) w.setResult(null);
      else w.setException(exc);
    }
    waiters.clear();
  }

  async #wait(waiters: Set<Future<null>>): Promise<void> {
    const w = this.loop.createFuture<null>();
    waiters.add(w);
    try {
      await w;
    } finally {
      waiters.delete(w);
    }
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

  write(data: Uint8Array): void {
    if (this.isClosing()) return;
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
    if (!this.#writePaused && this.reader.exception() === null && !this.isClosing()) return RESOLVED;
    return this.#drainSlow();
  }

  async #drainSlow(): Promise<void> {
    const exc = this.reader.exception();
    if (exc !== null) raise(exc);
    if (this.isClosing()) {
      // Let a pending connection loss run first (CPython yields with sleep(0)).
      await sleep(0);
      throw connectionLost();
    }
    if (!this.#writePaused) return;
    await this.#wait(this.#drainWaiters);
  }

  async waitClosed(): Promise<void> {
    if (this.lost) {
      if (this.#error !== null) raise(this.#error);
      return;
    }
    await this.#wait(this.#closeWaiters);
  }

  toString(): string {
    return this[inspectCustom]();
  }

  // Short: the reader's repr names its transport, which must not expand back into the reader.
  [inspectCustom](): string {
    const state = this.socket.destroyed ? "closed" : this.closing ? "closing" : "open";
    return `<${this.tls === null ? "Socket" : "TLSSocket"} ${state}>`;
  }
}

/**
 * The writing side of a connection: a thin wrapper over the socket. `drain()` waits while the
 * socket's write buffer is above its high-water mark.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamWriter
 */
export class StreamWriter {
  readonly #conn: Connection;

  /** @internal made by openConnection() and the servers */
  constructor(conn: Connection) {
    this.#conn = conn;
  }

  /** The transport: the `node:net` socket, or after a TLS handshake the `tls.TLSSocket` over it. */
  get transport(): net.Socket {
    return this.#conn.socket;
  }

  /**
   * Write `data` (a string is encoded as UTF-8). Writes after `close()` are dropped. The bytes
   * are not copied: as with CPython 3.13's transports and Node's sockets, what the socket could
   * not send at once is sent later from the buffer you passed, so do not change it afterwards.
   * @throws {RuntimeError} `Cannot call write() after write_eof()`.
   */
  write(data: Uint8Array | string): void {
    if (typeof data !== "string" && !(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${typeName(data)}'`);
    }
    if (this.#conn.eofWritten) throw new RuntimeError("Cannot call write() after write_eof()");
    if (data.length === 0) return;
    this.#conn.write(typeof data === "string" ? Buffer.from(data, "utf8") : data);
  }

  /** Write every item of `data`, as one write. */
  writelines(data: Iterable<Uint8Array | string>): void {
    const parts: Uint8Array[] = [];
    for (const item of data) {
      if (typeof item !== "string" && !(item instanceof Uint8Array)) {
        throw new TypeError(`data argument must be a bytes-like object, not '${typeName(item)}'`);
      }
      parts.push(typeof item === "string" ? Buffer.from(item, "utf8") : item);
    }
    this.write(Buffer.concat(parts));
  }

  /** Return true for a plain socket, which can be half-closed; false over TLS, which cannot. */
  canWriteEof(): boolean {
    return this.#conn.tls === null;
  }

  /**
   * Close the write end after the buffered data is flushed; reading goes on.
   * @throws {RuntimeError} `write_eof() is not supported by TLS transports` over TLS (CPython
   * raises a bare NotImplementedError). See docs/differences.md#tls-streams.
   */
  writeEof(): void {
    if (this.#conn.tls !== null) throw new RuntimeError("write_eof() is not supported by TLS transports");
    this.#conn.writeEof();
  }

  /**
   * Upgrade the connection to TLS (STARTTLS): wait for `drain()`, then run the handshake as the
   * client, or as the server for a writer a server passed to its callback. The same reader and
   * writer then speak TLS; bytes the reader already buffered stay there. On failure, timeout or
   * cancellation the connection is aborted.
   * @param sslContext the TLS context (a `tls.SecureContext` or its options).
   * @param options `serverHostname` (client side; default: the host given to `openConnection()`,
   * `""` skips the hostname check) and `sslHandshakeTimeout` (seconds, default 60).
   * @throws {TypeError} `transport <TLSSocket open> is not supported by start_tls()` once TLS.
   * @throws {RangeError} `check_hostname requires server_hostname` for a client with no host
   * to check (a Unix socket) and a verifying context.
   * @throws the handshake's error: Node's, with its `code` (`ERR_TLS_CERT_ALTNAME_INVALID`,
   * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, …), or `ECONNABORTED` on timeout.
   * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamWriter.start_tls
   */
  async startTls(sslContext: SSLContext, options: StartTlsOptions = {}): Promise<void> {
    if (typeof sslContext !== "object" || (sslContext as unknown) === null) {
      throw new TypeError(
        `sslcontext is expected to be an instance of ssl.SSLContext, got ${reprValue(sslContext)}`,
      );
    }
    const config = tlsConfig(sslContext);
    const timeout = handshakeTimeout(options.sslHandshakeTimeout);
    const conn = this.#conn;
    conn.checkStartTls();
    let serverHostname = options.serverHostname ?? conn.host;
    if (serverHostname === null) {
      if (!conn.serverSide && config.rejectUnauthorized) {
        throw new RangeError("check_hostname requires server_hostname");
      }
      serverHostname = "";
    }
    await this.drain();
    await conn.startTls({
      ...config,
      serverSide: conn.serverSide,
      serverHostname,
      handshakeTimeout: timeout,
    });
  }

  /** Close the stream: stop reading, flush the written data, then close the socket. */
  close(): void {
    this.#conn.close();
  }

  /** Return true if the stream is closed or being closed. */
  isClosing(): boolean {
    return this.#conn.isClosing();
  }

  /** Wait until the socket is closed; raise the error that closed it, if any. */
  waitClosed(): Promise<void> {
    return this.#conn.waitClosed();
  }

  /**
   * Wait until it is appropriate to write again: while the socket's write buffer is above its
   * high-water mark. Any number of tasks may drain at once.
   * @throws the reader's exception, if any.
   * @throws {Error} `Connection lost` (`code` `ECONNRESET`) when the stream is closing.
   */
  drain(): Promise<void> {
    return this.#conn.drain();
  }

  /**
   * Return transport information: `peername` and `sockname` (`[host, port]`, or a path for a Unix
   * socket) or `socket` (the `node:net` socket); over TLS also `sslcontext` (the
   * `tls.SecureContext`), `peercert` (`getPeerCertificate()`, null without one), `cipher`
   * (`[name, version, secretBits]` like Python's `SSLSocket.cipher()`), `compression` (null) and
   * `ssl_object` (the `tls.TLSSocket`); `defaultValue` for another name or a plain socket.
   */
  getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    return Object.hasOwn(this.#conn.extra, name) ? this.#conn.extra[name] : defaultValue;
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    return `<StreamWriter transport=${String(this.#conn)} reader=${String(this.#conn.reader)}>`;
  }
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return typeof ctor?.name === "string" ? ctor.name : "object";
  }
  return typeof value;
}

function newReader(limit: number | undefined): StreamReader {
  return new StreamReader(limit === undefined ? {} : { limit });
}

/** The client's TLS setup from the options of openConnection(), checked as CPython does. */
function clientTls(
  options: { ssl?: boolean | SSLContext | null; serverHostname?: string; sslHandshakeTimeout?: number },
  host: string | null,
): TlsParams | null {
  const { ssl, serverHostname, sslHandshakeTimeout } = options;
  const useSsl = ssl !== undefined && ssl !== null && ssl !== false;
  // CPython 3.13 base_events.py create_connection / create_unix_connection.
  if (serverHostname !== undefined && !useSsl) {
    throw new RangeError("server_hostname is only meaningful with ssl");
  }
  if (sslHandshakeTimeout !== undefined && !useSsl) {
    throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
  }
  if (!useSsl) return null;
  const name = serverHostname ?? host;
  if (name === null) throw new RangeError("you have to pass server_hostname when using ssl");
  return {
    ...tlsConfig(ssl),
    serverSide: false,
    serverHostname: name,
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout),
  };
}

async function connect(
  socket: net.Socket,
  limit: number | undefined,
  unixPath: string | null,
  host: string | null,
  tlsParams: TlsParams | null,
): Promise<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  const reader = newReader(limit);
  const conn = new Connection(loop, socket, reader, { connecting: true, unixPath, serverSide: false });
  conn.host = host;
  await conn.connected();
  if (tlsParams !== null) await conn.startTls(tlsParams);
  return [reader, new StreamWriter(conn)];
}

/**
 * Open a TCP connection; return its reader and writer. Connection errors keep Node's `code`,
 * `errno` and `syscall` (`ECONNREFUSED` is Python's ConnectionRefusedError). With `ssl`, the
 * TLS handshake completes before this returns; cancelling during it destroys the socket.
 * @example
 * const [reader, writer] = await asyncio.openConnection("example.com", 443, { ssl: true });
 * @throws {RangeError} `server_hostname is only meaningful with ssl`,
 * `ssl_handshake_timeout is only meaningful with ssl`.
 * @throws the handshake's error, with Node's `code` (`ERR_TLS_CERT_ALTNAME_INVALID` for a
 * hostname mismatch, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …)
 * where Python raises `ssl.SSLCertVerificationError`. See docs/differences.md#tls-streams.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.open_connection
 */
export async function openConnection(
  host: string,
  port: number,
  options: OpenConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  const { limit, localAddr, happyEyeballsDelay } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const tlsParams = clientTls(options, host);
  const connectOptions: net.TcpSocketConnectOpts = { host, port };
  if (localAddr !== undefined) {
    connectOptions.localAddress = localAddr[0];
    connectOptions.localPort = localAddr[1];
  }
  if (happyEyeballsDelay !== undefined) {
    if (!(happyEyeballsDelay >= 0)) throw new RangeError("happyEyeballsDelay must be >= 0 seconds");
    connectOptions.autoSelectFamily = true;
    // Node's minimum attempt timeout is 10 ms.
    connectOptions.autoSelectFamilyAttemptTimeout = Math.max(10, Math.round(happyEyeballsDelay * 1000));
  }
  const socket = newSocket();
  const result = connect(socket, limit, null, host, tlsParams);
  taskStorage.exit(() => socket.connect(connectOptions));
  return result;
}

/**
 * A client socket made outside any task: its events then run with no task current, so the loop
 * need not step out of a task's context for each of them.
 */
function newSocket(): net.Socket {
  return taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
}

/** Options of `openUnixConnection()`. */
export interface OpenUnixConnectionOptions extends StreamReaderOptions {
  /** Speak TLS: `true` for the default context, or a context (see `openConnection()`). */
  ssl?: boolean | SSLContext | null;
  /**
   * The name the server's certificate must match; required with `ssl` (`""` skips the check).
   * @throws {RangeError} `you have to pass server_hostname when using ssl`.
   */
  serverHostname?: string;
  /** Seconds to wait for the TLS handshake before aborting the connection (default 60). */
  sslHandshakeTimeout?: number;
}

/**
 * Open a Unix socket connection to `path`; return its reader and writer.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.open_unix_connection
 */
export async function openUnixConnection(
  path: string,
  options: OpenUnixConnectionOptions = {},
): Promise<[StreamReader, StreamWriter]> {
  const { limit } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const tlsParams = clientTls(options, null);
  const socket = newSocket();
  const result = connect(socket, limit, path, null, tlsParams);
  taskStorage.exit(() => socket.connect({ path }));
  return result;
}

/** A listening socket of a Server. */
export interface ServerSocket {
  /** The `node:net` server that listens. */
  readonly server: net.Server;
  /** The address it listens on: `[host, port]`, or the path of a Unix socket. */
  getsockname(): SockName;
}

/**
 * A socket server, made by `startServer()` or `startUnixServer()`. `waitClosed()` waits until it
 * is closed and all its connections are gone.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.Server
 */
export class Server {
  readonly #loop: BaseEventLoop;
  readonly #cb: ClientConnectedCallback;
  readonly #limit: number | undefined;
  readonly #unixPath: string | null;
  readonly #tls: TlsParams | null;
  #listening: ServerSocket[] | null;
  readonly #clients = new Set<Connection>();
  #waiters: Future<null>[] | null = [];
  #servingForever: Future<null> | null = null;
  readonly #unhook: () => void;

  /** @internal made by startServer() and startUnixServer() */
  constructor(
    loop: BaseEventLoop,
    servers: net.Server[],
    cb: ClientConnectedCallback,
    limit: number | undefined,
    unixPath: string | null,
    tlsParams: TlsParams | null = null,
  ) {
    this.#loop = loop;
    this.#cb = cb;
    this.#limit = limit;
    this.#unixPath = unixPath;
    this.#tls = tlsParams;
    this.#listening = servers.map((server) => ({
      server,
      getsockname: (): SockName => {
        const a = server.address();
        return a === null ? "" : typeof a === "string" ? a : [a.address, a.port];
      },
    }));
    for (const s of servers) {
      s.on("connection", this.#onConnection);
      s.on("error", this.#onError);
    }
    // A server still listening when its loop closes stops listening; its connections are
    // destroyed by their own hooks.
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed ${String(this)}`);
      this.#stopListening();
    });
  }

  /** Close the listening sockets; return false if they were already closed. */
  #stopListening(): boolean {
    const listening = this.#listening;
    if (listening === null) return false;
    this.#listening = null;
    this.#unhook();
    for (const { server } of listening) {
      server.off("connection", this.#onConnection);
      server.off("error", this.#onError);
      server.close();
    }
    return true;
  }

  readonly #onConnection = (socket: net.Socket): void => {
    if (this.#loop.isClosed()) {
      socket.destroy();
      return;
    }
    this.#loop.callSoon(() => {
      this.#accept(socket);
    });
  };

  readonly #onError = (err: Error): void => {
    if (this.#loop.isClosed()) return;
    this.#loop.callSoon(() => {
      this.#loop.callExceptionHandler({ message: "socket.accept() out of system resource", exception: err });
    });
  };

  #accept(socket: net.Socket): void {
    const tlsParams = this.#tls;
    // Over TLS not a byte may reach the reader: the ClientHello is for the TLS socket, which
    // takes what the plain one buffered. Paused now, attaching 'data' does not make it flow.
    if (tlsParams !== null) socket.pause();
    const reader = newReader(this.#limit);
    const conn = new Connection(this.#loop, socket, reader, {
      connecting: false,
      unixPath: this.#unixPath,
      serverSide: true,
    });
    this.#clients.add(conn);
    conn.setOnLost(() => {
      this.#clients.delete(conn);
      if (this.#clients.size === 0 && this.#listening === null) this.#wakeup();
    });
    if (tlsParams === null) socket.resume();
    const writer = new StreamWriter(conn);
    const task = this.#loop.createTask(
      tlsParams === null
        ? () => this.#cb(reader, writer)
        : async () => {
            try {
              await conn.startTls(tlsParams);
            } catch (e) {
              if (e instanceof CancelledError) throw e;
              // CPython 3.13 sslproto.py _fatal_error: a failed handshake (an OSError) is only
              // logged at debug level; the callback never sees the connection.
              debug("SSL handshake failed: %s", e);
              return undefined;
            }
            return await this.#cb(reader, writer);
          },
    );
    task.addDoneCallback((t) => {
      if (t.cancelled()) {
        conn.close();
        return;
      }
      const exc = t.exception();
      if (exc !== null) {
        this.#loop.callExceptionHandler({
          message: "Unhandled exception in client_connected_cb",
          exception: exc,
          transport: socket,
        });
        conn.close();
      }
    });
  }

  #wakeup(): void {
    const waiters = this.#waiters;
    this.#waiters = null;
    for (const w of waiters ?? []) if (!w.done()) w.setResult(null);
  }

  /** Return the loop the server runs on. */
  getLoop(): BaseEventLoop {
    return this.#loop;
  }

  /** The listening sockets; empty once closed. */
  get sockets(): readonly ServerSocket[] {
    return this.#listening === null ? [] : [...this.#listening];
  }

  /** Return true while the server accepts connections. */
  isServing(): boolean {
    return this.#listening !== null;
  }

  /**
   * Start accepting connections; a no-op while serving (the servers made here already listen).
   * @throws {RuntimeError} `server <Server ...> is closed`.
   */
  async startServing(): Promise<void> {
    if (this.#listening === null) throw new RuntimeError(`server ${String(this)} is closed`);
    await sleep(0);
  }

  /**
   * Stop listening; the connections already accepted stay open. Cancels `serveForever()`.
   */
  close(): void {
    if (!this.#stopListening()) return;
    const fut = this.#servingForever;
    if (fut !== null && !fut.done()) {
      fut.cancel();
      this.#servingForever = null;
    }
    if (this.#clients.size === 0) this.#wakeup();
  }

  /** Close every connection accepted by the server (after flushing). */
  closeClients(): void {
    for (const conn of [...this.#clients]) conn.close();
  }

  /** Close every connection accepted by the server at once. */
  abortClients(): void {
    for (const conn of [...this.#clients]) conn.abort();
  }

  /** Wait until the server is closed and all its connections are gone. */
  async waitClosed(): Promise<void> {
    if (this.#waiters === null) return;
    const w = this.#loop.createFuture<null>();
    this.#waiters.push(w);
    await w;
  }

  /**
   * Accept connections until cancelled; cancelling closes the server and waits for it to close.
   * @throws {RuntimeError} when already serving forever, or when closed.
   */
  async serveForever(): Promise<never> {
    if (this.#servingForever !== null) {
      throw new RuntimeError(`server ${String(this)} is already being awaited on serve_forever()`);
    }
    if (this.#listening === null) throw new RuntimeError(`server ${String(this)} is closed`);
    const fut = this.#loop.createFuture<null>();
    this.#servingForever = fut;
    try {
      await fut;
      throw new RuntimeError("serveForever() ended");
    } catch (e) {
      if (e instanceof CancelledError) {
        this.close();
        await this.waitClosed();
      }
      throw e;
    } finally {
      if (this.#servingForever === fut) this.#servingForever = null;
    }
  }

  /** Run `body(server)`, then close the server and wait for it (Python's `async with server`). */
  async with<R>(body: (server: this) => R | PromiseLike<R>): Promise<R> {
    try {
      return await body(this);
    } finally {
      this.close();
      await this.waitClosed();
    }
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    // Python's repr of a tuple of addresses: `(('127.0.0.1', 8888),)`.
    const names = this.sockets.map((s) => {
      const name = s.getsockname();
      return typeof name === "string" ? reprValue(name) : `(${reprValue(name[0])}, ${name[1]})`;
    });
    return `<Server sockets=(${names.join(", ")}${names.length === 1 ? "," : ""})>`;
  }
}

async function listen(servers: net.Server[], listenOptions: net.ListenOptions[]): Promise<void> {
  const loop = getRunningLoop();
  const fut = loop.createFuture<null>();
  let pending = servers.length;
  const cleanups: (() => void)[] = [];
  servers.forEach((server, i) => {
    const onListening = (): void => {
      loop.callSoon(() => {
        if (--pending === 0 && !fut.done()) fut.setResult(null);
      });
    };
    const onError = (err: Error): void => {
      loop.callSoon(() => {
        if (!fut.done()) fut.setException(err);
      });
    };
    server.once("listening", onListening);
    server.once("error", onError);
    cleanups.push(() => {
      server.off("listening", onListening);
      server.off("error", onError);
    });
    server.listen(listenOptions[i]);
  });
  try {
    await fut;
  } catch (e) {
    for (const s of servers) if (s.listening) s.close();
    throw e;
  } finally {
    for (const c of cleanups) c();
  }
}

/** The server's TLS setup from its options, checked as CPython's create_server does. */
function serverTls(options: StartServerOptions): TlsParams | null {
  const { ssl, sslHandshakeTimeout, reuseAddress } = options;
  if (typeof ssl === "boolean") throw new TypeError("ssl argument must be an SSLContext or None");
  if (reuseAddress === false) {
    throw new RangeError("reuseAddress=false is not supported: libuv always sets SO_REUSEADDR");
  }
  if (ssl === undefined || ssl === null) {
    if (sslHandshakeTimeout !== undefined) {
      throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
    }
    return null;
  }
  return {
    ...tlsConfig(ssl),
    serverSide: true,
    serverHostname: "",
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout),
  };
}

/**
 * Start a TCP server on `host` (a name, a list of names, or null for all interfaces) and `port`;
 * call `clientConnected(reader, writer)` for each connection, as a Task. An exception in it is
 * reported to the loop's exception handler and the connection closed.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.start_server
 */
export async function startServer(
  clientConnected: ClientConnectedCallback,
  host: string | readonly string[] | null | undefined,
  port: number,
  options: StartServerOptions = {},
): Promise<Server> {
  const { limit, backlog = 100, reusePort } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const tlsParams = serverTls(options);
  const loop = getRunningLoop();
  const hosts =
    host === null || host === undefined ? [undefined] : typeof host === "string" ? [host] : [...host];
  const servers = hosts.map(() => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
  await listen(
    servers,
    hosts.map((h) => ({ host: h, port, backlog, ...(reusePort === undefined ? {} : { reusePort }) })),
  );
  return new Server(loop, servers, clientConnected, limit, null, tlsParams);
}

/**
 * Start a Unix socket server on `path` (a stale socket file there is removed first).
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.start_unix_server
 */
export async function startUnixServer(
  clientConnected: ClientConnectedCallback,
  path: string,
  options: StartServerOptions = {},
): Promise<Server> {
  const { limit, backlog = 100 } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const tlsParams = serverTls(options);
  const loop = getRunningLoop();
  try {
    if (fs.statSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // No file there: nothing to clean.
  }
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await listen([server], [{ path, backlog }]);
  return new Server(loop, [server], clientConnected, limit, path, tlsParams);
}
