/**
 * A WebSocket connection (websockets' asyncio/connection.py) over a `ws` WebSocket: recv and
 * async iteration, send with back-pressure and fragmentation, ping/pong, the closing handshake,
 * keepalive pings, and broadcast(). ServerConnection and ClientConnection extend it.
 *
 * Node events only schedule callbacks on the loop (or feed the message queue), so futures change
 * state in the loop's order, as in the core's stream transport.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html
 * @module
 */
import { Buffer } from "node:buffer";
import { randomBytes, randomUUID } from "node:crypto";
import type net from "node:net";
import type { WebSocket } from "ws";
import type { BaseEventLoop } from "../base-events.ts";
import { shield } from "../combinators.ts";
import {
  awaitAs,
  type Coroutine,
  libraryCoroutine,
  NOT_FAST,
  type Settle,
  waitingCoroutine,
} from "../coroutines.ts";
import { logger } from "../debug.ts";
import type { TimerHandle } from "../events.ts";
import { CancelledError, ExceptionGroup, RuntimeError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { addCloseHook } from "../internal/close-hooks.ts";
import { taskStorage } from "../internal/context.ts";
import { Deque } from "../internal/deque.ts";
import { inspectCustom } from "../internal/repr.ts";
import {
  ConcurrencyError,
  ConnectionClosed,
  ConnectionClosedError,
  ConnectionClosedOK,
  ProtocolError,
} from "./exceptions.ts";
import { Close, isExternalCloseCode, OK_CLOSE_CODES } from "./frames.ts";
import type { Request, Response } from "./http11.ts";

/** The state of a WebSocket connection, defined in RFC 6455 (websockets' `State`). */
export const State = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
/** One of {@link State}'s values. */
export type State = (typeof State)[keyof typeof State];

/** A message received: a string for a text frame, a Buffer (a Uint8Array) for a binary one. */
export type Data = string | Buffer;
/** What `send()` sends as one frame: a string as text, bytes as binary. */
export type DataLike = string | Uint8Array;

/** Options every connection shares (the keyword arguments of `serve()` and `connect()`). */
export interface ConnectionOptions {
  /** Seconds between keepalive pings (default 20); null disables keepalive. */
  pingInterval?: number | null;
  /** Seconds to wait for a keepalive pong (default 20); null waits forever. */
  pingTimeout?: number | null;
  /** Seconds the closing handshake may take before the TCP connection is aborted (default 10). */
  closeTimeout?: number | null;
  /**
   * High-water mark of the queue of received messages (default 16): reading from the socket stops
   * above it and resumes at the low-water mark (`high / 4`, or the second item of a pair).
   * null disables flow control.
   */
  maxQueue?: number | null | readonly [high: number | null, low: number | null];
  /** High-water mark of the write buffer in bytes (default 2**15): `send()` waits above it. */
  writeLimit?: number;
}

/** Options of `send()`. */
export interface SendOptions {
  /** true sends bytes in a text frame; false sends a string in a binary frame. */
  text?: boolean;
}

const EMPTY: Buffer = Buffer.alloc(0);
const NO_OPTIONS: SendOptions = Object.freeze({});
const RECV_DEFAULT: readonly [null] = [null];
const TEXT_FINAL = { binary: false, fin: true } as const;
const BINARY_FINAL = { binary: true, fin: true } as const;
const TEXT_PART = { binary: false, fin: false } as const;
const BINARY_PART = { binary: true, fin: false } as const;
/** The longest timer Node arms: what "no close timeout" becomes for ws. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array;
}

function frameOptions(binary: boolean, fin: boolean): { binary: boolean; fin: boolean } {
  return fin ? (binary ? BINARY_FINAL : TEXT_FINAL) : binary ? BINARY_PART : TEXT_PART;
}

/** ws's close-frame status of a receiver error (its `kStatusCode` symbol property). */
function errorStatus(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  for (const sym of Object.getOwnPropertySymbols(err)) {
    if (sym.description === "status-code") {
      const v = (err as Record<symbol, unknown>)[sym];
      return typeof v === "number" ? v : undefined;
    }
  }
  return undefined;
}

/** ws's `closeTimeout` option (milliseconds) for a close timeout in seconds. */
export function closeTimeoutMs(closeTimeout: number | null | undefined): number {
  if (closeTimeout === undefined) return 10_000;
  if (closeTimeout === null) return MAX_TIMER_MS;
  return Math.min(Math.max(0, closeTimeout * 1000), MAX_TIMER_MS);
}

/** The options checked once: what a connection keeps. */
interface Limits {
  pingInterval: number | null;
  pingTimeout: number | null;
  high: number | null;
  low: number | null;
  writeLimit: number;
}

/** Check and resolve the connection options. @internal */
export function connectionLimits(options: ConnectionOptions): Limits {
  const { pingInterval = 20, pingTimeout = 20, maxQueue = 16, writeLimit = 2 ** 15 } = options;
  let high: number | null;
  let low: number | null;
  if (maxQueue === null || typeof maxQueue === "number") {
    high = maxQueue;
    low = null;
  } else {
    [high, low] = maxQueue;
  }
  // websockets 14 asyncio/messages.py Assembler.
  if (high !== null && low === null) low = Math.floor(high / 4);
  if (high === null && low !== null) high = low * 4;
  if (high !== null && low !== null) {
    if (low < 0) throw new RangeError("low must be positive or equal to zero");
    if (high < low) throw new RangeError("high must be greater than or equal to low");
  }
  if (!(writeLimit >= 0))
    throw new RangeError(`writeLimit must be a number of bytes, got ${String(writeLimit)}`);
  return { pingInterval, pingTimeout, high, low, writeLimit };
}

let attachImpl: (conn: Connection, ws: WebSocket, socket: net.Socket | null) => void;
let failImpl: (conn: Connection, code: number, reason: string) => void;
let setRequestImpl: (conn: Connection, request: Request | null, response: Response | null) => void;
let broadcastTarget: (conn: Connection) => WebSocket | "fragmented" | null;

/**
 * Start speaking WebSocket on `conn` over `ws` (open), `socket` being the TCP or TLS socket under it.
 * @internal
 */
export function attachWebSocket(conn: Connection, ws: WebSocket, socket: net.Socket | null): void {
  attachImpl(conn, ws, socket);
}

/** Fail the connection: send a close frame with `code` and stop. @internal */
export function failConnection(conn: Connection, code: number, reason: string): void {
  failImpl(conn, code, reason);
}

/** Record the handshake messages of `conn`. @internal */
export function setHandshake(conn: Connection, request: Request | null, response: Response | null): void {
  setRequestImpl(conn, request, response);
}

/**
 * A WebSocket connection: what `serve()` gives its handler ({@link ServerConnection}) and what
 * `connect()` returns ({@link ClientConnection}).
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html#websockets.asyncio.connection.Connection
 */
export class Connection {
  /** Unique identifier of the connection (a UUID), useful in logs. */
  readonly id: string = randomUUID();
  /**
   * Latency of the connection in seconds: the round-trip time of the last ping answered (0 before
   * the first).
   */
  latency = 0;
  #request: Request | null = null;
  #response: Response | null = null;
  readonly #loop: BaseEventLoop;
  readonly #limits: Limits;
  readonly #isServer: boolean;
  #ws: WebSocket | null = null;
  #socket: net.Socket | null = null;
  #state: State = State.CONNECTING;
  #remote: [string, number] | null = null;
  #local: [string, number] | null = null;
  readonly #queue = new Deque<Data>(16);
  #paused = false;
  #recvWaiter: Future<null> | null = null;
  #recvBusy = false;
  #recvSettle: Settle<Data> | null = null;
  #recvDecode: boolean | null = null;
  #recvTask: object | undefined = undefined;
  readonly #lost: Future<null>;
  #rcvd: Close | null = null;
  #sent: Close | null = null;
  #rcvdThenSent: boolean | null = null;
  #recvExc: unknown = null;
  readonly #pongs = new Map<string, [waiter: Future<number>, sentAt: number]>();
  #keepaliveTimer: TimerHandle | null = null;
  #pongTimer: TimerHandle | null = null;
  #fragmented: Future<null> | null = null;
  #unhook: (() => void) | null = null;

  static {
    attachImpl = (conn, ws, socket) => {
      conn.#attach(ws, socket);
    };
    failImpl = (conn, code, reason) => {
      conn.#fail(code, reason);
    };
    broadcastTarget = (conn) => {
      const ws = conn.#ws;
      if (ws === null || ws.readyState !== 1) return null;
      return conn.#fragmented === null ? ws : "fragmented";
    };
    setRequestImpl = (conn, request, response) => {
      conn.#request = request;
      conn.#response = response;
    };
  }

  /** Made by `serve()` and `connect()`. */
  protected constructor(loop: BaseEventLoop, options: ConnectionOptions, isServer: boolean) {
    this.#loop = loop;
    this.#limits = connectionLimits(options);
    this.#isServer = isServer;
    this.#lost = loop.createFuture<null>();
  }

  #attach(ws: WebSocket, socket: net.Socket | null): void {
    this.#ws = ws;
    this.#socket = socket;
    this.#state = State.OPEN;
    // Bun's own `ws` client exposes no socket: its addresses are then unknown.
    if (socket !== null) {
      this.#remote = [socket.remoteAddress ?? "", socket.remotePort ?? 0];
      this.#local = [socket.localAddress ?? "", socket.localPort ?? 0];
      // websockets sets TCP_NODELAY through asyncio, which sets it on every TCP transport.
      socket.setNoDelay(true);
    }
    ws.on("message", this.#onMessage);
    ws.on("pong", this.#onPong);
    ws.on("error", this.#onError);
    ws.on("close", this.#onClose);
    // The loop owns the connection: one still open when the loop closes is aborted, so that it
    // cannot keep the process alive.
    this.#unhook = addCloseHook(this.#loop, () => {
      this.#unhook = null;
      ws.terminate();
    });
    if (this.#limits.pingInterval !== null) {
      this.#keepaliveTimer = this.#loop.callLater(this.#limits.pingInterval, this.#keepalive);
    }
  }

  /** The handshake request: the server's view of the client's request, or the client's own. */
  get request(): Request | null {
    return this.#request;
  }

  /** The handshake response. */
  get response(): Response | null {
    return this.#response;
  }

  /** The state of the connection ({@link State}): CONNECTING, OPEN, CLOSING or CLOSED. */
  get state(): State {
    if (this.#state === State.OPEN && this.#ws !== null && this.#ws.readyState !== 1) return State.CLOSING;
    return this.#state;
  }

  /** The remote address, `[host, port]` (null before the handshake). */
  get remoteAddress(): [host: string, port: number] | null {
    return this.#remote === null ? null : [...this.#remote];
  }

  /** The local address, `[host, port]` (null before the handshake). */
  get localAddress(): [host: string, port: number] | null {
    return this.#local === null ? null : [...this.#local];
  }

  /** The subprotocol negotiated in the opening handshake, null if none. */
  get subprotocol(): string | null {
    const p = this.#ws?.protocol ?? "";
    return p === "" ? null : p;
  }

  /** The close code received from the other end (1006 if none came); null until CLOSED. */
  get closeCode(): number | null {
    if (this.#state !== State.CLOSED) return null;
    return this.#rcvd === null ? 1006 : this.#rcvd.code;
  }

  /** The close reason received from the other end (`""` if none came); null until CLOSED. */
  get closeReason(): string | null {
    if (this.#state !== State.CLOSED) return null;
    return this.#rcvd === null ? "" : this.#rcvd.reason;
  }

  // ---- receiving

  /**
   * Receive the next message: a string for a text frame, a Buffer for a binary one (`decode`
   * true decodes binary frames as UTF-8, false returns text frames as bytes).
   *
   * Cancelling `recv()` is safe: no message is lost, the next call returns it. So it can be
   * bounded with `asyncio.timeout()` or `waitFor()`.
   * @throws {ConnectionClosedOK} after a normal closure, once the TCP connection is closed.
   * @throws {ConnectionClosedError} after a protocol error or a network failure.
   * @throws {ConcurrencyError} when another task is already in `recv()`.
   * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html#websockets.asyncio.connection.Connection.recv
   */
  recv(decode: true): Coroutine<string>;
  recv(decode: false): Coroutine<Buffer>;
  recv(decode?: boolean | null): Coroutine<Data>;
  recv(decode: boolean | null = null): Coroutine<Data> {
    // The arguments are only read: recv() with none shares one array.
    const args = decode === null ? RECV_DEFAULT : [decode];
    return waitingCoroutine("Connection.recv", this, this.#recvWait, this.#recvFast, args);
  }

  #recvFast(decode: boolean | null): Data | typeof NOT_FAST {
    if (this.#recvBusy) throw recvConcurrency();
    if (this.#queue.length === 0) return NOT_FAST;
    return this.#take(decode);
  }

  // websockets 14's recv(), without an async frame: wait on a future as the task running it until
  // a message is queued; the message stays queued until the task resumes, so a cancelled recv()
  // takes nothing. Once the connection is closed and the queue empty, raise its ConnectionClosed.
  #recvWait(settle: Settle<Data>, decode: boolean | null): void {
    if (this.#recvBusy) {
      settle.fail(recvConcurrency());
      return;
    }
    // One recv() at a time: its state lives here, and its reactions are bound once.
    this.#recvBusy = true;
    this.#recvSettle = settle;
    this.#recvDecode = decode;
    this.#recvTask = taskStorage.getStore();
    this.#recvNext();
  }

  #recvNext(): void {
    if (this.#queue.length > 0) {
      this.#recvDone().succeed(this.#take(this.#recvDecode));
      return;
    }
    if (this.#state === State.CLOSED) {
      this.#recvDone().fail(this.#closeExc());
      return;
    }
    const waiter = this.#loop.createFuture<null>();
    this.#recvWaiter = waiter;
    awaitAs(this.#recvTask, waiter, this.#recvWoken, this.#recvFailed);
  }

  readonly #recvWoken = (): void => {
    this.#recvWaiter = null;
    this.#recvNext();
  };

  readonly #recvFailed = (e: unknown): void => {
    this.#recvWaiter = null;
    this.#recvDone().fail(e);
  };

  /** End the recv() in progress: its settle, once. */
  #recvDone(): Settle<Data> {
    const settle = this.#recvSettle as Settle<Data>;
    this.#recvSettle = null;
    this.#recvTask = undefined;
    this.#recvBusy = false;
    return settle;
  }

  #take(decode: boolean | null): Data {
    const m = this.#queue.shift();
    const low = this.#limits.low;
    if (this.#paused && low !== null && this.#queue.length <= low) {
      this.#paused = false;
      this.#ws?.resume();
    }
    if (decode === true && typeof m !== "string") return m.toString("utf8");
    if (decode === false && typeof m === "string") return Buffer.from(m, "utf8");
    return m;
  }

  /**
   * Iterate on incoming messages: `for await (const message of ws)`. The iteration ends when the
   * connection is closed normally and throws {@link ConnectionClosedError} otherwise.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Data> {
    // websockets' __aiter__ (recv() until ConnectionClosedOK), as a plain iterator: each next()
    // is one recv() run at once (what awaiting `recv()` would do), with no coroutine object, no
    // async generator frame and no thenable between the loop and the message: `for await` gets
    // a native promise, settled by the recv's own settle.
    const settle = new IterSettle();
    const executor = (resolve: (r: IteratorResult<Data>) => void, reject: (e: unknown) => void): void => {
      settle.resolve = resolve;
      settle.reject = reject;
      this.#recvWait(settle, null);
    };
    const next = (): Promise<IteratorResult<Data>> => {
      let fast: Data | typeof NOT_FAST;
      try {
        fast = this.#recvFast(null);
      } catch (e) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as is
        return Promise.reject(e);
      }
      if (fast !== NOT_FAST) return Promise.resolve({ value: fast, done: false });
      return new Promise(executor);
    };
    const iterator: AsyncIterableIterator<Data> = {
      next,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  // ---- sending

  /**
   * Send a message: a string as a text frame, bytes as a binary frame; an iterable or async
   * iterable of strings or of bytes as a fragmented message. Waits while the write buffer is
   * above `writeLimit` (back-pressure).
   * @throws {ConnectionClosed} when the connection is closed (after waiting for it to be).
   * @throws {TypeError} `data must be str, bytes, iterable, or async iterable`, and for fragments
   * of mixed types (`iterable must contain uniform types`, which also closes the connection).
   * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html#websockets.asyncio.connection.Connection.send
   */
  send(
    message: DataLike | Iterable<DataLike> | AsyncIterable<DataLike>,
    options: SendOptions = NO_OPTIONS,
  ): Coroutine<void> {
    return libraryCoroutine("Connection.send", this, this.#sendSlow, this.#sendFast, [message, options]);
  }

  /** Whether sending `size` more bytes takes the buffer above the write limit. */
  #overLimit(ws: WebSocket, size: number): boolean {
    return ws.bufferedAmount + size > this.#limits.writeLimit;
  }

  #sendFast(message: unknown, options: SendOptions): undefined | typeof NOT_FAST {
    if (this.#fragmented !== null) return NOT_FAST;
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) return NOT_FAST;
    let binary: boolean;
    let size: number;
    if (typeof message === "string") {
      binary = options.text === false;
      size = message.length;
    } else if (isBytes(message)) {
      binary = options.text !== true;
      size = message.byteLength;
    } else {
      return NOT_FAST;
    }
    if (this.#overLimit(ws, size)) return NOT_FAST;
    ws.send(message, binary ? BINARY_FINAL : TEXT_FINAL);
    return undefined;
  }

  async #sendSlow(
    message: DataLike | Iterable<DataLike> | AsyncIterable<DataLike>,
    options: SendOptions,
  ): Promise<void> {
    // While a fragmented message is being sent, other messages wait until it is done.
    while (this.#fragmented !== null) await shield(this.#fragmented);
    if (typeof message === "string") {
      await this.#sendFrame(message, options.text === false, true);
      return;
    }
    if (isBytes(message)) {
      await this.#sendFrame(message, options.text !== true, true);
      return;
    }
    const m: unknown = message;
    if (m instanceof Map) throw new TypeError("data is a dict-like object");
    if (typeof m === "object" && m !== null && Symbol.iterator in m) {
      await this.#sendFragments(message, options, false);
      return;
    }
    if (typeof m === "object" && m !== null && Symbol.asyncIterator in m) {
      await this.#sendFragments(message, options, true);
      return;
    }
    throw new TypeError("data must be str, bytes, iterable, or async iterable");
  }

  async #sendFragments(
    message: Iterable<DataLike> | AsyncIterable<DataLike>,
    options: SendOptions,
    isAsync: boolean,
  ): Promise<void> {
    const kind = isAsync ? "async iterable" : "iterable";
    const it = isAsync
      ? (message as AsyncIterable<DataLike>)[Symbol.asyncIterator]()
      : (message as Iterable<DataLike>)[Symbol.iterator]();
    let r = await it.next();
    if (r.done === true) return;
    const waiter = this.#loop.createFuture<null>();
    this.#fragmented = waiter;
    try {
      const first: unknown = r.value;
      let encode: boolean;
      if (typeof first === "string") encode = true;
      else if (isBytes(first)) encode = false;
      else throw new TypeError(`${kind} must contain bytes or str`);
      const binary = encode ? options.text === false : options.text !== true;
      await this.#sendFrame(first, binary, false);
      for (;;) {
        r = await it.next();
        if (r.done === true) break;
        const chunk: unknown = r.value;
        if (!(encode ? typeof chunk === "string" : isBytes(chunk))) {
          throw new TypeError(`${kind} must contain uniform types`);
        }
        await this.#sendFrame(chunk as DataLike, binary, false);
      }
      await this.#sendFrame(EMPTY, binary, true);
    } catch (e) {
      // Half-way through a fragmented message: the connection cannot be used any more.
      if (!(e instanceof ConnectionClosed)) {
        this.#fail(1011, "error in fragmented message");
        if (!(e instanceof CancelledError)) await shield(this.#lost);
      }
      throw e;
    } finally {
      this.#fragmented = null;
      waiter.setResult(null);
    }
  }

  /** Send one frame, waiting for the write buffer to drain when it is above the limit. */
  async #sendFrame(data: DataLike, binary: boolean, fin: boolean): Promise<void> {
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) {
      await shield(this.#lost);
      throw this.#closeExc();
    }
    const size = typeof data === "string" ? data.length : data.byteLength;
    if (!this.#overLimit(ws, size)) {
      ws.send(data, frameOptions(binary, fin));
      return;
    }
    // Over the limit: wait until this frame (and so all before it) is written to the socket.
    const written = this.#loop.createFuture<null>();
    ws.send(data, frameOptions(binary, fin), (err) => {
      this.#post(() => {
        if (written.done()) return;
        if ((err as Error | null | undefined) == null) written.setResult(null);
        else written.setException(err);
      });
    });
    try {
      await written;
    } catch (e) {
      if (e instanceof CancelledError) throw e;
      ws.terminate();
      await shield(this.#lost);
      throw this.#closeExc(e);
    }
  }

  // ---- control frames

  /**
   * Send a ping and wait for the matching pong; resolve with the latency in seconds. `data` is
   * the payload (a string is encoded as UTF-8); by default four random bytes.
   *
   * **Differs from websockets:** Python's `await ws.ping()` returns a future of the pong; an
   * awaited thenable is always flattened in JavaScript, so `await ws.ping()` here is Python's
   * `await (await ws.ping())`. To ping without waiting, run it in a task. See docs/websockets.md.
   * @throws {ConnectionClosed} when the connection is closed.
   * @throws {ConcurrencyError} `already waiting for a pong with the same data`.
   * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html#websockets.asyncio.connection.Connection.ping
   */
  ping(data: DataLike | null = null): Coroutine<number> {
    return libraryCoroutine("Connection.ping", this, this.#ping, null, [data]);
  }

  async #ping(data: unknown): Promise<number> {
    let payload: Buffer | null;
    if (typeof data === "string") payload = Buffer.from(data, "utf8");
    else if (isBytes(data)) payload = Buffer.from(data);
    else if (data === null || data === undefined) payload = null;
    else throw new TypeError("data must be str or bytes-like");
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) {
      await shield(this.#lost);
      throw this.#closeExc();
    }
    if (payload !== null && this.#pongs.has(payload.toString("latin1"))) {
      throw new ConcurrencyError("already waiting for a pong with the same data");
    }
    const waiter = this.#sendPing(ws, payload);
    return await waiter;
  }

  #sendPing(ws: WebSocket, payload: Buffer | null): Future<number> {
    while (payload === null || this.#pongs.has(payload.toString("latin1"))) payload = randomBytes(4);
    const waiter = this.#loop.createFuture<number>();
    this.#pongs.set(payload.toString("latin1"), [waiter, this.#loop.time()]);
    ws.ping(payload);
    return waiter;
  }

  /**
   * Send a pong (an unsolicited pong is a one-way heartbeat).
   * @throws {ConnectionClosed} when the connection is closed.
   */
  pong(data: DataLike = ""): Coroutine<void> {
    return libraryCoroutine("Connection.pong", this, this.#pong, null, [data]);
  }

  async #pong(data: unknown): Promise<void> {
    if (typeof data !== "string" && !isBytes(data)) throw new TypeError("data must be str or bytes-like");
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) {
      await shield(this.#lost);
      throw this.#closeExc();
    }
    ws.pong(data);
  }

  // websockets 14 asyncio/connection.py acknowledge_pings: a pong acknowledges its ping and every
  // ping sent before it.
  readonly #onPong = (data: Buffer): void => {
    this.#post(() => {
      const key = data.toString("latin1");
      if (!this.#pongs.has(key)) return;
      const now = this.#loop.time();
      for (const [id, [waiter, sentAt]] of this.#pongs) {
        this.#pongs.delete(id);
        const latency = now - sentAt;
        if (!waiter.done()) waiter.setResult(latency);
        if (id === key) {
          this.latency = latency;
          break;
        }
      }
    });
  };

  // websockets 14 keepalive(): ping every pingInterval (less the last latency); no pong within
  // pingTimeout fails the connection with 1011.
  readonly #keepalive = (): void => {
    this.#keepaliveTimer = null;
    const ws = this.#ws;
    if (ws === null || ws.readyState !== 1) return;
    const waiter = this.#sendPing(ws, null);
    const { pingTimeout, pingInterval } = this.#limits;
    if (pingTimeout !== null) {
      this.#pongTimer = this.#loop.callLater(pingTimeout, () => {
        this.#pongTimer = null;
        if (!waiter.done()) this.#fail(1011, "keepalive ping timeout");
      });
    }
    waiter.addDoneCallback((w) => {
      this.#pongTimer?.cancel();
      this.#pongTimer = null;
      if (w.cancelled() || w.exception() !== null || this.#state === State.CLOSED) return;
      const delay = Math.max(0, (pingInterval ?? 0) - w.result());
      this.#keepaliveTimer = this.#loop.callLater(delay, this.#keepalive);
    });
  };

  // ---- closing

  /**
   * Perform the closing handshake: send a close frame with `code` and `reason`, wait for the other
   * end's and for the TCP connection to close (aborting it after `closeTimeout`). Does nothing once
   * the connection is closed.
   * @throws {ProtocolError} `invalid status code` for a code that may not be sent.
   * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/common.html#websockets.asyncio.connection.Connection.close
   */
  close(code = 1000, reason = ""): Coroutine<void> {
    return libraryCoroutine("Connection.close", this, this.#close, null, [code, reason]);
  }

  async #close(code: number, reason: string): Promise<void> {
    const ws = this.#ws;
    if (ws !== null && ws.readyState === 1) {
      if (this.#fragmented !== null) {
        this.#fail(1011, "close during fragmented message");
      } else {
        checkClose(code, reason);
        this.#sent = new Close(code, reason);
        ws.close(code, reason);
      }
    } else if (ws === null) {
      return;
    }
    await shield(this.#lost);
  }

  /** Wait until the connection is closed: the closing handshake done and the TCP connection gone. */
  waitClosed(): Coroutine<void> {
    return libraryCoroutine("Connection.wait_closed", this, this.#waitClosed);
  }

  async #waitClosed(): Promise<void> {
    await shield(this.#lost);
  }

  /**
   * Run `body(connection)`, then close the connection: with 1000, or 1011 if `body` threw
   * (Python's `async with connection`).
   */
  with<R>(body: (connection: this) => R | PromiseLike<R>): Coroutine<R> {
    return libraryCoroutine("Connection.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (connection: this) => R | PromiseLike<R>): Promise<R> {
    let result: R;
    try {
      result = await body(this);
    } catch (e) {
      await this.close(1011);
      throw e;
    }
    await this.close();
    return result;
  }

  // websockets 14 protocol.py fail(): send a close frame and stop reading; a server also closes
  // its side of the TCP connection without waiting for the client's close frame.
  #fail(code: number, reason: string): void {
    const ws = this.#ws;
    if (ws === null) return;
    if (ws.readyState === 1) {
      this.#sent = new Close(code, reason);
      ws.close(code, reason);
    }
    if (this.#isServer) this.#socket?.end();
  }

  /** The exception for a closed connection: OK when both close frames have codes 1000, 1001 or 1005. */
  #closeExc(cause: unknown = this.#recvExc): ConnectionClosed {
    const rcvd = this.#rcvd;
    const sent = this.#sent;
    const ok =
      rcvd !== null && sent !== null && OK_CLOSE_CODES.has(rcvd.code) && OK_CLOSE_CODES.has(sent.code);
    const options = cause === null ? undefined : { cause };
    return ok
      ? new ConnectionClosedOK(rcvd, sent, this.#rcvdThenSent, options)
      : new ConnectionClosedError(rcvd, sent, this.#rcvdThenSent, options);
  }

  // ---- events from ws

  /** Run `fn` on the loop; once the loop is closed nobody can use the connection: abort it. */
  #post(fn: () => void): void {
    if (this.#loop.isClosed()) {
      this.#ws?.terminate();
      return;
    }
    this.#loop.callSoon(fn);
  }

  readonly #onMessage = (data: Buffer, isBinary: boolean): void => {
    // Queued at once (the order of messages is the order of events); only the wake-up of a
    // waiting recv() goes through the loop.
    this.#queue.push(isBinary ? data : data.toString("utf8"));
    const high = this.#limits.high;
    if (high !== null && !this.#paused && this.#queue.length >= high) {
      this.#paused = true;
      this.#ws?.pause();
    }
    // The waiting recv() learns of it through its future, whose callbacks the loop schedules.
    if (this.#recvWaiter !== null) {
      if (this.#loop.isClosed()) this.#ws?.terminate();
      else this.#wake();
    }
  };

  readonly #wake = (): void => {
    const waiter = this.#recvWaiter;
    if (waiter !== null && !waiter.done()) waiter.setResult(null);
  };

  readonly #onError = (err: Error): void => {
    // A receiver error (a message too big, invalid UTF-8, a protocol error): ws has just sent a
    // close frame with its status code and no reason.
    this.#recvExc ??= err;
    const status = errorStatus(err);
    if (status !== undefined && this.#sent === null && this.#rcvd === null)
      this.#sent = new Close(status, "");
  };

  readonly #onClose = (code: number, reason: Buffer): void => {
    // ws reports 1006 when no close frame came (no endpoint may send 1006).
    if (code !== 1006 && this.#rcvd === null) {
      this.#rcvd = new Close(code, reason.toString("utf8"));
      if (this.#sent === null) {
        // ws answered the other end's close frame with the same code and reason.
        this.#sent = this.#rcvd;
        this.#rcvdThenSent = true;
      } else {
        this.#rcvdThenSent = false;
      }
    }
    this.#post(this.#connectionLost);
  };

  readonly #connectionLost = (): void => {
    if (this.#state === State.CLOSED) return;
    this.#state = State.CLOSED;
    this.#unhook?.();
    this.#unhook = null;
    this.#keepaliveTimer?.cancel();
    this.#keepaliveTimer = null;
    this.#pongTimer?.cancel();
    this.#pongTimer = null;
    this.#lost.setResult(null);
    this.#wake();
    // Pending pings will never be answered. Their waiters are marked retrieved: a ping nobody
    // waits for is not reported (websockets cancels them for the same reason).
    if (this.#pongs.size > 0) {
      const exc = this.#closeExc();
      for (const [waiter] of this.#pongs.values()) {
        if (!waiter.done()) {
          waiter.setException(exc);
          waiter.exception();
        }
      }
      this.#pongs.clear();
    }
  };

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const state = ["CONNECTING", "OPEN", "CLOSING", "CLOSED"][this.state] ?? "?";
    return `<${this.constructor.name} id=${this.id} state=${state}>`;
  }
}

/** How a recv() run by an iterator's next() settles next()'s promise (one per iterator, reused). */
class IterSettle implements Settle<Data> {
  resolve: ((r: IteratorResult<Data>) => void) | null = null;
  reject: ((e: unknown) => void) | null = null;

  succeed(value: Data): void {
    const resolve = this.resolve;
    this.resolve = this.reject = null;
    resolve?.({ value, done: false });
  }

  fail(error: unknown): void {
    const { resolve, reject } = this;
    this.resolve = this.reject = null;
    if (error instanceof ConnectionClosedOK) resolve?.({ value: undefined, done: true });
    else reject?.(error);
  }
}

function recvConcurrency(): ConcurrencyError {
  return new ConcurrencyError(
    "cannot call recv while another coroutine is already running recv or recv_streaming",
  );
}

/** websockets' Close.check() and Frame.check() for a close frame we are about to send. */
function checkClose(code: number, reason: string): void {
  if (typeof code !== "number" || !isExternalCloseCode(code)) throw new ProtocolError("invalid status code");
  if (typeof reason !== "string") throw new TypeError("reason must be str");
  if (2 + Buffer.byteLength(reason, "utf8") > 125) throw new ProtocolError("control frame too long");
}

/** Options of {@link broadcast}. */
export interface BroadcastOptions {
  /** Throw an ExceptionGroup `skipped broadcast` of the failures instead of logging them. */
  raiseExceptions?: boolean;
}

/**
 * Send a message to several connections at once, without waiting (no back-pressure). Skips the
 * connections that are not open; a connection sending a fragmented message is skipped with a
 * warning (a {@link ConcurrencyError} with `raiseExceptions`).
 * @throws {TypeError} `data must be str or bytes` for another message.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html#websockets.asyncio.server.broadcast
 */
export function broadcast(
  connections: Iterable<Connection>,
  message: DataLike,
  options: BroadcastOptions = {},
): void {
  let binary: boolean;
  if (typeof message === "string") binary = false;
  else if (isBytes(message)) binary = true;
  else throw new TypeError("data must be str or bytes");
  const { raiseExceptions = false } = options;
  const exceptions: Error[] = [];
  for (const conn of connections) {
    const ws = broadcastTarget(conn);
    if (ws === null) continue;
    if (ws === "fragmented") {
      if (raiseExceptions) exceptions.push(new ConcurrencyError("sending a fragmented message"));
      else logger.warn("skipped broadcast: sending a fragmented message");
      continue;
    }
    try {
      ws.send(message, binary ? BINARY_FINAL : TEXT_FINAL);
    } catch (e) {
      if (raiseExceptions) exceptions.push(new RuntimeError("failed to write message", { cause: e }));
      else logger.warn(`skipped broadcast: failed to write message: ${String(e)}`);
    }
  }
  if (exceptions.length > 0) throw new ExceptionGroup("skipped broadcast", exceptions);
}
