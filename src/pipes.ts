/**
 * Pipe transports (CPython 3.13 unix_events.py `_UnixReadPipeTransport`,
 * `_UnixWritePipeTransport`, and `loop.connect_read_pipe()`/`connect_write_pipe()`) over what Node
 * has for a pipe: a file descriptor, a `net.Socket`, or a stream (`process.stdin`, a child's
 * stdio, an `fs.ReadStream`). Data, end of file and errors reach the protocol from loop callbacks,
 * in the order Node delivered them.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#working-with-pipes
 * @module
 */
import { Buffer } from "node:buffer";
import fs from "node:fs";
import net from "node:net";
import { Readable, Writable } from "node:stream";
import tty from "node:tty";
import type { BaseEventLoop } from "./base-events.ts";
import type { ProtocolFactory } from "./datagram.ts";
import { logger } from "./debug.ts";
import type { Future } from "./futures.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { WriteFlowControl } from "./internal/flow-control.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kPeerClosed } from "./internal/symbols.ts";
import { BufferedProtocol, feedDataToBufferedProto, type BaseProtocol, type Protocol } from "./protocols.ts";
import { debug } from "./sslproto.ts";
import { checkFactory, makeProtocol } from "./tcp.ts";
import { ReadTransport, WriteTransport } from "./transports.ts";

/** CPython 3.13 asyncio/constants.py. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

/** What `loop.connectReadPipe()` takes: a file descriptor, or a readable stream (a `net.Socket`...). */
export type ReadPipe = number | Readable;
/** What `loop.connectWritePipe()` takes: a file descriptor, or a writable stream (a `net.Socket`...). */
export type WritePipe = number | Writable;

/** What `getExtraInfo()` knows on a pipe transport: `pipe`, what was given to connect it. */
export interface PipeExtraInfo {
  pipe: ReadPipe | WritePipe;
}

function noop(): void {}

/** The stream ended or was closed under the transport (not an end of file). */
const GONE = Symbol("gone");

const WHAT = "a file descriptor (a number), a net.Socket or a stream";

function fdOf(stream: Readable | Writable): number | null {
  const s = stream as unknown as { fd?: unknown; _handle?: { fd?: unknown } | null };
  if (typeof s.fd === "number") return s.fd;
  const fd = s._handle?.fd;
  return typeof fd === "number" && fd >= 0 ? fd : null;
}

/** Open a stream on file descriptor `fd`, as CPython checks it: a pipe, a socket or a character device. */
function streamOfFd(fd: number, read: boolean): Readable | Writable {
  if (!Number.isInteger(fd) || fd < 0) {
    throw new RangeError(`pipe must be a file descriptor >= 0, got ${reprValue(fd)}`);
  }
  const st = fs.fstatSync(fd);
  return taskStorage.exit(() => {
    if (st.isFIFO() || st.isSocket()) {
      // A write end watches its socket for the peer's close, as CPython's reader trick does.
      const watch = !read && st.isSocket();
      return new net.Socket({ fd, readable: read || watch, writable: !read, allowHalfOpen: true });
    }
    if (st.isCharacterDevice()) {
      if (tty.isatty(fd)) return read ? new tty.ReadStream(fd) : new tty.WriteStream(fd);
      return read ? fs.createReadStream("", { fd }) : fs.createWriteStream("", { fd });
    }
    // CPython 3.13 unix_events.py, word for word.
    throw new RangeError(
      read
        ? "Pipe transport is for pipes/sockets only."
        : "Pipe transport is only for pipes, sockets and character devices",
    );
  });
}

/** Check `pipe` and return the stream to use. @internal */
export function readableOf(pipe: unknown): Readable {
  if (typeof pipe === "number") return streamOfFd(pipe, true) as Readable;
  if (!(pipe instanceof Readable)) {
    throw new TypeError(
      `connectReadPipe() pipe must be ${WHAT} (process.stdin, a child's stdout, fs.createReadStream()), got ${reprValue(pipe)}`,
    );
  }
  if (pipe.destroyed) throw new RangeError("connectReadPipe() pipe is already closed");
  if (!pipe.readable) {
    throw new TypeError(
      "connectReadPipe() needs the read end of a pipe: this stream is not readable (a write end: pass it to connectWritePipe(); or it has ended)",
    );
  }
  return pipe;
}

/** Check `pipe` and return the stream to use. @internal */
export function writableOf(pipe: unknown): Writable {
  if (typeof pipe === "number") return streamOfFd(pipe, false) as Writable;
  if (!(pipe instanceof Writable)) {
    throw new TypeError(
      `connectWritePipe() pipe must be ${WHAT} (process.stdout, a child's stdin, fs.createWriteStream()), got ${reprValue(pipe)}`,
    );
  }
  if (pipe.destroyed) throw new RangeError("connectWritePipe() pipe is already closed");
  if (!pipe.writable) {
    throw new TypeError(
      "connectWritePipe() needs the write end of a pipe: this stream is not writable (a read end: pass it to connectReadPipe(); or it has ended)",
    );
  }
  return pipe;
}

/** CPython's repr of a pipe transport: `<ReadPipeTransport fd=7 open>`. */
function pipeRepr(name: string, stream: Readable | Writable, closing: boolean, lost: boolean): string {
  const fd = fdOf(stream);
  const state = lost ? " closed" : closing ? " closing" : "";
  return `<${name}${state} fd=${fd === null ? "None" : String(fd)} ${lost ? "closed" : "open"}>`;
}

/**
 * The transport of the read end of a pipe (CPython's `_UnixReadPipeTransport`): `dataReceived()`
 * for each chunk, then at the end of file `eofReceived()` (its return value is ignored, as
 * CPython's) and `connectionLost(null)`. The pipe is closed after `connectionLost()`.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.ReadTransport
 */
export class ReadPipeTransport extends ReadTransport<PipeExtraInfo> {
  readonly #loop: BaseEventLoop;
  readonly #stream: Readable;
  #protocol: Protocol | BufferedProtocol;
  #closing = false;
  #paused = false;
  /** connectionLost() is scheduled. */
  #lost = false;
  /** Chunks received and not yet delivered, then `null` for the end of file or GONE. */
  readonly #pending: (Buffer | null | typeof GONE)[] = [];
  #flushing = false;
  readonly #unhook: () => void;

  /** Made by `loop.connectReadPipe()` and the subprocess transport. @internal */
  constructor(
    loop: BaseEventLoop,
    stream: Readable,
    protocol: Protocol | BufferedProtocol,
    extra: PipeExtraInfo,
    waiter: Future<null> | null,
  ) {
    super(extra);
    this.#loop = loop;
    this.#stream = stream;
    this.#protocol = protocol;
    stream.pause();
    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("error", this.#onError);
    stream.on("close", this.#onClose);
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#destroy();
    });
    // CPython: connection_made, then reading starts, then the waiter is woken.
    loop.callSoon(() => {
      this.#protocol.connectionMade(this);
    });
    loop.callSoon(() => {
      if (this.isReading()) stream.resume();
    });
    if (waiter !== null) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(null);
      });
    }
  }

  #post(fn: () => void): void {
    if (this.#loop.isClosed()) this.#destroy();
    else this.#loop.callSoon(fn);
  }

  #push(item: Buffer | null | typeof GONE): void {
    this.#pending.push(item);
    if (this.#pending.length === 1) this.#post(this.#flush);
  }

  readonly #onData = (chunk: Buffer | string): void => {
    this.#push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  };

  readonly #onEnd = (): void => {
    this.#push(null);
  };

  // Closed under us without an end of file (destroyed by its owner): the pipe is lost.
  readonly #onClose = (): void => {
    if (!this.#stream.readableEnded) this.#push(GONE);
  };

  readonly #onError = (err: Error): void => {
    this.#post(() => {
      if (!this.#lost) this.#fatalError(err, "Fatal read error on pipe transport");
    });
  };

  /** Deliver what arrived, in order, until reading is paused or the transport is closing. */
  readonly #flush = (): void => {
    if (this.#flushing) return;
    this.#flushing = true;
    const pending = this.#pending;
    try {
      while (pending.length > 0 && !this.#paused && !this.#closing) {
        const item = pending.shift() as Buffer | null | typeof GONE;
        if (item === null) {
          // CPython _read_ready at EOF: eof_received and connection_lost, each a callback.
          debug("%s was closed by peer", String(this));
          this.#closing = true;
          this.#loop.callSoon(() => this.#protocol.eofReceived());
          this.#scheduleLost(null);
        } else if (item === GONE) {
          this.#closing = true;
          this.#scheduleLost(null);
        } else {
          this.#dataReceived(item);
        }
      }
    } finally {
      this.#flushing = false;
    }
    if (this.#closing) pending.length = 0;
  };

  #dataReceived(data: Buffer): void {
    const protocol = this.#protocol;
    try {
      if (protocol instanceof BufferedProtocol) feedDataToBufferedProto(protocol, data);
      else protocol.dataReceived(data);
    } catch (exc) {
      // CPython: the exception leaves _read_ready and the loop reports it; reading goes on.
      if (this.#pending.length > 0) this.#loop.callSoon(this.#flush);
      throw exc;
    }
  }

  /** CPython `_fatal_error`: EIO is only logged in debug mode; other errors are reported. */
  #fatalError(exc: Error, message: string): void {
    if ((exc as NodeJS.ErrnoException).code === "EIO") debug("%s: %s: %s", String(this), message, exc);
    else {
      this.#loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.#protocol });
    }
    this.#close(exc);
  }

  #close(exc: Error | null): void {
    this.#closing = true;
    this.#stream.pause();
    this.#pending.length = 0;
    this.#scheduleLost(exc);
  }

  #scheduleLost(exc: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#loop.callSoon(() => {
      try {
        this.#protocol.connectionLost(exc);
      } finally {
        this.#destroy();
      }
    });
  }

  #destroy(): void {
    this.#unhook();
    const stream = this.#stream;
    stream.off("data", this.#onData);
    stream.off("end", this.#onEnd);
    stream.off("close", this.#onClose);
    // Errors of a closing pipe reach nobody; the listener stays so none is unhandled.
    stream.on("error", noop);
    stream.off("error", this.#onError);
    stream.destroy();
  }

  /** Close the transport: no more data is delivered; then `connectionLost(null)`, and the pipe is closed. */
  override close(): void {
    if (!this.#closing) this.#close(null);
  }

  override isClosing(): boolean {
    return this.#closing;
  }

  override isReading(): boolean {
    return !this.#paused && !this.#closing;
  }

  /** Stop delivering data: no `dataReceived()` until `resumeReading()` (data already received waits). */
  override pauseReading(): void {
    if (!this.isReading()) return;
    this.#paused = true;
    this.#stream.pause();
  }

  override resumeReading(): void {
    if (this.#closing || !this.#paused) return;
    this.#paused = false;
    this.#stream.resume();
    if (this.#pending.length > 0) this.#loop.callSoon(this.#flush);
  }

  override setProtocol(protocol: Protocol | BufferedProtocol): void {
    this.#protocol = protocol;
  }

  override getProtocol(): Protocol | BufferedProtocol {
    return this.#protocol;
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    return pipeRepr("ReadPipeTransport", this.#stream, this.#closing, this.#lost);
  }
}

/**
 * The transport of the write end of a pipe (CPython's `_UnixWritePipeTransport`): writes never
 * block, with write flow control at CPython's marks on Node's buffer (`writableLength`);
 * `writeEof()` and `close()` flush, then call `connectionLost(null)` and close the pipe.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.WriteTransport
 */
export class WritePipeTransport extends WriteTransport<PipeExtraInfo> {
  readonly #loop: BaseEventLoop;
  readonly #stream: Writable;
  #protocol: BaseProtocol;
  readonly #flow: WriteFlowControl;
  /** Set when close() or writeEof() is called (CPython's _closing). */
  #closing = false;
  /** Counts the writes dropped after the pipe failed (CPython's _conn_lost). */
  #connLost = 0;
  /** connectionLost() is scheduled. */
  #lost = false;
  #resumeScheduled = false;
  readonly #unhook: () => void;

  /** Made by `loop.connectWritePipe()` and the subprocess transport. @internal */
  constructor(
    loop: BaseEventLoop,
    stream: Writable,
    protocol: BaseProtocol,
    extra: PipeExtraInfo,
    waiter: Future<null> | null,
  ) {
    super(extra);
    this.#loop = loop;
    this.#stream = stream;
    this.#protocol = protocol;
    this.#flow = new WriteFlowControl(loop, this);
    stream.on("error", this.#onError);
    stream.on("close", this.#onClose);
    // CPython watches a socket's write end for reading: the peer closing it ends the transport.
    if (stream instanceof net.Socket && stream.readable) {
      stream.on("data", this.#onPeerClosed);
      stream.on("end", this.#onPeerClosed);
    }
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#destroy();
    });
    loop.callSoon(() => {
      this.#protocol.connectionMade(this);
    });
    if (waiter !== null) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(null);
      });
    }
  }

  #post(fn: () => void): void {
    if (this.#loop.isClosed()) this.#destroy();
    else this.#loop.callSoon(fn);
  }

  readonly #onError = (err: Error): void => {
    this.#post(() => {
      if (this.#lost) return;
      this.#connLost++;
      this.#fatalError(err, "Fatal write error on pipe transport");
    });
  };

  readonly #onClose = (): void => {
    this.#post(() => {
      this[kPeerClosed]();
    });
  };

  readonly #onPeerClosed = (): void => {
    this.#post(() => {
      this[kPeerClosed]();
    });
  };

  /**
   * The reader closed its end (CPython `_read_ready` of the write pipe): lost with an EPIPE
   * error if data was still buffered, else cleanly. Also for the subprocess transport, when the
   * child exits.
   * @internal
   */
  [kPeerClosed](): void {
    if (this.#lost) return;
    debug("%s was closed by peer", String(this));
    this.#close(this.#stream.writableLength > 0 ? brokenPipe() : null);
  }

  /** CPython `_fatal_error`: system errors (Python's OSError) are only logged in debug mode. */
  #fatalError(exc: Error, message: string): void {
    if (typeof (exc as NodeJS.ErrnoException).code === "string")
      debug("%s: %s: %s", String(this), message, exc);
    else {
      this.#loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.#protocol });
    }
    this.#close(exc);
  }

  /** CPython `_close`: the buffer is dropped, connectionLost(exc) comes next. */
  #close(exc: Error | null): void {
    this.#closing = true;
    if (this.#stream.writableLength > 0) this.#destroy();
    this.#scheduleLost(exc);
  }

  #scheduleLost(exc: Error | null): void {
    if (this.#lost) return;
    this.#lost = true;
    this.#loop.callSoon(() => {
      try {
        this.#protocol.connectionLost(exc);
      } finally {
        this.#destroy();
      }
    });
  }

  #destroy(): void {
    this.#unhook();
    const stream = this.#stream;
    stream.off("close", this.#onClose);
    stream.off("data", this.#onPeerClosed);
    stream.off("end", this.#onPeerClosed);
    stream.on("error", noop);
    stream.off("error", this.#onError);
    stream.destroy();
  }

  /**
   * Write `data`: what the pipe does not take at once is buffered. The bytes are not copied.
   * Writes after `close()`, `writeEof()` or a broken pipe are dropped (from the fifth, each logs
   * CPython's warning).
   * @throws {TypeError} `data argument must be a bytes-like object, not 'str'`.
   */
  override write(data: Uint8Array | ArrayBufferView): void {
    const given: unknown = data;
    if (!ArrayBuffer.isView(given)) {
      const name = typeof given === "string" ? "str" : given === null ? "NoneType" : typeof given;
      throw new TypeError(`data argument must be a bytes-like object, not '${name}'`);
    }
    if (data.byteLength === 0) return;
    if (this.#connLost !== 0 || this.#closing || this.#stream.destroyed) {
      if (this.#connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) {
        logger.warn("pipe closed by peer or os.write(pipe, data) raised exception.");
      }
      this.#connLost++;
      return;
    }
    const bytes =
      data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#stream.write(bytes, this.#written);
    this.#flow.maybePause(this.#stream.writableLength, this.#protocol);
  }

  // A write reached the pipe: resume the protocol once the buffer is at the low mark.
  readonly #written = (): void => {
    if (!this.#flow.paused || this.#resumeScheduled) return;
    this.#resumeScheduled = true;
    this.#post(() => {
      this.#resumeScheduled = false;
      if (!this.#lost) this.#flow.maybeResume(this.#stream.writableLength, this.#protocol);
    });
  };

  override canWriteEof(): boolean {
    return true;
  }

  /** Close the pipe once the buffer is flushed: the reader sees the end of file; then `connectionLost(null)`. */
  override writeEof(): void {
    if (this.#closing) return;
    this.#closing = true;
    const stream = this.#stream;
    if (stream.writableLength === 0) {
      this.#scheduleLost(null);
      return;
    }
    stream.end();
    stream.once("finish", () => {
      this.#post(() => {
        this.#scheduleLost(null);
      });
    });
  }

  /** As `writeEof()`: flush, then close. */
  override close(): void {
    if (!this.#closing && !this.#lost) this.writeEof();
  }

  /** Close at once: the buffered data is lost; then `connectionLost(null)`. */
  override abort(): void {
    this.#close(null);
  }

  override isClosing(): boolean {
    return this.#closing;
  }

  override setProtocol(protocol: BaseProtocol): void {
    this.#protocol = protocol;
  }

  override getProtocol(): BaseProtocol {
    return this.#protocol;
  }

  /** The bytes written and not yet taken by the pipe (Node's `writableLength`). */
  override getWriteBufferSize(): number {
    return this.#lost ? 0 : this.#stream.writableLength;
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
    this.#flow.maybePause(this.getWriteBufferSize(), this.#protocol);
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const base = pipeRepr("WritePipeTransport", this.#stream, this.#closing, this.#lost);
    return this.#lost ? base : `${base.slice(0, -1)} bufsize=${this.getWriteBufferSize()}>`;
  }
}

function brokenPipe(): Error {
  return Object.assign(new Error("write EPIPE"), { code: "EPIPE", errno: -32, syscall: "write" });
}

/** Make the transport and protocol; wait for connectionMade; close the transport on failure. */
async function connect<T extends ReadPipeTransport | WritePipeTransport>(
  loop: BaseEventLoop,
  make: (waiter: Future<null>) => T,
): Promise<T> {
  const waiter = loop.createFuture<null>();
  const transport = make(waiter);
  try {
    await waiter;
  } catch (e) {
    transport.close();
    throw e;
  }
  return transport;
}

/** CPython's `loop.connect_read_pipe()`, run in the awaiting task. @internal */
export async function connectReadPipeNow<P extends Protocol | BufferedProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  pipe: ReadPipe,
): Promise<[ReadPipeTransport, P]> {
  checkFactory(protocolFactory);
  // CPython: the protocol first, then the transport checks the pipe.
  const protocol = makeProtocol(protocolFactory);
  const stream = readableOf(pipe);
  const transport = await connect(loop, (w) => new ReadPipeTransport(loop, stream, protocol, { pipe }, w));
  return [transport, protocol];
}

/** CPython's `loop.connect_write_pipe()`, run in the awaiting task. @internal */
export async function connectWritePipeNow<P extends BaseProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  pipe: WritePipe,
): Promise<[WritePipeTransport, P]> {
  checkFactory(protocolFactory);
  const protocol = makeProtocol(protocolFactory);
  const stream = writableOf(pipe);
  const transport = await connect(loop, (w) => new WritePipeTransport(loop, stream, protocol, { pipe }, w));
  return [transport, protocol];
}
