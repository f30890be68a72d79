/**
 * The WebSocket server (websockets' asyncio/server.py): `serve()` listens on a TCP port (TLS with
 * `ssl`), runs the opening handshake with `ws` (after `processRequest`), and runs the handler as a
 * task per connection; `Server.close()` closes the connections with 1001 and waits for the
 * handlers.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html
 * @module
 */
import { Buffer } from "node:buffer";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";
import { type WebSocket, WebSocketServer } from "ws";
import type { BaseEventLoop } from "../base-events.ts";
import { gather } from "../combinators.ts";
import { type Coroutine, libraryCoroutine } from "../coroutines.ts";
import { getRunningLoop } from "../events.ts";
import { CancelledError, RuntimeError, TimeoutError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { addCloseHook } from "../internal/close-hooks.ts";
import { inspectCustom } from "../internal/repr.ts";
import type { ServerSocket } from "../server.ts";
import { tlsConfig, type SSLContext, type TlsConfig } from "../sslproto.ts";
import type { InetSockName } from "../streams.ts";
import type { Task } from "../tasks.ts";
import { sleep } from "../tasks.ts";
import { timeout } from "../timeouts.ts";
import {
  attachWebSocket,
  closeTimeoutMs,
  Connection,
  connectionLimits,
  setHandshake,
  State,
  type ConnectionOptions,
} from "./connection.ts";
import { headersFromRaw, rejectResponse, Request, type Response, serializeResponse } from "./http11.ts";

/** What `processRequest` may return: a response rejects the handshake, null/undefined goes on. */
export type ProcessRequestResult = Response | null | undefined;

/** Options of {@link serve} (websockets' keyword arguments, in camelCase). */
export interface ServeOptions extends ConnectionOptions {
  /** Maximum size of incoming messages in bytes (default 2**20); null disables the limit. Over it: close 1009. */
  maxSize?: number | null;
  /** `"deflate"` (the default) enables permessage-deflate; null disables it. */
  compression?: "deflate" | null;
  /** Speak TLS (`wss://`): a `tls.SecureContext` or the options to make one. */
  ssl?: SSLContext | null;
  /** Seconds the opening handshake may take (default 10); null waits forever. */
  openTimeout?: number | null;
  /**
   * Called with the connection and the request before the handshake (also for a plain HTTP
   * request); return a response (`connection.respond(403, "Forbidden\n")`) to send it instead.
   * May be async. If it throws, the client gets a 500.
   */
  processRequest?: (
    connection: ServerConnection,
    request: Request,
  ) => ProcessRequestResult | PromiseLike<ProcessRequestResult>;
  /** Subprotocols the server supports, by preference: the first one the client offers is chosen. */
  subprotocols?: readonly string[];
  /** The listen backlog (default 511, Node's). */
  backlog?: number;
}

/** The handler of a server: called with each connection, run as a task. */
export type Handler = (connection: ServerConnection) => unknown;

// websockets 14 extensions/permessage_deflate.py enable_server_permessage_deflate: 12-bit windows
// and memLevel 5, which save memory for a small loss of compression.
const DEFLATE = {
  serverMaxWindowBits: 12,
  clientMaxWindowBits: 12,
  zlibDeflateOptions: { memLevel: 5 },
} as const;

const UPGRADE_HELP =
  "\n\nYou cannot access a WebSocket server directly with a browser. You need a WebSocket client.\n";

/**
 * A connection accepted by {@link serve}: what the handler receives.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html#websockets.asyncio.server.ServerConnection
 */
export class ServerConnection extends Connection {
  /** The server that accepted the connection. */
  readonly server: Server;

  /** Made by the server. */
  private constructor(loop: BaseEventLoop, options: ConnectionOptions, server: Server) {
    super(loop, options, true);
    this.server = server;
  }

  /**
   * Make a plain-text HTTP response: `processRequest` returns it to answer instead of performing
   * the handshake.
   */
  respond(status: number, text: string): Response {
    return rejectResponse(status, text);
  }
}

const newServerConnection = ServerConnection as unknown as new (
  loop: BaseEventLoop,
  options: ConnectionOptions,
  server: Server,
) => ServerConnection;

interface ServerSetup {
  loop: BaseEventLoop;
  netServer: net.Server;
  handler: Handler;
  options: ServeOptions;
  tls: TlsConfig | null;
}

/**
 * A WebSocket server, made by {@link serve}. Its API mirrors asyncio's `Server`; it keeps track of
 * the connections to close them properly when shutting down.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html#websockets.asyncio.server.Server
 */
export class Server {
  readonly #loop: BaseEventLoop;
  readonly #handler: Handler;
  readonly #options: ServeOptions;
  readonly #tls: TlsConfig | null;
  #netServer: net.Server | null;
  readonly #sockets: ServerSocket<InetSockName>[];
  readonly #http: http.Server;
  readonly #wss: WebSocketServer;
  /** Every TCP connection accepted and not yet closed. */
  readonly #tcp = new Set<net.Socket>();
  /** The TCP connections that sent a request (the others are idle). */
  readonly #busy = new WeakSet<net.Socket>();
  /** The TCP socket under each TLS socket. */
  readonly #raw = new WeakMap<net.Socket, net.Socket>();
  readonly #handlers = new Map<ServerConnection, Task<void>>();
  #tcpClosed: Future<null> | null = null;
  #closeTask: Task<void> | null = null;
  readonly #closed: Future<null>;
  #servingForever: Future<null> | null = null;
  #unhook: (() => void) | null;

  /** Made by serve(). */
  private constructor(setup: ServerSetup) {
    const { loop, netServer, options } = setup;
    this.#loop = loop;
    this.#handler = setup.handler;
    this.#options = options;
    this.#tls = setup.tls;
    this.#netServer = netServer;
    this.#closed = loop.createFuture<null>();
    this.#sockets = [
      {
        server: netServer,
        getsockname: (): InetSockName => {
          const a = netServer.address();
          return a === null || typeof a === "string" ? ["", 0] : [a.address, a.port];
        },
      },
    ];
    const { maxSize = 2 ** 20, compression = "deflate", closeTimeout, subprotocols } = options;
    // closeTimeout is ws 8's (milliseconds); @types/ws does not list it yet.
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      maxPayload: maxSize ?? 0,
      perMessageDeflate: compression === "deflate" ? DEFLATE : false,
      closeTimeout: closeTimeoutMs(closeTimeout),
      ...(subprotocols === undefined
        ? {}
        : {
            handleProtocols: (offered: Set<string>): string | false =>
              subprotocols.find((p) => offered.has(p)) ?? false,
          }),
    } as ConstructorParameters<typeof WebSocketServer>[0]);
    this.#http = http.createServer();
    this.#http.on("upgrade", this.#onUpgrade);
    this.#http.on("request", this.#onRequest);
    this.#http.on("clientError", (_err: Error, socket: net.Socket) => {
      socket.destroy();
    });
    netServer.on("connection", this.#onConnection);
    // A server still listening when its loop closes stops; its connections are aborted by their
    // own hooks, the sockets that never upgraded here.
    this.#unhook = addCloseHook(loop, () => {
      this.#unhook = null;
      this.#stopListening();
      for (const s of this.#tcp) s.destroy();
    });
  }

  readonly #onConnection = (socket: net.Socket): void => {
    this.#tcp.add(socket);
    socket.once("close", () => {
      this.#tcp.delete(socket);
      if (this.#tcp.size === 0 && this.#tcpClosed !== null && !this.#loop.isClosed()) {
        this.#loop.callSoon(this.#tcpDone);
      }
    });
    socket.setNoDelay(true);
    const t = this.#tls;
    if (t === null) {
      this.#http.emit("connection", socket);
      return;
    }
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: t.context,
      requestCert: t.requestCert,
      rejectUnauthorized: t.rejectUnauthorized,
      ...(t.ALPNProtocols === undefined ? {} : { ALPNProtocols: t.ALPNProtocols }),
    });
    this.#raw.set(secure, socket);
    // A failed TLS handshake only closes the connection, as in asyncio.
    secure.on("error", () => {
      secure.destroy();
      socket.destroy();
    });
    this.#http.emit("connection", secure);
  };

  readonly #tcpDone = (): void => {
    const f = this.#tcpClosed;
    if (f !== null && !f.done() && this.#tcp.size === 0) f.setResult(null);
  };

  readonly #onUpgrade = (req: http.IncomingMessage, socket: net.Socket, head: Buffer): void => {
    this.#markBusy(socket);
    if (this.#loop.isClosed()) {
      socket.destroy();
      return;
    }
    this.#loop.callSoon(() => {
      this.#startConnection(req, socket, head, null);
    });
  };

  readonly #onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    this.#markBusy(req.socket);
    if (this.#loop.isClosed()) {
      req.socket.destroy();
      return;
    }
    this.#loop.callSoon(() => {
      this.#startConnection(req, req.socket, null, res);
    });
  };

  #markBusy(socket: net.Socket): void {
    this.#busy.add(socket);
    // A TLS socket: the TCP socket under it is the one tracked.
    const raw = this.#raw.get(socket);
    if (raw !== undefined) this.#busy.add(raw);
  }

  /** Register the connection and run its handler (websockets' start_connection_handler). */
  #startConnection(
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer | null,
    res: http.ServerResponse | null,
  ): void {
    const conn = new newServerConnection(this.#loop, this.#options, this);
    setHandshake(conn, new Request(req.url ?? "/", headersFromRaw(req.rawHeaders)), null);
    const task = this.#loop.createTask(() => this.#connHandler(conn, req, socket, head, res));
    this.#handlers.set(conn, task);
  }

  // websockets 14 asyncio/server.py Server.conn_handler.
  async #connHandler(
    conn: ServerConnection,
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer | null,
    res: http.ServerResponse | null,
  ): Promise<void> {
    try {
      let opened = false;
      try {
        const { openTimeout = 10 } = this.#options;
        opened = await timeout(openTimeout).with(() => this.#handshake(conn, req, socket, head, res));
      } catch (e) {
        if (e instanceof TimeoutError) {
          // When the opening handshake times out, there is nothing to log.
          socket.destroy();
          return;
        }
        socket.destroy();
        if (e instanceof CancelledError) throw e;
        this.#loop.callExceptionHandler({ message: "opening handshake failed", exception: e });
        return;
      }
      if (!opened) return;
      try {
        await this.#handler(conn);
      } catch (e) {
        if (e instanceof CancelledError) {
          socket.destroy();
          throw e;
        }
        this.#loop.callExceptionHandler({ message: "connection handler failed", exception: e });
        await conn.close(1011);
        return;
      }
      await conn.close();
    } finally {
      this.#handlers.delete(conn);
    }
  }

  /** Answer the request: reject it (false) or upgrade it (true, the connection is open). */
  async #handshake(
    conn: ServerConnection,
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer | null,
    res: http.ServerResponse | null,
  ): Promise<boolean> {
    const request = conn.request as Request;
    let response: ProcessRequestResult = null;
    const { processRequest } = this.#options;
    if (processRequest !== undefined) {
      try {
        response = await processRequest(conn, request);
      } catch (e) {
        if (e instanceof CancelledError) throw e;
        this.#loop.callExceptionHandler({ message: "opening handshake failed", exception: e });
        response = rejectResponse(
          500,
          "Failed to open a WebSocket connection.\nSee server log for more information.\n",
        );
      }
    }
    if ((response === null || response === undefined) && !this.isServing()) {
      response = rejectResponse(503, "Server is shutting down.\n");
    }
    if ((response === null || response === undefined) && res !== null) {
      // Not an upgrade request: websockets' ServerProtocol.accept() rejects it with 426.
      const connection = req.headers.connection;
      const problem =
        connection === undefined ? "missing Connection header" : `invalid Connection header: ${connection}`;
      response = rejectResponse(426, `Failed to open a WebSocket connection: ${problem}.${UPGRADE_HELP}`);
      response.headers.set("Upgrade", "websocket");
    }
    if (response !== null && response !== undefined) {
      setHandshake(conn, request, response);
      await this.#sendResponse(response, socket, res);
      return false;
    }
    const ws = await this.#upgrade(conn, req, socket, head ?? Buffer.alloc(0));
    return ws !== null;
  }

  /** Write a rejection and close the TCP connection once it is written. */
  async #sendResponse(
    response: Response,
    socket: net.Socket,
    res: http.ServerResponse | null,
  ): Promise<void> {
    const done = this.#loop.createFuture<null>();
    const finish = (): void => {
      if (this.#loop.isClosed()) return;
      this.#loop.callSoon(() => {
        if (!done.done()) done.setResult(null);
      });
    };
    socket.once("close", finish);
    if (res !== null) {
      const headers: [string, string][] = [...response.headers];
      res.shouldKeepAlive = false;
      res.writeHead(response.statusCode, response.reasonPhrase, headers.flat());
      res.end(response.body);
    } else {
      socket.end(serializeResponse(response));
    }
    try {
      await done;
    } finally {
      socket.off("close", finish);
    }
  }

  /** Let ws complete the handshake; the connection opens at once (in ws's callback). */
  async #upgrade(
    conn: ServerConnection,
    req: http.IncomingMessage,
    socket: net.Socket,
    head: Buffer,
  ): Promise<WebSocket | null> {
    const opened = this.#loop.createFuture<WebSocket | null>();
    const post = (ws: WebSocket | null): void => {
      if (this.#loop.isClosed()) return;
      this.#loop.callSoon(() => {
        if (!opened.done()) opened.setResult(ws);
      });
    };
    // ws answers an invalid handshake with a 400 and destroys the socket without calling back.
    const onClose = (): void => {
      post(null);
    };
    socket.once("close", onClose);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off("close", onClose);
      attachWebSocket(conn, ws, socket);
      post(ws);
    });
    try {
      return await opened;
    } finally {
      socket.off("close", onClose);
    }
  }

  /** The connections open (handshake done, closing handshake not started): for {@link broadcast}. */
  get connections(): Set<ServerConnection> {
    const open = new Set<ServerConnection>();
    for (const conn of this.#handlers.keys()) {
      if (conn.state === State.OPEN) open.add(conn);
    }
    return open;
  }

  /** The listening sockets (`getsockname()` gives `[host, port]`); empty once closed. */
  get sockets(): readonly ServerSocket<InetSockName>[] {
    return this.#netServer === null ? [] : [...this.#sockets];
  }

  /** Return the loop the server runs on. */
  getLoop(): BaseEventLoop {
    return this.#loop;
  }

  /** Return true while the server accepts connections. */
  isServing(): boolean {
    return this.#netServer !== null;
  }

  /** Start accepting connections: a no-op, the server listens once `serve()` returns. */
  startServing(): Coroutine<void> {
    return libraryCoroutine("Server.start_serving", this, this.#startServing);
  }

  async #startServing(): Promise<void> {
    if (this.#netServer === null) throw new RuntimeError(`server ${String(this)} is closed`);
    await sleep(0);
  }

  #stopListening(): void {
    const s = this.#netServer;
    if (s === null) return;
    this.#netServer = null;
    s.off("connection", this.#onConnection);
    s.close();
  }

  /**
   * Close the server: stop listening; with `closeConnections` (the default) reject connections
   * still in their handshake with 503 and close open ones with 1001 (going away); then wait for
   * every handler to return. Idempotent; `waitClosed()` waits for the end.
   */
  close(closeConnections = true): void {
    if (this.#closeTask !== null) return;
    this.#closeTask = this.#loop.createTask(() => this.#close(closeConnections));
  }

  // websockets 14 asyncio/server.py Server._close.
  async #close(closeConnections: boolean): Promise<void> {
    this.#stopListening();
    const serving = this.#servingForever;
    if (serving !== null && !serving.done()) serving.cancel();
    await sleep(0);
    if (closeConnections) {
      const closing = [...this.#handlers.keys()]
        .filter((conn) => conn.state !== State.CONNECTING)
        .map((conn) => conn.close(1001));
      if (closing.length > 0) await gather(...closing, { returnExceptions: true });
    }
    // Sockets that never sent a request will not get one now.
    for (const s of this.#tcp) if (!this.#busy.has(s)) s.destroy();
    if (this.#tcp.size > 0) {
      this.#tcpClosed = this.#loop.createFuture<null>();
      await this.#tcpClosed;
    }
    const handlers = [...this.#handlers.values()];
    if (handlers.length > 0) await gather(...handlers, { returnExceptions: true });
    this.#unhook?.();
    this.#unhook = null;
    this.#closed.setResult(null);
  }

  /**
   * Wait until the server is closed: all TCP connections closed and all handlers returned.
   */
  waitClosed(): Coroutine<void> {
    return libraryCoroutine("Server.wait_closed", this, this.#waitClosed);
  }

  async #waitClosed(): Promise<void> {
    if (this.#closed.done()) return;
    const w = this.#loop.createFuture<null>();
    this.#closed.addDoneCallback(() => {
      if (!w.done()) w.setResult(null);
    });
    await w;
  }

  /**
   * Serve until cancelled; cancelling closes the server (connections get 1001) and waits for it.
   * @throws {RuntimeError} when already serving forever, or when closed.
   */
  serveForever(): Coroutine<never> {
    return libraryCoroutine("Server.serve_forever", this, this.#serveForever);
  }

  async #serveForever(): Promise<never> {
    if (this.#servingForever !== null) {
      throw new RuntimeError(`server ${String(this)} is already being awaited on serve_forever()`);
    }
    if (this.#netServer === null) throw new RuntimeError(`server ${String(this)} is closed`);
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
      this.#servingForever = null;
    }
  }

  /** Run `body(server)`, then close the server and wait for it (Python's `async with server`). */
  with<R>(body: (server: this) => R | PromiseLike<R>): Coroutine<R> {
    return libraryCoroutine("Server.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (server: this) => R | PromiseLike<R>): Promise<R> {
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
    const names = this.sockets.map((s) => {
      const [host, port] = s.getsockname();
      return `('${host}', ${String(port)})`;
    });
    return `<websockets.Server sockets=(${names.join(", ")}${names.length === 1 ? "," : ""})>`;
  }
}

const newServer = Server as unknown as new (setup: ServerSetup) => Server;

/**
 * The awaitable {@link serve} returns: await it for the {@link Server}, or use `.with(body)` as
 * Python's `async with serve(...) as server`.
 */
export interface Serve extends Coroutine<Server> {
  /** Start the server, run `body(server)`, then close the server and wait for it. */
  with<R>(body: (server: Server) => R | PromiseLike<R>): Coroutine<R>;
}

/**
 * Create a WebSocket server listening on `host` and `port` (0 picks a free port). Each connection
 * runs `handler(connection)` as a task; when the handler returns the connection is closed (1000;
 * 1011 if it threw, after reporting the error to the loop's exception handler).
 * @example
 * const echo = async (ws: ServerConnection) => { for await (const m of ws) await ws.send(m); };
 * await serve(echo, "127.0.0.1", 8765).with((server) => server.serveForever());
 * @throws {RangeError} `unsupported compression: ...`.
 * @see https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html#websockets.asyncio.server.serve
 */
export function serve(
  handler: Handler,
  host: string | null | undefined,
  port: number | null | undefined,
  options: ServeOptions = {},
): Serve {
  if (typeof handler !== "function") throw new TypeError(`handler must be a function, got ${typeof handler}`);
  const coro = libraryCoroutine<Server>("serve", undefined, serveNow, null, [handler, host, port, options]);
  return Object.assign(coro, {
    with<R>(body: (server: Server) => R | PromiseLike<R>): Coroutine<R> {
      return libraryCoroutine<R>("serve.with", undefined, async () => {
        const server = await coro;
        return await server.with(body);
      });
    },
  });
}

async function serveNow(
  handler: Handler,
  host: string | null | undefined,
  port: number | null | undefined,
  options: ServeOptions,
): Promise<Server> {
  const { compression = "deflate", ssl, backlog, maxSize } = options;
  if (compression !== null && (compression as string) !== "deflate") {
    throw new RangeError(`unsupported compression: ${compression as string}`);
  }
  if (maxSize !== undefined && maxSize !== null && !(maxSize > 0)) {
    throw new RangeError(`maxSize must be a positive number of bytes or null, got ${String(maxSize)}`);
  }
  connectionLimits(options);
  if (typeof ssl === "boolean") throw new TypeError("ssl argument must be an SSLContext or None");
  const tlsSetup = ssl === undefined || ssl === null ? null : tlsConfig(ssl);
  const loop = getRunningLoop();
  const netServer = net.createServer();
  const listening = loop.createFuture<null>();
  const onListening = (): void => {
    loop.callSoon(() => {
      if (!listening.done()) listening.setResult(null);
    });
  };
  const onError = (err: Error): void => {
    loop.callSoon(() => {
      if (!listening.done()) listening.setException(err);
    });
  };
  netServer.once("listening", onListening);
  netServer.once("error", onError);
  netServer.listen({
    host: host ?? undefined,
    port: port ?? 0,
    ...(backlog === undefined ? {} : { backlog }),
  });
  try {
    await listening;
  } catch (e) {
    // Cancelled while binding: close the server as soon as it listens, or it would outlive us.
    if (netServer.listening) netServer.close();
    else
      netServer.once("listening", () => {
        netServer.close();
      });
    throw e;
  } finally {
    netServer.off("listening", onListening);
    netServer.off("error", onError);
  }
  netServer.on("error", (err: Error) => {
    if (!loop.isClosed())
      loop.callExceptionHandler({ message: "socket.accept() out of system resource", exception: err });
  });
  return new newServer({ loop, netServer, handler, options, tls: tlsSetup });
}
