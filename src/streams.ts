/**
 * Streams (CPython's streams.py): StreamReader, the buffered reading side of a connection. The
 * socket helpers (openConnection, startServer, StreamWriter) come with the transports.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 * @module
 */
import { Buffer } from "node:buffer";
import { IncompleteReadError, LimitOverrunError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { LoopBound } from "./locks.ts";

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
    this.#wakeupWaiter();
    if (this.#transport !== null && !this.#paused && this.#length > 2 * this.#limit) {
      this.#transport.pauseReading();
      this.#paused = true;
    }
  }

  #append(data: Uint8Array): void {
    const length = this.#length;
    if (this.#end + data.length > this.#buf.length) {
      if (length + data.length <= this.#buf.length && length <= this.#buf.length / 2) {
        this.#buf.copy(this.#buf, 0, this.#start, this.#end);
      } else {
        const grown = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, length + data.length, 1024));
        this.#buf.copy(grown, 0, this.#start, this.#end);
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = length;
    }
    this.#buf.set(data, this.#end);
    this.#end += data.length;
  }

  /** Remove and return (a copy of) the first `n` buffered bytes. */
  #take(n: number): Buffer {
    const data = Buffer.from(this.#buf.subarray(this.#start, this.#start + n));
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return data;
  }

  #clear(): void {
    this.#start = this.#end = 0;
  }

  #raiseIfFailed(): void {
    // Python's None is null here: setException(null) clears the exception.
    if (this.#exception !== null) raise(this.#exception);
  }

  /** Wait until `feedData()` or `feedEof()`; resume a paused transport first. */
  async #waitForData(funcName: string): Promise<void> {
    if (this.#waiter !== null) {
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
    try {
      await waiter;
    } finally {
      // A cancelled read leaves no waiter behind; setException() may already have cleared it.
      if (this.#waiter === waiter) this.#waiter = null;
    }
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
    if (this.#waiter !== null) info.push(`waiter=${String(this.#waiter)}`);
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
