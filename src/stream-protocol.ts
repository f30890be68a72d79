/**
 * StreamReaderProtocol (CPython's streams.py, with its FlowControlMixin): the protocol the stream
 * functions put between a transport and a StreamReader, and what `drain()` waits on.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 * @module
 */
import type { Buffer } from "node:buffer";
import type { BaseEventLoop } from "./base-events.ts";
import { getRunningLoop } from "./events.ts";
import { connectionLost } from "./internal/stream-transport.ts";
import { kDrainHelper, kWaitClosed } from "./internal/symbols.ts";
import { Waiters } from "./internal/waiters.ts";
import { Protocol } from "./protocols.ts";
import { debug } from "./sslproto.ts";
import { newWriter, type StreamReader } from "./streams.ts";
import type { Transport } from "./transports.ts";
import type { ClientConnectedCallback } from "./server.ts";

/**
 * The protocol between a transport and a {@link StreamReader}: what it receives goes to the
 * reader (`dataReceived` → `feedData`, `eofReceived` → `feedEof`, `connectionLost` → `feedEof`
 * or `setException`), and `pauseWriting`/`resumeWriting` hold `StreamWriter.drain()`. Given a
 * `clientConnected` callback (a server's), `connectionMade` makes a {@link StreamWriter} and runs
 * `clientConnected(reader, writer)` as a Task; an exception in it is reported to the loop's
 * exception handler and the transport closed. `openConnection()` and `startServer()` use it;
 * use it yourself to get streams over a transport of your own making.
 * @example
 * const loop = asyncio.getRunningLoop();
 * const reader = new asyncio.StreamReader();
 * const protocol = new asyncio.StreamReaderProtocol(reader);
 * const [transport] = await loop.createConnection(() => protocol, "127.0.0.1", 8888);
 * transport.write(Buffer.from("hello\n"));
 * console.log(String(await reader.readline()));
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 */
export class StreamReaderProtocol extends Protocol {
  #loop: BaseEventLoop | null;
  #reader: StreamReader | null;
  readonly #clientConnected: ClientConnectedCallback | null;
  #transport: Transport | null = null;
  #paused = false;
  #connectionLost = false;
  /** The error the connection was lost with, once lost. */
  #exc: Error | null = null;
  readonly #drainWaiters = new Waiters();
  readonly #closeWaiters = new Waiters();

  /**
   * `new StreamReaderProtocol(streamReader, clientConnected?, loop?)`, as Python's
   * `StreamReaderProtocol(stream_reader, client_connected_cb=None, loop=None)`.
   * @param streamReader the reader to feed (null: the data is dropped).
   * @param clientConnected a server's callback, run as a Task with the reader and a new writer
   * once the connection is made.
   * @param loop the loop (default: the running loop, taken when the connection is made).
   * @throws {TypeError} if `clientConnected` is neither a function nor null.
   */
  constructor(
    streamReader: StreamReader | null,
    clientConnected: ClientConnectedCallback | null = null,
    loop: BaseEventLoop | null = null,
  ) {
    super();
    const cb: unknown = clientConnected;
    if (cb !== null && cb !== undefined && typeof cb !== "function") {
      throw new TypeError(
        `clientConnected must be a function (reader, writer) => ..., or null, got ${typeof cb}`,
      );
    }
    this.#reader = streamReader;
    this.#clientConnected = clientConnected ?? null;
    this.#loop = loop;
  }

  get #theLoop(): BaseEventLoop {
    this.#loop ??= getRunningLoop();
    return this.#loop;
  }

  /** @internal whether writing is paused (StreamWriter.drain()'s fast path) */
  get _paused(): boolean {
    return this.#paused;
  }

  /** @internal the server side of a connection: the one with a client callback */
  get _serverSide(): boolean {
    return this.#clientConnected !== null;
  }

  /** Attach the reader to `transport` (for its back-pressure) and, for a server, run its callback. */
  override connectionMade(transport: Transport): void {
    this.#transport = transport;
    const reader = this.#reader;
    reader?._setTransport(transport);
    const cb = this.#clientConnected;
    if (cb === null || reader === null) return;
    const loop = this.#theLoop;
    const writer = new newWriter(transport, this, reader);
    const task = loop.createTask(() => cb(reader, writer));
    // CPython 3.13 StreamReaderProtocol.connection_made: a cancelled callback closes the
    // transport; one that raised is reported, then the transport closed.
    task.addDoneCallback((t) => {
      if (t.cancelled()) {
        transport.close();
        return;
      }
      const exc = t.exception();
      if (exc !== null) {
        loop.callExceptionHandler({
          message: "Unhandled exception in client_connected_cb",
          exception: exc,
          transport,
        });
        transport.close();
      }
    });
  }

  /** Feed `data` to the reader. The chunk is adopted, not copied: do not change it afterwards. */
  override dataReceived(data: Buffer): void {
    this.#reader?._feedChunk(data);
  }

  /** Feed EOF to the reader; keep the transport half-open, unless it speaks TLS. */
  override eofReceived(): boolean {
    this.#reader?.feedEof();
    // CPython: over SSL, returning true would have no effect (and a warning).
    return this.#transport?.getExtraInfo("sslcontext") == null;
  }

  /** Feed EOF (or `exc`) to the reader; wake `drain()` and `waitClosed()`. */
  override connectionLost(exc: Error | null): void {
    const reader = this.#reader;
    if (reader !== null) {
      if (exc === null) reader.feedEof();
      else reader.setException(exc);
    }
    this.#connectionLost = true;
    this.#exc = exc;
    this.#closeWaiters.settleAll(exc, null);
    this.#drainWaiters.settleAll(exc, null);
    this.#reader = null;
    this.#transport = null;
  }

  override pauseWriting(): void {
    this.#paused = true;
    if (this.#loop?.getDebug() === true) debug("%s pauses writing", String(this));
  }

  override resumeWriting(): void {
    this.#paused = false;
    if (this.#loop?.getDebug() === true) debug("%s resumes writing", String(this));
    this.#drainWaiters.wakeAll(null);
  }

  /**
   * CPython's `_drain_helper`: wait while writing is paused.
   * @throws {Error} `Connection lost` (`ECONNRESET`) once the connection is lost.
   * @internal
   */
  async [kDrainHelper](): Promise<void> {
    if (this.#connectionLost) throw connectionLost();
    if (!this.#paused) return;
    await this.#drainWaiters.wait(this.#theLoop);
  }

  /**
   * Wait until the connection is lost; raise its error, if any (CPython's close waiter).
   * @internal
   */
  async [kWaitClosed](): Promise<void> {
    if (this.#connectionLost) {
      if (this.#exc !== null) throw this.#exc;
      return;
    }
    await this.#closeWaiters.wait(this.#theLoop);
  }

  override toString(): string {
    return `<StreamReaderProtocol${this.#connectionLost ? " lost" : ""}${this.#paused ? " paused" : ""}>`;
  }
}
