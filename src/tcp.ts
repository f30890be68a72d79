/**
 * Stream sockets for protocols (CPython's `loop.create_connection()`, `create_server()`, their
 * Unix forms, `connect_accepted_socket()`, `start_tls()`) on `node:net`: the connection's or
 * server's creation, over the socket transport of socket-transport.ts (TLS: ssl-transport.ts).
 * The stream functions build on them.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#opening-network-connections
 * @module
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import type tls from "node:tls";
import path from "node:path";
import type { BaseEventLoop } from "./base-events.ts";
import type { ProtocolFactory } from "./datagram.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { getRunningLoop } from "./events.ts";
import { taskStorage } from "./internal/context.ts";
import { reprValue } from "./internal/repr.ts";
import { socketNames } from "./internal/stream-transport.ts";
import { kTakeSocket } from "./internal/symbols.ts";
import { listen, newServer, serverOf, type Server, type ServerClient } from "./server.ts";
import { type SocketExtraInfo, SocketTransport, type StreamProtocol } from "./socket-transport.ts";
import { socket as sk, streamSocketOf } from "./socket.ts";
import {
  handshake,
  type ProtocolTls,
  protocolClientTls,
  protocolServerTls,
  serverHandshake,
  checkSslContext,
  SSL_SHUTDOWN_TIMEOUT,
  startTlsParams,
  type StartTlsTransportOptions,
  tlsExtra,
  upgradeSocket,
} from "./ssl-transport.ts";
import type { SSLContext, TlsParams } from "./sslproto.ts";
import type { InetSockName } from "./streams.ts";

export { SocketTransport, type SocketExtraInfo, type StreamProtocol } from "./socket-transport.ts";

function noop(): void {}

function isClass(fn: unknown): fn is new () => unknown {
  return typeof fn === "function" && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** @internal */
export function makeProtocol<P>(factory: ProtocolFactory<P>): P {
  return isClass(factory) ? new factory() : factory();
}

/** @internal */
export function checkFactory(factory: unknown): void {
  if (typeof factory !== "function") {
    throw new TypeError(
      `protocolFactory must be a function returning a Protocol (or a protocol class), got ${reprValue(factory)}`,
    );
  }
}

function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${reprValue(options)}`);
  }
}

/** What the transport keeps of a TLS setup: the shutdown's timeout (the stream functions': the default). */
function tlsOf(params: ProtocolTls | TlsParams | null): { readonly shutdownTimeout: number } | null {
  if (params === null) return null;
  return { shutdownTimeout: "shutdownTimeout" in params ? params.shutdownTimeout : SSL_SHUTDOWN_TIMEOUT };
}

/** The extra information of a connected socket. @internal */
export function extraOf(
  socket: net.Socket,
  unixPath: string | null,
  serverSide: boolean,
): Partial<SocketExtraInfo> {
  if (unixPath === null && socket.remoteAddress === undefined && socket.localAddress === undefined) {
    // A Unix socket given as sock=: Node knows no path for it.
    return { socket, peername: "", sockname: "" };
  }
  return { socket, ...socketNames(socket, unixPath, serverSide) };
}

/**
 * Make the transport and protocol over a connected socket (with `tlsParams`, over a TLS socket
 * once its handshake is done); wait for connectionMade. On failure or cancellation the transport
 * is closed. The stream functions give TlsParams: their shutdown timeout is the default.
 * @internal
 */
export async function makeTransport<P extends StreamProtocol>(
  loop: BaseEventLoop,
  socket: net.Socket,
  protocolFactory: ProtocolFactory<P>,
  unixPath: string | null,
  serverSide: boolean,
  tlsParams: ProtocolTls | TlsParams | null = null,
): Promise<[SocketTransport, P]> {
  let protocol: P;
  try {
    protocol = makeProtocol(protocolFactory);
  } catch (e) {
    socket.destroy();
    throw e;
  }
  const extra = extraOf(socket, unixPath, serverSide);
  let secure: net.Socket = socket;
  // CPython 3.13 sslproto.py: the protocol's connection_made comes after the handshake.
  if (tlsParams !== null) {
    const t = await handshake(loop, socket, tlsParams);
    Object.assign(extra, tlsExtra(t, tlsParams.context));
    secure = t;
  }
  const waiter = loop.createFuture<null>();
  const transport = new SocketTransport(loop, secure, protocol, extra, waiter, tlsOf(tlsParams));
  try {
    await waiter;
  } catch (e) {
    transport.abort();
    throw e;
  }
  return [transport, protocol];
}

/** Wait for `socket` to connect; destroy it on failure or cancellation. @internal */
export async function connected(loop: BaseEventLoop, socket: net.Socket, start: () => void): Promise<void> {
  const fut = loop.createFuture<null>();
  const onConnect = (): void => {
    loop.callSoon(() => {
      if (!fut.done()) fut.setResult(null);
    });
  };
  const onError = (err: Error): void => {
    loop.callSoon(() => {
      if (!fut.done()) fut.setException(err);
    });
  };
  socket.once("connect", onConnect);
  socket.once("error", onError);
  start();
  try {
    await fut;
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    socket.off("connect", onConnect);
    socket.off("error", onError);
  }
}

/** Options of `loop.createConnection()`: CPython's keyword arguments, camelCased. */
export interface CreateConnectionOptions {
  /**
   * TLS: `true` for Node's default context (its bundled root certificates), or a
   * `tls.SecureContext` or the options of one (`{ ca }`, `rejectUnauthorized`, ...). The
   * protocol's `connectionMade` comes after the handshake.
   */
  ssl?: boolean | SSLContext | null;
  /** `socket.AF_INET`, `socket.AF_INET6`, or 0 (the default: either). */
  family?: number;
  /** The local `[host, port]` to bind the socket to. */
  localAddr?: readonly [host: string, port: number] | null;
  /**
   * With ssl: the name the server's certificate must match (default: `host`; `""` skips the
   * hostname check). Required with ssl and no host (`sock`).
   * @throws {RangeError} `server_hostname is only meaningful with ssl`.
   */
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /**
   * Happy Eyeballs (RFC 8305): seconds before trying the next address in parallel (Node's
   * `autoSelectFamily`, at least 10 ms).
   */
  happyEyeballsDelay?: number | null;
  /** An existing connected `net.Socket` (or its file descriptor) to use instead of connecting. */
  sock?: net.Socket | number | null;
}

/** CPython's `loop.create_connection()`, run in the awaiting task. @internal */
export async function createConnectionNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  host: string | null | undefined,
  port: number | null | undefined,
  options: CreateConnectionOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolClientTls(options, host ?? null, false);
  const { family = 0, localAddr = null, happyEyeballsDelay = null, sock = null } = options;
  if (sock !== null) {
    // CPython 3.13 base_events.py create_connection.
    if (host != null || port != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    const socket = streamSocketOf(sock);
    if (socket.connecting) await connected(loop, socket, noop);
    return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
  }
  if (host == null && port == null)
    throw new RangeError("host and port was not specified and no sock specified");
  const connectOptions: net.TcpSocketConnectOpts = { host: host ?? "localhost", port: port ?? 0 };
  if (family !== 0) {
    if (family === sk.AF_INET) connectOptions.family = 4;
    else if (family === sk.AF_INET6) connectOptions.family = 6;
    else
      throw new RangeError(`family must be socket.AF_INET, socket.AF_INET6 or 0, got ${reprValue(family)}`);
  }
  if (localAddr !== null) {
    const shape: unknown = localAddr;
    if (!Array.isArray(shape) || shape.length !== 2)
      throw new TypeError("localAddr must be a [host, port] tuple");
    connectOptions.localAddress = localAddr[0];
    connectOptions.localPort = localAddr[1];
  }
  if (happyEyeballsDelay !== null) {
    if (!(happyEyeballsDelay >= 0)) throw new RangeError("happyEyeballsDelay must be >= 0 seconds");
    connectOptions.autoSelectFamily = true;
    connectOptions.autoSelectFamilyAttemptTimeout = Math.max(10, Math.round(happyEyeballsDelay * 1000));
  }
  const socket = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
  await connected(loop, socket, () => {
    taskStorage.exit(() => socket.connect(connectOptions));
  });
  return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
}

/** Options of `loop.createUnixConnection()`. */
export interface CreateUnixConnectionOptions {
  /** TLS, as {@link CreateConnectionOptions.ssl}. */
  ssl?: boolean | SSLContext | null;
  /**
   * With ssl: the name the server's certificate must match; required (`""` skips the check).
   * @throws {RangeError} `you have to pass server_hostname when using ssl`.
   */
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /** An existing connected `net.Socket` (or its file descriptor) to use instead of connecting. */
  sock?: net.Socket | number | null;
}

/** CPython's `loop.create_unix_connection()`. @internal */
export async function createUnixConnectionNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  path: string | null | undefined,
  options: CreateUnixConnectionOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolClientTls(options, path ?? null, true);
  const { sock = null } = options;
  if (sock !== null) {
    if (path != null) throw new RangeError("path and sock can not be specified at the same time");
    const socket = streamSocketOf(sock);
    if (socket.connecting) await connected(loop, socket, noop);
    return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
  }
  if (path == null) throw new RangeError("no path and sock were specified");
  if (typeof path !== "string") throw new TypeError(`path must be a string, got ${reprValue(path)}`);
  const socket = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
  await connected(loop, socket, () => {
    taskStorage.exit(() => socket.connect({ path }));
  });
  return await makeTransport(loop, socket, protocolFactory, path, false, tlsParams);
}

/** Options of `loop.connectAcceptedSocket()`. */
export interface ConnectAcceptedSocketOptions {
  /** TLS as the server side: a `tls.SecureContext` or the options of one (with `key` and `cert`). */
  ssl?: SSLContext | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
}

/** CPython's `loop.connect_accepted_socket()`. @internal */
export async function connectAcceptedSocketNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  sock: net.Socket | number,
  options: ConnectAcceptedSocketOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolServerTls(options);
  const socket = streamSocketOf(sock);
  return await makeTransport(loop, socket, protocolFactory, null, true, tlsParams);
}

/** Options of `loop.createServer()`: CPython's keyword arguments, camelCased. */
export interface CreateServerOptions {
  /** `socket.AF_INET`, `socket.AF_INET6`, or 0 (the default: both, as the host resolves). */
  family?: number;
  /** The listen backlog (default 100). */
  backlog?: number;
  /**
   * TLS: a `tls.SecureContext` or the options of one (`key`, `cert`, ...). Each connection's
   * protocol gets `connectionMade` after its handshake; a failed handshake reaches no protocol.
   * @throws {TypeError} `ssl argument must be an SSLContext or None` for a boolean.
   */
  ssl?: SSLContext | null;
  /** Seconds to wait for each TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /**
   * `SO_REUSEADDR`: always on where libuv listens (Unix), which is asyncio's default there.
   * @throws {RangeError} for `false`, which Node cannot honour.
   */
  reuseAddress?: boolean | null;
  /** `SO_REUSEPORT`: several sockets may bind the same port. */
  reusePort?: boolean | null;
  /** An existing `net.Server` (listening or not) or the file descriptor of a listening socket. */
  sock?: net.Server | number | null;
  /**
   * Serve at once (the default). `false`: connections are accepted by the kernel but reach no
   * protocol until `server.startServing()` or `serveForever()`.
   */
  startServing?: boolean;
}

/**
 * What a server does with each accepted socket: a protocol and a transport (over TLS with
 * `tlsParams`, once the handshake is done: a failed one reaches no protocol). @internal
 */
export function acceptInto(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  unixPath: string | null,
  tlsParams: ProtocolTls | TlsParams | null = null,
): (socket: net.Socket) => ServerClient {
  return (socket) => {
    let protocol: StreamProtocol;
    try {
      protocol = makeProtocol(protocolFactory);
    } catch (exc) {
      // CPython 3.13 selector_events.py _accept_connection2.
      loop.callExceptionHandler({
        message: "Error on transport creation for incoming connection",
        exception: exc,
      });
      socket.destroy();
      return { close: noop, abort: noop, setOnLost: (fn) => loop.callSoon(fn) };
    }
    const extra = extraOf(socket, unixPath, true);
    if (tlsParams === null) return new SocketTransport(loop, socket, protocol, extra, null);
    return serverHandshake(loop, socket, tlsParams, (t) => {
      Object.assign(extra, tlsExtra(t, tlsParams.context));
      return new SocketTransport(loop, t, protocol, extra, null, tlsOf(tlsParams));
    });
  };
}

function checkServerOptions(options: CreateServerOptions): ProtocolTls | null {
  checkOptions(options);
  const tlsParams = protocolServerTls(options);
  if (options.reuseAddress === false) {
    throw new RangeError("reuseAddress=false is not supported: libuv always sets SO_REUSEADDR");
  }
  return tlsParams;
}

/** CPython's `loop.create_server()`. @internal */
export async function createServerNow(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  host: string | readonly string[] | null | undefined,
  port: number | null | undefined,
  options: CreateServerOptions,
): Promise<Server<InetSockName>> {
  checkFactory(protocolFactory);
  const tlsParams = checkServerOptions(options);
  const { family = 0, backlog = 100, reusePort = null, sock = null, startServing = true } = options;
  const accept = acceptInto(loop, protocolFactory, null, tlsParams);
  if (sock !== null) {
    if (host != null || port != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    const server = await serverOf(sock, backlog);
    return new newServer<InetSockName>(loop, [server], accept, startServing);
  }
  let ipv6Only = false;
  let hosts: (string | undefined)[] =
    host === null || host === undefined || host === ""
      ? [undefined]
      : typeof host === "string"
        ? [host]
        : [...host];
  if (family === sk.AF_INET && hosts.length === 1 && hosts[0] === undefined) hosts = ["0.0.0.0"];
  else if (family === sk.AF_INET6) ipv6Only = true;
  else if (family !== 0 && family !== sk.AF_INET) {
    throw new RangeError(`family must be socket.AF_INET, socket.AF_INET6 or 0, got ${reprValue(family)}`);
  }
  const servers = hosts.map(() => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
  await listen(
    servers,
    hosts.map((h) => ({
      host: h ?? (ipv6Only ? "::" : undefined),
      port: port ?? 0,
      backlog,
      ipv6Only,
      ...(reusePort === null ? {} : { reusePort }),
    })),
  );
  return new newServer<InetSockName>(loop, servers, accept, startServing);
}

/** Options of `loop.createUnixServer()`. */
export interface CreateUnixServerOptions {
  /** The listen backlog (default 100). */
  backlog?: number;
  /** TLS, as {@link CreateServerOptions.ssl}. */
  ssl?: SSLContext | null;
  /** Seconds to wait for each TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /** An existing `net.Server` (listening) or the file descriptor of a listening socket. */
  sock?: net.Server | number | null;
  /** Serve at once (the default); see {@link CreateServerOptions.startServing}. */
  startServing?: boolean;
  /** Remove the socket file when the server closes (default true). */
  cleanup?: boolean;
}

/** CPython's `loop.create_unix_server()`. @internal */
export async function createUnixServerNow(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  path: string | null | undefined,
  options: CreateUnixServerOptions,
): Promise<Server<string>> {
  checkFactory(protocolFactory);
  const tlsParams = checkServerOptions(options);
  const { backlog = 100, sock = null, startServing = true } = options;
  if (sock !== null) {
    if (path != null) throw new RangeError("path and sock can not be specified at the same time");
    const server = await serverOf(sock, backlog);
    const accept = acceptInto(loop, protocolFactory, "", tlsParams);
    return new newServer<string>(loop, [server], accept, startServing);
  }
  if (typeof path !== "string") throw new TypeError(`path must be a string, got ${reprValue(path)}`);
  try {
    if (fs.statSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // No file there: nothing to clean.
  }
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await listen([server], [{ path, backlog }]);
  const accept = acceptInto(loop, protocolFactory, path, tlsParams);
  return new newServer<string>(loop, [server], accept, startServing);
}

/** CPython's `loop.start_tls()`. @internal */
export async function startTlsNow(
  loop: BaseEventLoop,
  transport: unknown,
  protocol: StreamProtocol,
  sslcontext: unknown,
  options: StartTlsTransportOptions,
): Promise<SocketTransport> {
  // CPython 3.13 base_events.py start_tls: the context first, then the transport (only its
  // socket and TLS transports upgrade), then the SSLProtocol's own checks.
  checkSslContext(sslcontext);
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError(`transport ${reprValue(transport)} is not supported by start_tls()`);
  }
  const params = startTlsParams(sslcontext, options);
  if (typeof protocol !== "object" || (protocol as unknown) === null) {
    throw new TypeError(`protocol must be a Protocol, got ${reprValue(protocol)}`);
  }
  const old = transport;
  const extra = {
    socket: old.getExtraInfo("socket"),
    peername: old.getExtraInfo("peername"),
    sockname: old.getExtraInfo("sockname"),
  } as Partial<SocketExtraInfo>;
  const { socket, handOver } = old[kTakeSocket]();
  let t: tls.TLSSocket;
  try {
    t = await upgradeSocket(loop, socket, params);
  } catch (e) {
    handOver(null);
    throw e;
  }
  Object.assign(extra, tlsExtra(t, params.context));
  const secure = new SocketTransport(loop, t, protocol, extra, null, params, false);
  handOver(secure);
  return secure;
}

/**
 * A pair of connected stream sockets (Python's `socket.socketpair()`), for `sock=` of
 * `openConnection()`, `createConnection()`, `connectAcceptedSocket()`... Lazy.
 *
 * **Differs from Python:** Node has no `socketpair(2)`, so this listens on a temporary Unix socket
 * (in a fresh directory under `os.tmpdir()`), connects to it, accepts, then removes the listener,
 * the socket file and the directory: it is asynchronous, and the names of both sockets are `""`.
 * See docs/differences.md#socketpair.
 * @extension Python has it in its `socket` module, synchronous.
 * @see https://docs.python.org/3.13/library/socket.html#socket.socketpair
 */
export function socketpair(): Coroutine<[net.Socket, net.Socket]> {
  return libraryCoroutine("socketpair", undefined, socketpairNow);
}

async function socketpairNow(): Promise<[net.Socket, net.Socket]> {
  const loop = getRunningLoop();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-pair-"));
  const where = path.join(dir, "s");
  // Not paused on connect: the accepted socket then flows as soon as someone listens for 'data'.
  const server = taskStorage.exit(() => net.createServer({ allowHalfOpen: true }));
  const accepted = loop.createFuture<net.Socket>();
  const onConnection = (s: net.Socket): void => {
    loop.callSoon(() => {
      if (accepted.done()) s.destroy();
      else accepted.setResult(s);
    });
  };
  server.on("connection", onConnection);
  let client: net.Socket | null = null;
  try {
    await listen([server], [{ path: where, backlog: 1 }]);
    const c = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
    client = c;
    await connected(loop, c, () => {
      taskStorage.exit(() => c.connect({ path: where }));
    });
    return [c, await accepted];
  } catch (e) {
    client?.destroy();
    throw e;
  } finally {
    server.off("connection", onConnection);
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
