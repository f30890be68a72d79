/**
 * The WebSocket client (websockets' asyncio/client.py): `connect(uri)` opens a connection with
 * `ws`; awaited it gives a ClientConnection, `.with()` closes it afterwards, and `for await` over
 * it reconnects with exponential back-off after transient errors.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/client.html
 * @module
 */
import { Buffer } from "node:buffer";
import type http from "node:http";
import type net from "node:net";
import { debuglog } from "node:util";
import { WebSocket } from "ws";
import type { BaseEventLoop } from "../base-events.ts";
import { type Coroutine, libraryCoroutine } from "../coroutines.ts";
import { getRunningLoop } from "../events.ts";
import { CancelledError, TimeoutError } from "../exceptions.ts";
import { isSecureContext, type SSLContext } from "../sslproto.ts";
import { sleep } from "../tasks.ts";
import { timeout } from "../timeouts.ts";
import {
  attachWebSocket,
  closeTimeoutMs,
  Connection,
  connectionLimits,
  setHandshake,
  type ConnectionOptions,
} from "./connection.ts";
import { InvalidHandshake, InvalidMessage, InvalidStatus, InvalidURI, SecurityError } from "./exceptions.ts";
import { headersFromRaw, Request, Response } from "./http11.ts";

const debug = debuglog("asyncio-ts");

/** websockets' MAX_REDIRECTS. */
const MAX_REDIRECTS = 10;
/** The most bytes of a rejecting response's body kept in {@link InvalidStatus}'s response. */
const MAX_BODY = 2 ** 16;

/** The default `User-Agent` (websockets sends `Python/x.y websockets/X.Y`). */
export const USER_AGENT = `Node.js/${process.versions.node.split(".").slice(0, 2).join(".")} asyncio-ts-websockets`;

/** Options of {@link connect} (websockets' keyword arguments, in camelCase). */
export interface ConnectOptions extends ConnectionOptions {
  /** Maximum size of incoming messages in bytes (default 2**20); null disables the limit. Over it: close 1009. */
  maxSize?: number | null;
  /** `"deflate"` (the default) offers permessage-deflate; null disables it. */
  compression?: "deflate" | null;
  /**
   * TLS settings for a `wss://` URI: true (the default there) verifies the server against Node's
   * root certificates; a `tls.SecureContext` or the options to make one (`ca`, …).
   */
  ssl?: SSLContext | boolean | null;
  /** The name the server's certificate must match (default: the URI's host); `""` skips the check. */
  serverHostname?: string;
  /** Seconds the opening handshake may take, TCP connect and redirects included (default 10); null waits forever. */
  openTimeout?: number | null;
  /** The `Origin` header. */
  origin?: string;
  /** Subprotocols to offer, by preference. */
  subprotocols?: readonly string[];
  /** More headers for the handshake request. */
  additionalHeaders?: ConstructorParameters<typeof Headers>[0];
  /** The `User-Agent` header; null sends none. */
  userAgentHeader?: string | null;
  /**
   * For `for await (... of connect(...))`: given a failed attempt's error, return null to retry
   * (after a back-off delay) or an error to throw. The default retries network errors, timeouts
   * and HTTP 500, 502, 503 and 504 ({@link processException}).
   */
  processException?: (exc: unknown) => unknown;
}

/**
 * The default of `processException`: retry on network errors (Node's system errors), timeouts, a
 * handshake cut short, and HTTP 500, 502, 503 or 504; return `exc` (fatal) otherwise.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/client.html#websockets.asyncio.client.process_exception
 */
export function processException(exc: unknown): unknown {
  if (exc instanceof TimeoutError || isOSError(exc)) return null;
  if (exc instanceof InvalidMessage && isOSError(exc.cause)) return null;
  if (exc instanceof InvalidStatus && [500, 502, 503, 504].includes(exc.response.statusCode)) return null;
  return exc;
}

/**
 * Python's OSError: a Node system error (an errno or a syscall) or a TLS error (a string `code`,
 * as Python's ssl errors are OSErrors). ws's own handshake errors have no code.
 */
function isOSError(exc: unknown): boolean {
  if (!(exc instanceof Error)) return false;
  if ("errno" in exc || "syscall" in exc) return true;
  const code = (exc as { code?: unknown }).code;
  return typeof code === "string" && !/^ERR_(WEBSOCKETS|ASYNCIO)/.test(code);
}

/**
 * The delays between reconnection attempts (websockets' `backoff()`): a random one up to 5 s, then
 * 3.1 s growing by 1.618 up to 90 s. The environment variables `WEBSOCKETS_BACKOFF_INITIAL_DELAY`,
 * `WEBSOCKETS_BACKOFF_MIN_DELAY`, `WEBSOCKETS_BACKOFF_MAX_DELAY` and `WEBSOCKETS_BACKOFF_FACTOR`
 * change them, as in websockets.
 */
export function* backoff(
  initialDelay: number = envNumber("WEBSOCKETS_BACKOFF_INITIAL_DELAY", 5),
  minDelay: number = envNumber("WEBSOCKETS_BACKOFF_MIN_DELAY", 3.1),
  maxDelay: number = envNumber("WEBSOCKETS_BACKOFF_MAX_DELAY", 90),
  factor: number = envNumber("WEBSOCKETS_BACKOFF_FACTOR", 1.618),
): Generator<number, never, undefined> {
  // RFC 6455 7.2.3, Recovering from Abnormal Closure: a random first delay.
  yield Math.random() * initialDelay;
  let delay = minDelay;
  while (delay < maxDelay) {
    yield delay;
    delay *= factor;
  }
  for (;;) yield maxDelay;
}

function ignore(): void {
  // An error after the outcome is decided.
}

/** Throw a value typed `unknown` (what processException returned). */
function raise(exc: unknown): never {
  throw exc;
}

function envNumber(name: string, fallback: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** A parsed WebSocket URI (websockets' `WebSocketURI`). */
export interface WebSocketURI {
  secure: boolean;
  host: string;
  port: number;
  resourceName: string;
}

/**
 * Parse and check a WebSocket URI, as websockets' `parse_uri`.
 * @throws {InvalidURI} `<uri> isn't a valid URI: scheme isn't ws or wss`, `hostname isn't
 * provided`, `fragment identifier is meaningless`, `username provided without password`.
 */
export function parseUri(uri: string): WebSocketURI {
  if (typeof uri !== "string") throw new TypeError(`uri must be a string, got ${typeof uri}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme !== "ws" && scheme !== "wss") throw new InvalidURI(uri, "scheme isn't ws or wss");
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidURI(uri, "hostname isn't provided");
  }
  if (url.hostname === "") throw new InvalidURI(uri, "hostname isn't provided");
  if (url.hash !== "") throw new InvalidURI(uri, "fragment identifier is meaningless");
  const userinfo = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/.exec(uri)?.[1];
  if (userinfo !== undefined && !userinfo.includes(":")) {
    throw new InvalidURI(uri, "username provided without password");
  }
  const secure = scheme === "wss";
  return {
    secure,
    host: url.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: url.port === "" ? (secure ? 443 : 80) : Number(url.port),
    resourceName: (url.pathname === "" ? "/" : url.pathname) + url.search,
  };
}

/**
 * A connection made by {@link connect}.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/client.html#websockets.asyncio.client.ClientConnection
 */
export class ClientConnection extends Connection {
  /** Made by connect(). */
  private constructor(loop: BaseEventLoop, options: ConnectionOptions) {
    super(loop, options, false);
  }
}

const newClientConnection = ClientConnection as unknown as new (
  loop: BaseEventLoop,
  options: ConnectionOptions,
) => ClientConnection;

/**
 * The awaitable {@link connect} returns: await it for the {@link ClientConnection}, use
 * `.with(body)` as Python's `async with connect(...) as ws`, or iterate it with `for await` to
 * reconnect automatically.
 */
export interface Connect extends Coroutine<ClientConnection>, AsyncIterable<ClientConnection> {
  /** Connect, run `body(connection)`, then close the connection. */
  with<R>(body: (connection: ClientConnection) => R | PromiseLike<R>): Coroutine<R>;
  /**
   * Connect again and again: each connection is closed when its iteration ends; a failed attempt
   * is retried after a back-off delay when `processException` says the error is transient, and
   * thrown otherwise.
   */
  [Symbol.asyncIterator](): AsyncGenerator<ClientConnection, never, undefined>;
}

/**
 * Connect to the WebSocket server at `uri` (`ws://` or `wss://`).
 * @example
 * await connect("ws://127.0.0.1:8765").with(async (ws) => {
 *   await ws.send("Hello");
 *   console.log(await ws.recv());
 * });
 * @throws {InvalidURI} when `uri` isn't a valid WebSocket URI (when awaited).
 * @throws {InvalidHandshake} when the opening handshake fails ({@link InvalidStatus} if the
 * server answered with another status than 101).
 * @throws {TimeoutError} `timed out during handshake` after `openTimeout`.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/client.html#websockets.asyncio.client.connect
 */
export function connect(uri: string, options: ConnectOptions = {}): Connect {
  const coro = libraryCoroutine<ClientConnection>("connect", undefined, connectNow, null, [uri, options]);
  const { processException: process = processException } = options;
  return Object.assign(coro, {
    with<R>(body: (connection: ClientConnection) => R | PromiseLike<R>): Coroutine<R> {
      return libraryCoroutine<R>("connect.with", undefined, async () => {
        const conn = await coro;
        try {
          return await body(conn);
        } finally {
          await conn.close();
        }
      });
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<ClientConnection, never, undefined> {
      // The iteration makes its own attempts: the awaitable itself will never run.
      coro.close();
      let delays: Generator<number, never, undefined> | null = null;
      for (;;) {
        let conn: ClientConnection;
        try {
          conn = await connectNow(uri, options);
        } catch (exc) {
          if (exc instanceof CancelledError) throw exc;
          let newExc: unknown;
          try {
            newExc = process(exc);
          } catch (raised) {
            newExc = raised;
          }
          if (newExc === exc) throw exc;
          if (newExc !== null && newExc !== undefined) {
            if (newExc instanceof Error && newExc.cause === undefined) newExc.cause = exc;
            raise(newExc);
          }
          delays ??= backoff();
          const delay = delays.next().value;
          debug("connect failed; reconnecting in %s seconds: %s", delay.toFixed(1), String(exc));
          await sleep(delay);
          continue;
        }
        try {
          yield conn;
        } finally {
          await conn.close();
        }
        delays = null;
      }
    },
  });
}

// websockets 14 extensions/permessage_deflate.py enable_client_permessage_deflate.
const DEFLATE = {
  clientMaxWindowBits: 12,
  zlibDeflateOptions: { memLevel: 5 },
} as const;

async function connectNow(uri: string, options: ConnectOptions): Promise<ClientConnection> {
  const wsuri = parseUri(uri);
  const { ssl, compression = "deflate", maxSize, openTimeout = 10 } = options;
  if (compression !== null && (compression as string) !== "deflate") {
    throw new RangeError(`unsupported compression: ${compression as string}`);
  }
  if (maxSize !== undefined && maxSize !== null && !(maxSize > 0)) {
    throw new RangeError(`maxSize must be a positive number of bytes or null, got ${String(maxSize)}`);
  }
  connectionLimits(options);
  if (wsuri.secure) {
    if (ssl === null || ssl === false) throw new RangeError("ssl=None is incompatible with a wss:// URI");
  } else if (ssl !== undefined && ssl !== null && ssl !== false) {
    throw new RangeError("ssl argument is incompatible with a ws:// URI");
  }
  if (options.serverHostname !== undefined && !wsuri.secure) {
    throw new RangeError("server_hostname is only meaningful with ssl");
  }
  const loop = getRunningLoop();
  try {
    return await timeout(openTimeout).with(() => open(loop, uri, wsuri, options));
  } catch (e) {
    if (e instanceof TimeoutError) throw new TimeoutError("timed out during handshake");
    throw e;
  }
}

function tlsOptions(options: ConnectOptions): Record<string, unknown> {
  const { ssl, serverHostname } = options;
  let result: Record<string, unknown> = {};
  if (isSecureContext(ssl)) result = { secureContext: ssl };
  else if (typeof ssl === "object" && ssl !== null) result = { ...ssl };
  if (serverHostname === "") result.checkServerIdentity = (): undefined => undefined;
  else if (serverHostname !== undefined) result.servername = serverHostname;
  return result;
}

/** Map ws's handshake errors to websockets' exceptions; network errors pass as they are. */
function handshakeError(err: Error): unknown {
  if (isOSError(err)) return err;
  if (err.message === "Maximum redirects exceeded") {
    return new SecurityError(`more than ${String(MAX_REDIRECTS)} redirects`, { cause: err });
  }
  return new InvalidHandshake(err.message, { cause: err });
}

async function open(
  loop: BaseEventLoop,
  uri: string,
  wsuri: WebSocketURI,
  options: ConnectOptions,
): Promise<ClientConnection> {
  const { maxSize = 2 ** 20, compression = "deflate", origin, subprotocols, additionalHeaders } = options;
  const { userAgentHeader = USER_AGENT, closeTimeout } = options;
  const headers = new Headers(additionalHeaders);
  if (userAgentHeader !== null) headers.set("User-Agent", userAgentHeader);
  const conn = new newClientConnection(loop, options);
  const opened = loop.createFuture<null>();
  const settle = (fn: () => void): void => {
    if (loop.isClosed()) return;
    loop.callSoon(() => {
      if (!opened.done()) fn();
    });
  };
  // closeTimeout is ws 8's (milliseconds); @types/ws does not list it yet.
  const ws = new WebSocket(uri, subprotocols === undefined ? [] : [...subprotocols], {
    perMessageDeflate: compression === "deflate" ? DEFLATE : false,
    maxPayload: maxSize ?? 0,
    headers: Object.fromEntries(headers),
    ...(origin === undefined ? {} : { origin }),
    followRedirects: true,
    maxRedirects: MAX_REDIRECTS,
    closeTimeout: closeTimeoutMs(closeTimeout),
    ...tlsOptions(options),
  } as ConstructorParameters<typeof WebSocket>[2]);
  let socket: net.Socket | null = null;
  let response: Response | null = null;
  const onUpgrade = (res: http.IncomingMessage): void => {
    socket = res.socket;
    response = new Response(res.statusCode ?? 101, res.statusMessage ?? "", headersFromRaw(res.rawHeaders));
  };
  const onOpen = (): void => {
    // Listeners go on at once: a message may follow the handshake in the same read.
    attachWebSocket(conn, ws, socket);
    settle(() => {
      opened.setResult(null);
    });
  };
  const onError = (err: Error): void => {
    settle(() => {
      opened.setException(handshakeError(err));
    });
  };
  const onUnexpected = (req: http.ClientRequest, res: http.IncomingMessage): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      if (size < MAX_BODY) chunks.push(chunk);
      size += chunk.length;
    });
    const reject = (): void => {
      const body = Buffer.concat(chunks).subarray(0, MAX_BODY);
      const r = new Response(
        res.statusCode ?? 0,
        res.statusMessage ?? "",
        headersFromRaw(res.rawHeaders),
        body,
      );
      settle(() => {
        opened.setException(new InvalidStatus(r));
      });
      req.destroy();
    };
    res.once("end", reject);
    res.once("error", reject);
    res.once("aborted", reject);
  };
  ws.on("upgrade", onUpgrade);
  ws.once("open", onOpen);
  ws.on("error", onError);
  ws.on("unexpected-response", onUnexpected);
  try {
    await opened;
  } catch (e) {
    // Aborting a handshake makes ws emit an error nobody needs.
    ws.on("error", ignore);
    ws.terminate();
    throw e;
  } finally {
    ws.off("upgrade", onUpgrade);
    ws.off("open", onOpen);
    ws.off("error", onError);
    ws.off("unexpected-response", onUnexpected);
  }
  headers.set(
    "Host",
    wsuri.port === (wsuri.secure ? 443 : 80) ? wsuri.host : `${wsuri.host}:${String(wsuri.port)}`,
  );
  setHandshake(conn, new Request(wsuri.resourceName, headers), response);
  return conn;
}
