/**
 * Socket servers (CPython's `asyncio.Server`, which lives in base_events.py): startServer and
 * startUnixServer, and the Server they return, which accepts connections, runs the client
 * callback as a task per connection, and closes its clients on request.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.start_server
 * @module
 */
import fs from "node:fs";
import net from "node:net";
import type { BaseEventLoop } from "./base-events.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { logger } from "./debug.ts";
import { getRunningLoop } from "./events.ts";
import { CancelledError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kWaiterCount, Waiters } from "./internal/waiters.ts";
import { serverTls, type SSLContext } from "./sslproto.ts";
import { StreamReaderProtocol } from "./stream-protocol.ts";
import {
  StreamReader,
  type StreamWriter,
  type InetSockName,
  type SockName,
  type StreamReaderOptions,
} from "./streams.ts";
import { acceptInto } from "./tcp.ts";
import { sleep } from "./tasks.ts";

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
  /**
   * An existing listening `net.Server`, or the file descriptor of a listening socket, to serve
   * on instead of `host`/`port` (which must then be null).
   * @throws {RangeError} `host/port and sock can not be specified at the same time`.
   */
  sock?: net.Server | number | null;
}

/**
 * A connection a server tracks, to close it on request: a stream's connection or a protocol's
 * transport. `setOnLost` registers the call made once it is gone.
 * @internal
 */
export interface ServerClient {
  close(): void;
  abort(): void;
  setOnLost(fn: () => void): void;
}

/** What a protocol server (`loop.createServer()`) does with each accepted socket. @internal */
export type AcceptSocket = (socket: net.Socket) => ServerClient;

/** The callback of a server: a coroutine (or async) function runs as a Task. */
export type ClientConnectedCallback = (reader: StreamReader, writer: StreamWriter) => unknown;

/**
 * A listening socket of a Server. `N` is its address type: `[host, port]` for a server of
 * `startServer()`, the path for one of `startUnixServer()`.
 */
export interface ServerSocket<N extends SockName = SockName> {
  /** The `node:net` server that listens. */
  readonly server: net.Server;
  /** The address it listens on: `[host, port]`, or the path of a Unix socket. */
  getsockname(): N;
}

/**
 * The abstract server (CPython's `events.AbstractServer`): what {@link Server} implements, for
 * code that takes any server and for servers of one's own. A subclass implements the abstract
 * methods; `with()` (Python's `async with server`) closes the server and waits for it.
 * **Differs from asyncio:** the abstract methods are TypeScript `abstract` ones (a subclass that
 * lacks one does not type-check), where CPython's raise NotImplementedError when called. See
 * docs/differences.md#abstract-server.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.Server
 */
export abstract class AbstractServer {
  /** Stop serving: stop listening; the connections already accepted stay open. */
  abstract close(): void;

  /** Close every connection accepted by the server. */
  abstract closeClients(): void;

  /** Close every connection accepted by the server at once. */
  abstract abortClients(): void;

  /** Return the loop the server runs on. */
  abstract getLoop(): BaseEventLoop;

  /** Return true while the server accepts connections. */
  abstract isServing(): boolean;

  /** Start accepting connections. Lazy. */
  abstract startServing(): Coroutine<void>;

  /** Accept connections until cancelled. Lazy. */
  abstract serveForever(): Coroutine<never>;

  /** Wait until the server is closed (and its connections are gone). Lazy. */
  abstract waitClosed(): Coroutine<void>;

  /**
   * Run `body(server)`, then close the server and wait for it (Python's `async with server`,
   * whose `__aexit__` is `close()` then `await wait_closed()`). Lazy.
   */
  with<R>(body: (server: this) => R | PromiseLike<R>): Coroutine<R> {
    return libraryCoroutine("Server.with", this, serverWith, null, [body]);
  }
}

async function serverWith<S extends AbstractServer, R>(
  this: S,
  body: (server: S) => R | PromiseLike<R>,
): Promise<R> {
  try {
    return await body(this);
  } finally {
    this.close();
    await this.waitClosed();
  }
}

/**
 * A socket server, made by `startServer()` or `startUnixServer()`. `waitClosed()` waits until it
 * is closed and all its connections are gone.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.Server
 */
export class Server<N extends SockName = SockName> extends AbstractServer {
  readonly #loop: BaseEventLoop;
  #listening: ServerSocket<N>[] | null;
  readonly #clients = new Set<ServerClient>();
  readonly #acceptSocket: AcceptSocket;
  /** Sockets accepted before `startServing()` (a server made with `startServing: false`). */
  #held: net.Socket[] | null = null;
  /** The waitClosed() calls waiting; `#closedDown` once the server and its connections are gone. */
  readonly #waiters = new Waiters();
  #closedDown = false;
  #servingForever: Future<null> | null = null;
  readonly #unhook: () => void;

  /** Made by startServer(), loop.createServer() and their Unix forms. */
  private constructor(
    loop: BaseEventLoop,
    servers: net.Server[],
    acceptSocket: AcceptSocket,
    startServing = true,
  ) {
    super();
    this.#loop = loop;
    this.#acceptSocket = acceptSocket;
    if (!startServing) this.#held = [];
    this.#listening = servers.map((server) => ({
      server,
      getsockname: (): N => {
        const a = server.address();
        return (a === null ? "" : typeof a === "string" ? a : [a.address, a.port]) as N;
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
    // Accepted while not serving: nobody will serve them.
    for (const socket of this.#held ?? []) socket.destroy();
    this.#held = null;
    for (const { server } of listening) {
      server.off("connection", this.#onConnection);
      server.off("error", this.#onError);
      server.close();
    }
    return true;
  }

  // No event reaches these once the loop is closed: its close hook stops the listening first.
  readonly #onConnection = (socket: net.Socket): void => {
    this.#loop.callSoon(() => {
      if (this.#held === null) this.#accept(socket);
      else this.#held.push(socket);
    });
  };

  readonly #onError = (err: Error): void => {
    this.#loop.callSoon(() => {
      this.#loop.callExceptionHandler({ message: "socket.accept() out of system resource", exception: err });
    });
  };

  #accept(socket: net.Socket): void {
    this.#track(this.#acceptSocket(socket));
  }

  #track(client: ServerClient): void {
    this.#clients.add(client);
    client.setOnLost(() => {
      this.#clients.delete(client);
      if (this.#clients.size === 0 && this.#listening === null) this.#wakeup();
    });
  }

  /** Serve the sockets accepted while not serving yet. */
  #release(): void {
    const held = this.#held;
    if (held === null) return;
    this.#held = null;
    for (const socket of held) this.#accept(socket);
  }

  #wakeup(): void {
    this.#closedDown = true;
    this.#waiters.wakeAll(null);
  }

  /** Return the loop the server runs on. */
  override getLoop(): BaseEventLoop {
    return this.#loop;
  }

  /** The listening sockets; empty once closed. */
  get sockets(): readonly ServerSocket<N>[] {
    return this.#listening === null ? [] : [...this.#listening];
  }

  /** Return true while the server accepts connections. */
  override isServing(): boolean {
    return this.#listening !== null && this.#held === null;
  }

  /**
   * Start accepting connections; a no-op while serving (the servers made here already listen).
   * @throws {RuntimeError} `server <Server ...> is closed`.
   */
  override startServing(): Coroutine<void> {
    return libraryCoroutine("Server.start_serving", this, this.#startServing);
  }

  async #startServing(): Promise<void> {
    if (this.#listening === null) throw new RuntimeError(`server ${String(this)} is closed`);
    this.#release();
    await sleep(0);
  }

  /**
   * Stop listening; the connections already accepted stay open. Cancels `serveForever()`.
   */
  override close(): void {
    if (!this.#stopListening()) return;
    const fut = this.#servingForever;
    if (fut !== null && !fut.done()) {
      fut.cancel();
      this.#servingForever = null;
    }
    if (this.#clients.size === 0) this.#wakeup();
  }

  /** Close every connection accepted by the server (after flushing). */
  override closeClients(): void {
    for (const conn of [...this.#clients]) conn.close();
  }

  /** Close every connection accepted by the server at once. */
  override abortClients(): void {
    for (const conn of [...this.#clients]) conn.abort();
  }

  /** Wait until the server is closed and all its connections are gone. */
  override waitClosed(): Coroutine<void> {
    return libraryCoroutine("Server.wait_closed", this, this.#waitClosed);
  }

  async #waitClosed(): Promise<void> {
    if (this.#closedDown) return;
    // A cancelled wait leaves the list (it used to stay there until the server closed).
    await this.#waiters.wait(this.#loop);
  }

  /** How many waitClosed() calls wait (for tests). @internal */
  [kWaiterCount](): number {
    return this.#waiters.size;
  }

  /**
   * Accept connections until cancelled; cancelling closes the server and waits for it to close.
   * @throws {RuntimeError} when already serving forever, or when closed.
   */
  override serveForever(): Coroutine<never> {
    return libraryCoroutine("Server.serve_forever", this, this.#serveForever);
  }

  async #serveForever(): Promise<never> {
    if (this.#servingForever !== null) {
      throw new RuntimeError(`server ${String(this)} is already being awaited on serve_forever()`);
    }
    if (this.#listening === null) throw new RuntimeError(`server ${String(this)} is closed`);
    this.#release();
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

  override toString(): string {
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

/** Listen on each server; on failure or cancellation none is left listening. @internal */
export async function listen(servers: net.Server[], listenOptions: net.ListenOptions[]): Promise<void> {
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
    // Cancelled (or another bind failed) while some are still binding: close each now, or as
    // soon as it listens — close() before then does not stop a listen() in progress, which
    // would leave a server listening that nobody owns. CPython 3.13 create_server closes its
    // sockets on any exception.
    for (const s of servers) {
      if (s.listening) s.close();
      else
        s.once("listening", () => {
          s.close();
        });
    }
    throw e;
  } finally {
    for (const c of cleanups) c();
  }
}

/** A `sock=` server: a `net.Server`, or one over a listening socket's file descriptor. */
export async function serverOf(sock: unknown, backlog: number): Promise<net.Server> {
  if (sock instanceof net.Server) {
    if (!sock.listening) throw new RangeError("sock must be a listening net.Server");
    return sock;
  }
  if (typeof sock === "number" && Number.isInteger(sock) && sock >= 0) {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    await listen([server], [{ fd: sock, backlog } as net.ListenOptions]);
    return server;
  }
  throw new TypeError(
    `A Stream Socket was expected, got ${reprValue(sock)}: pass a listening net.Server or a file descriptor`,
  );
}

// `new Server(...)`: the constructor is private, so that the published types offer none.
/** @internal */
export const newServer = Server as unknown as new <N extends SockName>(
  loop: BaseEventLoop,
  servers: net.Server[],
  acceptSocket: AcceptSocket,
  startServing?: boolean,
) => Server<N>;

/**
 * What a stream server does with each accepted socket (CPython 3.13 streams.py start_server): a
 * StreamReader and a StreamReaderProtocol that runs `cb` once the connection is made.
 */
function acceptStreams(
  loop: BaseEventLoop,
  cb: ClientConnectedCallback,
  limit: number | undefined,
  unixPath: string | null,
  options: StartServerOptions,
): AcceptSocket {
  const tlsParams = serverTls(options);
  if (typeof cb !== "function") {
    throw new TypeError(`clientConnected must be a function (reader, writer) => ..., got ${reprValue(cb)}`);
  }
  return acceptInto(
    loop,
    () => new StreamReaderProtocol(new StreamReader(limit), cb, loop),
    unixPath,
    tlsParams,
  );
}

/**
 * Start a TCP server on `host` (a name, a list of names, or null for all interfaces) and `port`;
 * call `clientConnected(reader, writer)` for each connection, as a Task. An exception in it is
 * reported to the loop's exception handler and the connection closed.
 * @throws {RangeError} `Neither host/port nor sock were specified` when both are null or undefined.
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.start_server
 */
export function startServer(
  clientConnected: ClientConnectedCallback,
  host: string | readonly string[] | null | undefined,
  port: number | null | undefined,
  options: StartServerOptions = {},
): Coroutine<Server<InetSockName>> {
  return libraryCoroutine("start_server", undefined, startServerNow, null, [
    clientConnected,
    host,
    port,
    options,
  ]);
}

async function startServerNow(
  clientConnected: ClientConnectedCallback,
  host: string | readonly string[] | null | undefined,
  port: number | null | undefined,
  options: StartServerOptions,
): Promise<Server<InetSockName>> {
  const { limit, backlog = 100, reusePort, sock } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const p = port;
  const loop = getRunningLoop();
  const accept = acceptStreams(loop, clientConnected, limit, null, options);
  if (sock !== undefined && sock !== null) {
    // CPython 3.13 base_events.py create_server.
    if (host != null || p != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    const server = await serverOf(sock, backlog);
    return new newServer<InetSockName>(loop, [server], accept);
  }
  if (host == null && p == null) throw new RangeError("Neither host/port nor sock were specified");
  const hosts =
    host === null || host === undefined ? [undefined] : typeof host === "string" ? [host] : [...host];
  const servers = hosts.map(() => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
  await listen(
    servers,
    hosts.map((h) => ({
      host: h,
      port: p ?? 0,
      backlog,
      ...(reusePort === undefined ? {} : { reusePort }),
    })),
  );
  return new newServer<InetSockName>(loop, servers, accept);
}

/**
 * Start a Unix socket server on `path` (a stale socket file there is removed first).
 * @see https://docs.python.org/3.13/library/asyncio-stream.html#asyncio.start_unix_server
 */
export function startUnixServer(
  clientConnected: ClientConnectedCallback,
  path: string,
  options: StartServerOptions = {},
): Coroutine<Server<string>> {
  return libraryCoroutine("start_unix_server", undefined, startUnixServerNow, null, [
    clientConnected,
    path,
    options,
  ]);
}

async function startUnixServerNow(
  clientConnected: ClientConnectedCallback,
  path: string,
  options: StartServerOptions,
): Promise<Server<string>> {
  const { limit, backlog = 100 } = options;
  if (limit !== undefined && !(limit > 0)) throw new RangeError("Limit cannot be <= 0");
  const loop = getRunningLoop();
  const accept = acceptStreams(loop, clientConnected, limit, path, options);
  try {
    if (fs.statSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // No file there: nothing to clean.
  }
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await listen([server], [{ path, backlog }]);
  return new newServer<string>(loop, [server], accept);
}
