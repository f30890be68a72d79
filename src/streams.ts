/**
 * Streams (CPython's streams.py): StreamReader, the buffered reading side of a connection,
 * StreamWriter, and openConnection (and its Unix variant), built as CPython's are: a
 * StreamReaderProtocol (stream-protocol.ts) over the loop's socket transport (socket-transport.ts,
 * with TLS over `node:tls`: `ssl` options, `StreamWriter.startTls`). The servers are in server.ts,
 * the TLS settings in sslproto.ts.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 * @module
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import type tls from "node:tls";
import {
  awaitAs,
  type Coroutine,
  libraryCoroutine,
  NOT_FAST,
  type Settle,
  waitingCoroutine,
} from "./coroutines.ts";
import { getRunningLoop } from "./events.ts";
import { IncompleteReadError, LimitOverrunError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { taskStorage } from "./internal/context.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { connectionLost } from "./internal/stream-transport.ts";
import { kCheckStartTls, kDrainHelper, kStartTls, kWaitClosed } from "./internal/symbols.ts";
import { SocketTransport } from "./socket-transport.ts";
import type { Transport } from "./transports.ts";
import { StreamReaderProtocol } from "./stream-protocol.ts";
import { connected, makeTransport } from "./tcp.ts";
import { sleep } from "./tasks.ts";
import {
  clientTls,
  handshakeTimeout,
  tlsConfig,
  type SSLContext,
  type StartTlsOptions,
  type TlsParams,
} from "./sslproto.ts";
import { LoopBound } from "./locks.ts";
import { streamSocketOf } from "./socket.ts";

/** A TCP socket address: `[host, port]`. */
export type InetSockName = [host: string, port: number];
/** A socket address: `[host, port]` for TCP, the path (or `""`) for a Unix socket. */
export type SockName = InetSockName | string;

/**
 * The keys of {@link StreamWriter.getExtraInfo} and what each gives. The TLS ones are set only
 * over TLS; `getExtraInfo` returns its default for them on a plain socket.
 */
export interface ExtraInfo {
  /** The remote address: `[host, port]`, or the path (`""` on the accepting side) of a Unix socket. */
  peername: SockName;
  /** The local address: `[host, port]`, or the path (`""` on the connecting side) of a Unix socket. */
  sockname: SockName;
  /** The `node:net` socket. */
  socket: net.Socket;
  /** The `tls.SecureContext` (TLS only). */
  sslcontext: tls.SecureContext | null;
  /** The peer's certificate, null without one (TLS only). */
  peercert: tls.PeerCertificate | tls.DetailedPeerCertificate | null;
  /** `[name, version, secretBits]`, like Python's `SSLSocket.cipher()` (TLS only). */
  cipher: [name: string, version: string, secretBits: number | null];
  /** Always null, as with Python's ssl module (TLS only). */
  compression: null;
  /** The `tls.TLSSocket` (TLS only). */
  ssl_object: tls.TLSSocket;
}
export type { SSLContext, SSLOptions, StartTlsOptions } from "./sslproto.ts";

const DEFAULT_LIMIT = 2 ** 16;

function noop(): void {}

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

  /**
   * `new StreamReader(limit)`, as Python's `StreamReader(limit)`.
   * @param limit the buffer limit in bytes (default 2**16): the longest line `readuntil()` returns.
   * @throws {RangeError} `Limit cannot be <= 0`.
   * @throws {TypeError} if `limit` is not a number (an options object included).
   */
  constructor(limit: number = DEFAULT_LIMIT) {
    super();
    const given: unknown = limit;
    // CPython checks only `limit <= 0`; an object here is most likely the old `{ limit }` form.
    if (typeof given !== "number") {
      throw new TypeError(
        `StreamReader() takes limit as a number of bytes: new StreamReader(limit), got ${reprValue(given)}`,
      );
    }
    // CPython 3.13 streams.py StreamReader.__init__.
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
   * @throws {RuntimeError} `feed_data after feed_eof` (CPython's assertion message).
   */
  feedData(data: Uint8Array): void {
    // CPython 3.13 streams.py feed_data: `assert not self._eof, 'feed_data after feed_eof'`.
    if (this.#eof) throw new RuntimeError("feed_data after feed_eof");
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
    if (this.#eof) throw new RuntimeError("feed_data after feed_eof");
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
  readline(): Coroutine<Buffer> {
    return waitingCoroutine("StreamReader.readline", this, this.#readlineWait, null);
  }

  #readlineWait(settle: Settle<Buffer>): void {
    // CPython 3.13 readline() goes through readuntil(): a second waiter's RuntimeError names it.
    this.#readuntilWait(
      {
        succeed: (line) => {
          settle.succeed(line);
        },
        fail: (e) => {
          if (e instanceof IncompleteReadError) {
            settle.succeed(e.partial as Buffer);
            return;
          }
          if (e instanceof LimitOverrunError) {
            // CPython 3.13 StreamReader.readline: drop the too-long line and its separator if found.
            if (e.consumed < this.#length && this.#buf[this.#start + e.consumed] === NEWLINE[0]) {
              this.#take(e.consumed + 1);
            } else {
              this.#clear();
            }
            this.#maybeResumeTransport();
            settle.fail(new RangeError(e.message, { cause: e }));
            return;
          }
          settle.fail(e);
        },
      },
      [NEWLINE],
      "readuntil",
    );
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
  readuntil(separator: Separator | readonly Separator[] = "\n"): Coroutine<Buffer> {
    const seps = Array.isArray(separator)
      ? (separator as readonly Separator[]).map(toBytes).sort((a, b) => a.length - b.length)
      : [toBytes(separator as Separator)];
    return waitingCoroutine("StreamReader.readuntil", this, this.#readuntilWait, null, [seps, "readuntil"]);
  }

  // CPython 3.13 StreamReader.readuntil, in the awaiting task.
  #readuntilWait(settle: Settle<Buffer>, seps: readonly Buffer[], funcName: string): void {
    const shortest = seps[0];
    const longest = seps[seps.length - 1];
    if (shortest === undefined || longest === undefined) {
      settle.fail(new RangeError("Separator should contain at least one element"));
      return;
    }
    if (shortest.length === 0) {
      settle.fail(new RangeError("Separator should be at least one-byte string"));
      return;
    }
    if (this.#exception !== null) {
      settle.fail(this.#exception);
      return;
    }
    const task = taskStorage.getStore();
    // `offset` is where the next search starts: no separator can end before it (CPython 3.13).
    let offset = 0;
    const step = (): void => {
      let matchStart = -1;
      let matchEnd = -1;
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
        if (matchEnd === -1) {
          offset = Math.max(0, buflen + 1 - longest.length);
          if (offset > this.#limit) {
            settle.fail(new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset));
            return;
          }
        }
      }
      if (matchEnd === -1) {
        if (this.#eof) settle.fail(new IncompleteReadError(this.#take(buflen), null));
        else this.#waitThen(task, funcName, settle, step);
        return;
      }
      if (matchStart > this.#limit) {
        settle.fail(new LimitOverrunError("Separator is found, but chunk is longer than limit", matchStart));
        return;
      }
      const chunk = this.#take(matchEnd);
      this.#maybeResumeTransport();
      settle.succeed(chunk);
    };
    step();
  }

  /**
   * Read up to `n` bytes, as soon as any are available. `n < 0` reads to EOF; `n = 0` returns an
   * empty buffer at once. Not bounded by the limit.
   */
  read(n = -1): Coroutine<Buffer> {
    return waitingCoroutine("StreamReader.read", this, this.#readWait, this.#readFast, [n]);
  }

  // Data buffered (or EOF fed, reading to EOF) and nothing to raise: no wait, no async frame.
  #readFast(n = -1): Buffer | typeof NOT_FAST {
    if (n < 0) return this._readRestNow();
    if (this.#exception !== null) return NOT_FAST;
    if (n === 0) return emptyBytes();
    if (this.#length === 0) return NOT_FAST;
    const data = this.#take(Math.min(n, this.#length));
    this.#maybeResumeTransport();
    return data;
  }

  /**
   * What is buffered, if EOF has been fed and no exception is set; else NOT_FAST.
   * @internal
   */
  _readRestNow(): Buffer | typeof NOT_FAST {
    if (!this.#eof || this.#exception !== null) return NOT_FAST;
    if (this.#length === 0) return emptyBytes();
    const data = this.#take(this.#length);
    this.#maybeResumeTransport();
    return data;
  }

  // CPython 3.13 StreamReader.read, in the awaiting task: wait for data once (n > 0), or read
  // blocks until EOF (n < 0).
  #readWait(settle: Settle<Buffer>, n = -1): void {
    if (this.#exception !== null) {
      settle.fail(this.#exception);
      return;
    }
    if (n === 0) {
      settle.succeed(emptyBytes());
      return;
    }
    if (n < 0) {
      this.#readAll().then(
        (data) => {
          settle.succeed(data);
        },
        (e: unknown) => {
          settle.fail(e);
        },
      );
      return;
    }
    const take = (): void => {
      const data = this.#take(Math.min(n, this.#length));
      this.#maybeResumeTransport();
      settle.succeed(data);
    };
    if (this.#length > 0 || this.#eof) {
      take();
      return;
    }
    this.#waitThen(taskStorage.getStore(), "read", settle, take);
  }

  async #readAll(): Promise<Buffer> {
    const blocks: Buffer[] = [];
    for (;;) {
      const block = await this.read(this.#limit);
      if (block.length === 0) break;
      blocks.push(block);
    }
    return Buffer.concat(blocks);
  }

  /**
   * Wait for data as `task`, the task that began the read (`await this._wait_for_data(funcName)`),
   * then run `then` where the code after that await runs (it may wait again); an error (a second
   * waiter, the reader's exception, a cancellation) fails `settle`.
   */
  #waitThen(task: object | undefined, funcName: string, settle: Settle<Buffer>, then: () => void): void {
    let waiter: Future<null>;
    try {
      waiter = this.#waitForData(funcName);
    } catch (e) {
      settle.fail(e);
      return;
    }
    awaitAs(task, waiter, then, (e: unknown) => {
      settle.fail(e);
    });
  }

  /**
   * Read exactly `n` bytes. Not bounded by the limit.
   * @throws {IncompleteReadError} at EOF before `n` bytes; `partial` holds what was read.
   * @throws {RangeError} `readexactly size can not be less than zero`.
   */
  readexactly(n: number): Coroutine<Buffer> {
    return waitingCoroutine("StreamReader.readexactly", this, this.#readexactlyWait, this.#readexactlyFast, [
      n,
    ]);
  }

  // Enough bytes buffered and nothing to raise: take them without an async frame.
  #readexactlyFast(n: number): Buffer | typeof NOT_FAST {
    if (!(n > 0) || this.#length < n || this.#exception !== null) return NOT_FAST;
    const data = this.#take(n);
    this.#maybeResumeTransport();
    return data;
  }

  // CPython 3.13 StreamReader.readexactly, in the awaiting task.
  #readexactlyWait(settle: Settle<Buffer>, n: number): void {
    if (n < 0) {
      settle.fail(new RangeError("readexactly size can not be less than zero"));
      return;
    }
    if (this.#exception !== null) {
      settle.fail(this.#exception);
      return;
    }
    if (n === 0) {
      settle.succeed(emptyBytes());
      return;
    }
    const task = taskStorage.getStore();
    const step = (): void => {
      if (this.#length < n) {
        if (this.#eof) settle.fail(new IncompleteReadError(this.#take(this.#length), n));
        else this.#waitThen(task, "readexactly", settle, step);
        return;
      }
      const data = this.#take(n);
      this.#maybeResumeTransport();
      settle.succeed(data);
    };
    step();
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

function raise(exc: unknown): never {
  throw exc;
}

/** A fresh empty result, so that no two reads share a buffer. */
function emptyBytes(): Buffer {
  return Buffer.alloc(0);
}

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
  /**
   * An existing connected `net.Socket` (from `socketpair()`, another library...) or the file
   * descriptor of a connected stream socket, used instead of connecting (`host`/`port` must then
   * be null). With `ssl`, `serverHostname` is required.
   * @throws {RangeError} `host/port and sock can not be specified at the same time`.
   */
  sock?: net.Socket | number | null;
}

/**
 * The writing side of a connection: a thin wrapper over its transport (CPython's StreamWriter).
 * `drain()` waits while the transport's write buffer is above its high-water mark.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamWriter
 */
export class StreamWriter {
  readonly #transport: Transport<ExtraInfo>;
  readonly #protocol: StreamReaderProtocol;
  readonly #reader: StreamReader | null;
  /** The host given to openConnection(): startTls() checks the certificate against it. */
  readonly #host: string | null;

  /** Made by openConnection() and the servers (CPython's `StreamWriter(transport, protocol, reader, loop)`). */
  private constructor(
    transport: Transport<ExtraInfo>,
    protocol: StreamReaderProtocol,
    reader: StreamReader | null,
    host: string | null = null,
  ) {
    this.#transport = transport;
    this.#protocol = protocol;
    this.#reader = reader;
    this.#host = host;
  }

  /**
   * The transport (Python's `writer.transport`): for a socket, the connection's
   * {@link SocketTransport}. The `node:net` socket is `getExtraInfo("socket")`, the TLS socket
   * `getExtraInfo("ssl_object")`.
   */
  get transport(): Transport<ExtraInfo> {
    return this.#transport;
  }

  /**
   * Write `data` (a string is encoded as UTF-8). Writes after `close()` (or once the connection
   * is lost) are dropped; from the fifth such write on, each logs `socket.send() raised
   * exception.` on stderr, as CPython's transport does. The bytes
   * are not copied: as with CPython 3.13's transports and Node's sockets, what the socket could
   * not send at once is sent later from the buffer you passed, so do not change it afterwards.
   * @throws {RuntimeError} `Cannot call write() after write_eof()`.
   */
  write(data: Uint8Array | string): void {
    if (typeof data === "string") this.#transport.write(Buffer.from(data, "utf8"));
    else if (data instanceof Uint8Array) this.#transport.write(data);
    else throw new TypeError(`data argument must be a bytes-like object, not '${typeName(data)}'`);
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
    try {
      this.write(Buffer.concat(parts));
    } catch (e) {
      // CPython 3.13 selector_events.py writelines names itself in this message.
      if (e instanceof RuntimeError && e.message === "Cannot call write() after write_eof()") {
        throw new RuntimeError("Cannot call writelines() after write_eof()");
      }
      throw e;
    }
  }

  /** Return true for a plain socket, which can be half-closed; false over TLS, which cannot. */
  canWriteEof(): boolean {
    return this.#transport.canWriteEof();
  }

  /**
   * Close the write end after the buffered data is flushed; reading goes on.
   * @throws {RuntimeError} `writeEof() is not supported by TLS transports` over TLS (CPython
   * raises a bare NotImplementedError, with no message). See docs/differences.md#tls-streams.
   */
  writeEof(): void {
    if (!this.#transport.canWriteEof()) {
      throw new RuntimeError("writeEof() is not supported by TLS transports");
    }
    this.#transport.writeEof();
  }

  /**
   * Upgrade the connection to TLS (STARTTLS): wait for `drain()`, then run the handshake as the
   * client, or as the server for a writer a server passed to its callback. The same reader and
   * writer (and transport) then speak TLS; bytes the reader already buffered stay there. On
   * failure, timeout or cancellation the connection is aborted.
   * @param sslContext the TLS context (a `tls.SecureContext` or its options).
   * @param options `serverHostname` (client side; default: the host given to `openConnection()`,
   * `""` skips the hostname check) and `sslHandshakeTimeout` (seconds, default 60).
   * @throws {TypeError} `transport <SocketTransport ... ssl> is not supported by start_tls()` once TLS.
   * @throws {RangeError} `check_hostname requires server_hostname` for a client with no host
   * to check (a Unix socket) and a verifying context.
   * @throws the handshake's error: Node's, with its `code` (`ERR_TLS_CERT_ALTNAME_INVALID`,
   * `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, …), or `ECONNABORTED` on timeout.
   * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.StreamWriter.start_tls
   */
  startTls(sslContext: SSLContext, options: StartTlsOptions = {}): Coroutine<void> {
    return libraryCoroutine("StreamWriter.start_tls", this, this.#startTls, null, [sslContext, options]);
  }

  async #startTls(sslContext: SSLContext, options: StartTlsOptions = {}): Promise<void> {
    if (typeof sslContext !== "object" || (sslContext as unknown) === null) {
      throw new TypeError(
        `sslcontext is expected to be an instance of ssl.SSLContext, got ${reprValue(sslContext)}`,
      );
    }
    const config = tlsConfig(sslContext);
    const timeout = handshakeTimeout(options.sslHandshakeTimeout);
    const transport = this.#transport;
    if (!(transport instanceof SocketTransport)) {
      throw new TypeError(`transport ${reprValue(transport)} is not supported by start_tls()`);
    }
    transport[kCheckStartTls]();
    // CPython 3.13 StreamWriter.start_tls: the server side is the one with a client callback.
    const serverSide = this.#protocol._serverSide;
    let serverHostname = options.serverHostname ?? this.#host;
    if (serverHostname === null) {
      if (!serverSide && config.rejectUnauthorized) {
        throw new RangeError("check_hostname requires server_hostname");
      }
      serverHostname = "";
    }
    await this.drain();
    await transport[kStartTls]({ ...config, serverSide, serverHostname, handshakeTimeout: timeout });
  }

  /** Close the stream: stop reading, flush the written data, then close the socket. */
  close(): void {
    this.#transport.close();
  }

  /** Return true if the stream is closed or being closed. */
  isClosing(): boolean {
    return this.#transport.isClosing();
  }

  /** Wait until the socket is closed; raise the error that closed it, if any. */
  waitClosed(): Coroutine<void> {
    const protocol = this.#protocol;
    return libraryCoroutine("StreamWriter.wait_closed", protocol, protocol[kWaitClosed]);
  }

  /**
   * Wait until it is appropriate to write again: while the transport's write buffer is above its
   * high-water mark. Any number of tasks may drain at once.
   * @throws the reader's exception, if any.
   * @throws {Error} `Connection lost` (`code` `ECONNRESET`) when the stream is closing.
   */
  drain(): Coroutine<void> {
    return libraryCoroutine("StreamWriter.drain", this, this.#drainSlow, this.#drainFast);
  }

  /** `drain()`'s fast path: undefined when there is nothing to wait for (nothing allocated). */
  readonly #drainFast = (): undefined | typeof NOT_FAST =>
    !this.#protocol._paused && this.#reader?.exception() == null && !this.#transport.isClosing()
      ? undefined
      : NOT_FAST;

  readonly #drainSlow = async (): Promise<void> => {
    const exc = this.#reader?.exception() ?? null;
    if (exc !== null) raise(exc);
    if (this.#transport.isClosing()) {
      // Let a pending connection loss run first (CPython yields with sleep(0)).
      await sleep(0);
      throw connectionLost();
    }
    await this.#protocol[kDrainHelper]();
  };

  /**
   * Return transport information: `peername` and `sockname` (`[host, port]`, or a path for a Unix
   * socket) or `socket` (the `node:net` socket); over TLS also `sslcontext` (the
   * `tls.SecureContext`), `peercert` (`getPeerCertificate()`, null without one), `cipher`
   * (`[name, version, secretBits]` like Python's `SSLSocket.cipher()`), `compression` (null) and
   * `ssl_object` (the `tls.TLSSocket`); `defaultValue` for another name or a plain socket.
   */
  getExtraInfo<K extends keyof ExtraInfo>(name: K): ExtraInfo[K] | null;
  getExtraInfo<K extends keyof ExtraInfo, D>(name: K, defaultValue: D): ExtraInfo[K] | D;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    return this.#transport.getExtraInfo(name, defaultValue);
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const reader = this.#reader === null ? "" : ` reader=${String(this.#reader)}`;
    return `<StreamWriter transport=${reprValue(this.#transport)}${reader}>`;
  }
}

export function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") {
    const ctor = (value as { constructor?: { name?: unknown } }).constructor;
    return typeof ctor?.name === "string" ? ctor.name : "object";
  }
  return typeof value;
}

/**
 * `new StreamWriter(transport, protocol, reader, host?)`, for openConnection() and
 * StreamReaderProtocol: the constructor is private, so that the published types offer none.
 * @internal
 */
export const newWriter = StreamWriter as unknown as new (
  transport: Transport<ExtraInfo>,
  protocol: StreamReaderProtocol,
  reader: StreamReader | null,
  host?: string | null,
) => StreamWriter;

/** The reader and writer of a client connection over `socket` (connected, or connecting). */
async function connect(
  socket: net.Socket,
  start: (() => void) | null,
  limit: number | undefined,
  unixPath: string | null,
  host: string | null,
  tlsParams: TlsParams | null,
): Promise<[StreamReader, StreamWriter]> {
  const loop = getRunningLoop();
  // CPython 3.13 streams.py open_connection: a reader, its protocol, create_connection, a writer.
  const reader = new StreamReader(limit);
  const protocol = new StreamReaderProtocol(reader, null, loop);
  if (start !== null) await connected(loop, socket, start);
  else if (socket.connecting) await connected(loop, socket, noop);
  const [transport] = await makeTransport(loop, socket, () => protocol, unixPath, false, tlsParams);
  return [reader, new newWriter(transport, protocol, reader, host)];
}

/**
 * Open a TCP connection; return its reader and writer. Connection errors keep Node's `code`,
 * `errno` and `syscall` (`ECONNREFUSED` is Python's ConnectionRefusedError). With `ssl`, the
 * TLS handshake completes before this returns; cancelling during it destroys the socket.
 * @example
 * const [reader, writer] = await asyncio.openConnection("example.com", 443, { ssl: true });
 * @throws {RangeError} `server_hostname is only meaningful with ssl`,
 * `ssl_handshake_timeout is only meaningful with ssl`, `host and port was not specified and no
 * sock specified`, `You must set server_hostname when using ssl without a host`.
 * @throws the handshake's error, with Node's `code` (`ERR_TLS_CERT_ALTNAME_INVALID` for a
 * hostname mismatch, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `DEPTH_ZERO_SELF_SIGNED_CERT`, …)
 * where Python raises `ssl.SSLCertVerificationError`. See docs/differences.md#tls-streams.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.open_connection
 */
export function openConnection(
  host: string | null,
  port: number | null,
  options: OpenConnectionOptions = {},
): Coroutine<[StreamReader, StreamWriter]> {
  return libraryCoroutine("open_connection", undefined, openConnectionNow, null, [host, port, options]);
}

async function openConnectionNow(
  host: string | null | undefined,
  port: number | null | undefined,
  options: OpenConnectionOptions,
): Promise<[StreamReader, StreamWriter]> {
  const { limit, localAddr, happyEyeballsDelay, sock } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const h = host;
  const p = port;
  const tlsParams = clientTls(options, h ?? null);
  if (sock !== undefined && sock !== null) {
    // CPython 3.13 base_events.py create_connection.
    if (h != null || p != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    // A Unix socket (socketpair()'s) has no address: its names are "", as CPython's.
    return await connect(streamSocketOf(sock), null, limit, null, null, tlsParams);
  }
  // CPython 3.13 base_events.py create_connection, without a sock.
  if (h == null && p == null) throw new RangeError("host and port was not specified and no sock specified");
  // No host is localhost (Node's default, CPython's getaddrinfo(None)); no port is port 0.
  const connectOptions: net.TcpSocketConnectOpts = h == null ? { port: p ?? 0 } : { host: h, port: p ?? 0 };
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
  return await connect(
    socket,
    () => taskStorage.exit(() => socket.connect(connectOptions)),
    limit,
    null,
    h ?? null,
    tlsParams,
  );
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
export function openUnixConnection(
  path: string,
  options: OpenUnixConnectionOptions = {},
): Coroutine<[StreamReader, StreamWriter]> {
  return libraryCoroutine("open_unix_connection", undefined, openUnixConnectionNow, null, [path, options]);
}

async function openUnixConnectionNow(
  path: string,
  options: OpenUnixConnectionOptions,
): Promise<[StreamReader, StreamWriter]> {
  const { limit } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const tlsParams = clientTls(options, null, true);
  const socket = newSocket();
  return await connect(
    socket,
    () => taskStorage.exit(() => socket.connect({ path })),
    limit,
    path,
    null,
    tlsParams,
  );
}
