/**
 * TLS for the protocol loop methods (CPython's `SSLProtocol` and `_SSLProtocolTransport`, in
 * sslproto.py): the `ssl` options of `createConnection()`, `createServer()`, their Unix forms and
 * `connectAcceptedSocket()`, checked as CPython checks them, and the handshake that turns a
 * connected `net.Socket` into a `tls.TLSSocket` for a `SocketTransport` to carry. The stream
 * functions run the same handshake (through tcp.ts); `StreamWriter.startTls()` wraps with
 * {@link wrapTls} in place (socket-transport.ts). Node's
 * `node:tls` does the TLS; this module decides when, and maps its outcome to CPython's.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#tls-upgrade
 * @module
 */
import net from "node:net";
import tls from "node:tls";
import type { BaseEventLoop } from "./base-events.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { reprValue } from "./internal/repr.ts";
import { connectionLost } from "./internal/stream-transport.ts";
import type { ServerClient } from "./server.ts";
import {
  cipherBits,
  debug,
  handshakeTimedOut,
  handshakeTimeout,
  type SSLContext,
  tlsConfig,
  type TlsParams,
} from "./sslproto.ts";

function noop(): void {}

/** CPython 3.13 asyncio/constants.py SSL_SHUTDOWN_TIMEOUT. @internal */
export const SSL_SHUTDOWN_TIMEOUT = 30.0;

/** A TLS setup of a protocol transport: the handshake's, and the shutdown's timeout (seconds). @internal */
export interface ProtocolTls extends TlsParams {
  readonly shutdownTimeout: number;
}

/** What `getExtraInfo()` adds over TLS (CPython's SSLProtocol `_extra`). */
export interface TlsExtraInfo {
  /** The `tls.SecureContext` of the handshake. */
  sslcontext: tls.SecureContext;
  /** The peer's certificate (`getPeerCertificate()`), null without one. */
  peercert: tls.PeerCertificate | tls.DetailedPeerCertificate | null;
  /** `[name, version, secretBits]`, like Python's `SSLSocket.cipher()`. */
  cipher: [name: string, version: string, secretBits: number | null];
  /** Always null, as with Python's ssl module. */
  compression: null;
  /** The `tls.TLSSocket`. */
  ssl_object: tls.TLSSocket;
}

/** The TLS options shared by the protocol methods (`null` counts as not given, as `None`). */
interface TlsOptions {
  ssl?: unknown;
  serverHostname?: string | null;
  sslHandshakeTimeout?: number | null;
  sslShutdownTimeout?: number | null;
}

/** `sslShutdownTimeout`, checked as CPython's SSLProtocol checks it (seconds). @internal */
export function shutdownTimeout(timeout: number | null | undefined): number {
  if (timeout === undefined || timeout === null) return SSL_SHUTDOWN_TIMEOUT;
  if (!(timeout > 0)) {
    throw new RangeError(`ssl_shutdown_timeout should be a positive number, got ${String(timeout)}`);
  }
  return timeout;
}

/** CPython 3.13 base_events.py: each timeout is only meaningful with ssl. */
function refuseTimeouts(options: TlsOptions): void {
  if (options.sslHandshakeTimeout != null) {
    throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
  }
  if (options.sslShutdownTimeout != null) {
    throw new RangeError("ssl_shutdown_timeout is only meaningful with ssl");
  }
}

/**
 * The client's TLS setup from the options of createConnection() or createUnixConnection(),
 * checked as CPython 3.13 base_events.py create_connection and create_unix_connection check them.
 * `host` is the host connected to (null with `sock`); `unix` for a Unix socket.
 * @internal
 */
export function protocolClientTls(
  options: TlsOptions,
  host: string | null,
  unix: boolean,
): ProtocolTls | null {
  const { ssl, serverHostname = null, sslHandshakeTimeout = null, sslShutdownTimeout = null } = options;
  const useSsl = ssl !== undefined && ssl !== null && ssl !== false;
  if (serverHostname !== null && !useSsl) throw new RangeError("server_hostname is only meaningful with ssl");
  if (!useSsl) {
    refuseTimeouts(options);
    return null;
  }
  if (serverHostname === null && unix)
    throw new RangeError("you have to pass server_hostname when using ssl");
  if (serverHostname === null && (host === null || host === "")) {
    throw new RangeError("You must set server_hostname when using ssl without a host");
  }
  return {
    ...tlsConfig(ssl),
    serverSide: false,
    serverHostname: serverHostname ?? host ?? "",
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout ?? undefined),
    shutdownTimeout: shutdownTimeout(sslShutdownTimeout),
  };
}

/**
 * The server's TLS setup from the options of createServer(), createUnixServer() or
 * connectAcceptedSocket(), checked as CPython 3.13 base_events.py create_server checks them.
 * @internal
 */
export function protocolServerTls(options: TlsOptions): ProtocolTls | null {
  const { ssl, sslHandshakeTimeout = null, sslShutdownTimeout = null } = options;
  if (typeof ssl === "boolean") throw new TypeError("ssl argument must be an SSLContext or None");
  if (ssl === undefined || ssl === null) {
    refuseTimeouts(options);
    return null;
  }
  return {
    ...tlsConfig(ssl),
    serverSide: true,
    serverHostname: "",
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout ?? undefined),
    shutdownTimeout: shutdownTimeout(sslShutdownTimeout),
  };
}

/** Options of `loop.startTls()`: CPython's keyword arguments, camelCased. */
export interface StartTlsTransportOptions {
  /** Run the handshake as the server (default false: as the client). */
  serverSide?: boolean;
  /**
   * Client side: the name the server's certificate must match; `""` skips the hostname check
   * (the chain is still verified). Ignored on the server side.
   * @throws {RangeError} `check_hostname requires server_hostname` when missing on a client whose
   * context verifies the peer (the default).
   */
  serverHostname?: string | null;
  /** Seconds to wait for the handshake before aborting the connection (default 60). */
  sslHandshakeTimeout?: number | null;
  /**
   * Seconds `close()` waits for the peer's answer to the TLS close_notify before aborting the
   * connection with `TimeoutError('SSL shutdown timed out')` (default 30).
   */
  sslShutdownTimeout?: number | null;
}

/** CPython 3.13 base_events.py start_tls: the context must be one. @internal */
export function checkSslContext(sslcontext: unknown): void {
  if (typeof sslcontext !== "object" || sslcontext === null) {
    throw new TypeError(
      `sslcontext is expected to be an instance of ssl.SSLContext (a tls.SecureContext or SSLOptions), got ${reprValue(sslcontext)}`,
    );
  }
}

/** The TLS setup of `loop.startTls()`, checked as CPython 3.13's SSLProtocol checks it. @internal */
export function startTlsParams(sslcontext: unknown, options: StartTlsTransportOptions): ProtocolTls {
  checkSslContext(sslcontext);
  if (typeof options !== "object" || (options as unknown) === null) {
    throw new TypeError(`options must be an object, got ${reprValue(options)}`);
  }
  const {
    serverSide = false,
    serverHostname = null,
    sslHandshakeTimeout = null,
    sslShutdownTimeout = null,
  } = options;
  const config = tlsConfig(sslcontext as SSLContext);
  return {
    ...config,
    serverSide,
    serverHostname: serverSide ? "" : checkHostname(serverHostname, config.rejectUnauthorized),
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout ?? undefined),
    shutdownTimeout: shutdownTimeout(sslShutdownTimeout),
  };
}

/** CPython: a verifying client context needs a name (`""` skips the hostname check here). */
function checkHostname(serverHostname: string | null, verify: boolean): string {
  if (serverHostname !== null) return serverHostname;
  if (verify) throw new RangeError("check_hostname requires server_hostname");
  return "";
}

/**
 * Wrap `socket` (connected, not flowing) in a TLS socket that starts its handshake, as the server
 * or the client `params` say. @internal
 */
export function wrapTls(socket: net.Socket, params: TlsParams): tls.TLSSocket {
  const alpn = params.ALPNProtocols === undefined ? {} : { ALPNProtocols: params.ALPNProtocols };
  // Made outside the task: the socket's callbacks must not run in (and keep) its context.
  return taskStorage.exit(() => {
    if (params.serverSide) {
      return new tls.TLSSocket(socket, {
        isServer: true,
        secureContext: params.context,
        requestCert: params.requestCert,
        rejectUnauthorized: params.rejectUnauthorized,
        ...alpn,
      });
    }
    const name = params.serverHostname;
    return tls.connect({
      socket,
      secureContext: params.context,
      rejectUnauthorized: params.rejectUnauthorized,
      // RFC 6066 forbids an IP address as SNI; the certificate is still checked against it.
      ...(name === "" || net.isIP(name) !== 0 ? {} : { servername: name }),
      checkServerIdentity: (_host, cert) => (name === "" ? undefined : tls.checkServerIdentity(name, cert)),
      ...alpn,
    });
  });
}

/** A handshake under way: `abort()` destroys both sockets (its callback is not called then). */
interface Handshaking {
  abort(): void;
}

/**
 * Start the TLS handshake over `socket` (connected; what it has buffered is the peer's first TLS
 * bytes). `done` is called once, from a loop callback: with the TLS socket, paused, once it is
 * secure; or with the error (Node's, CPython's `ConnectionAbortedError` on timeout (`code`
 * `ECONNABORTED`), `ConnectionResetError` when the peer leaves), both sockets then destroyed.
 */
function startHandshake(
  loop: BaseEventLoop,
  socket: net.Socket,
  params: TlsParams,
  done: (exc: Error | null, t: tls.TLSSocket) => void,
): Handshaking {
  const t = wrapTls(socket, params);
  t.pause();
  let over = false;
  const secureEvent = params.serverSide ? "secure" : "secureConnect";
  const finish = (exc: Error | null): void => {
    if (over) return;
    over = true;
    unhook();
    timer.cancel();
    t.off(secureEvent, onSecure);
    t.off("error", onError);
    t.off("close", onClose);
    t.off("end", onClose);
    if (exc !== null) {
      // CPython 3.13 sslproto.py _fatal_error: handshake errors (OSErrors) are logged at debug level.
      debug("SSL handshake failed: %s", exc);
      t.on("error", noop);
      t.destroy();
      socket.destroy();
    }
    done(exc, t);
  };
  const post = (exc: Error | null): void => {
    if (!over && !loop.isClosed()) loop.callSoon(finish, exc);
  };
  const onSecure = (): void => {
    post(null);
  };
  const onError = (err: Error): void => {
    post(err);
  };
  // CPython 3.13 sslproto.py eof_received during the handshake: ConnectionResetError. The end
  // counts as well as the close: a TLS socket over a half-open one (a server's) stays open.
  const onClose = (): void => {
    post(connectionLost());
  };
  t.once(secureEvent, onSecure);
  t.on("error", onError);
  t.once("close", onClose);
  t.once("end", onClose);
  const timer = loop.callLater(params.handshakeTimeout, () => {
    finish(handshakeTimedOut(params.handshakeTimeout));
  });
  const abort = (): void => {
    if (over) return;
    over = true;
    unhook();
    timer.cancel();
    t.off(secureEvent, onSecure);
    t.off("error", onError);
    t.off("close", onClose);
    t.off("end", onClose);
    t.on("error", noop);
    t.destroy();
    socket.destroy();
  };
  // A loop closed during the handshake still owns the sockets.
  const unhook = addCloseHook(loop, abort);
  return { abort };
}

/**
 * Run the TLS handshake over `socket` and return the TLS socket, paused, once it is secure. On
 * failure, timeout or cancellation both sockets are destroyed.
 * @internal
 */
export async function handshake(
  loop: BaseEventLoop,
  socket: net.Socket,
  params: TlsParams,
): Promise<tls.TLSSocket> {
  const fut = loop.createFuture<tls.TLSSocket>();
  const handshaking = startHandshake(loop, socket, params, (exc, t) => {
    if (fut.done()) return;
    if (exc !== null) fut.setException(exc);
    else fut.setResult(t);
  });
  try {
    return await fut;
  } catch (e) {
    handshaking.abort();
    throw e;
  }
}

const EMPTY = new Uint8Array(0);

/**
 * `loop.startTls()`'s part after the old transport let go of `socket`: wait until what was
 * written to it has reached the kernel (the TLS socket writes below Node's socket buffer, on its
 * handle, so plaintext queued there would come after the handshake's bytes), then run the
 * handshake. On failure or cancellation the socket is destroyed.
 * @internal
 */
export async function upgradeSocket(
  loop: BaseEventLoop,
  socket: net.Socket,
  params: TlsParams,
): Promise<tls.TLSSocket> {
  // The old transport's errors reach nobody now: the TLS socket reports its own.
  socket.on("error", noop);
  if (socket.writableLength > 0) {
    const fut = loop.createFuture<null>();
    // An empty write completes after every earlier one.
    socket.write(EMPTY, (err) => {
      if (loop.isClosed()) return;
      loop.callSoon(() => {
        if (fut.done()) return;
        if (err !== null && err !== undefined) fut.setException(err);
        else fut.setResult(null);
      });
    });
    try {
      await fut;
    } catch (e) {
      socket.destroy();
      throw e;
    }
  }
  return await handshake(loop, socket, params);
}

/** The TLS keys of `getExtraInfo()` for a secure socket. @internal */
export function tlsExtra(t: tls.TLSSocket, context: tls.SecureContext): TlsExtraInfo {
  const cert = t.getPeerCertificate();
  const cipher = t.getCipher();
  return {
    sslcontext: context,
    // Python's getpeercert() is None without a certificate; Node returns an empty object.
    peercert: Object.keys(cert).length === 0 ? null : cert,
    cipher: [cipher.name, cipher.version, cipherBits(cipher.name)],
    compression: null,
    ssl_object: t,
  };
}

/**
 * A server's connection while its handshake runs, then its transport: what the server tracks.
 * `made` builds the transport over the secure socket (and calls the protocol's connectionMade);
 * a failed handshake reaches no protocol, as in CPython.
 * @internal
 */
export function serverHandshake(
  loop: BaseEventLoop,
  socket: net.Socket,
  params: TlsParams,
  made: (t: tls.TLSSocket) => ServerClient,
): ServerClient {
  let client: ServerClient | null = null;
  let onLost: (() => void) | null = null;
  const lost = (): void => {
    const fn = onLost;
    onLost = null;
    fn?.();
  };
  const handshaking = startHandshake(loop, socket, params, (exc, t) => {
    if (exc !== null) {
      lost();
      return;
    }
    const c = made(t);
    client = c;
    c.setOnLost(lost);
  });
  const stop = (): void => {
    handshaking.abort();
    // No callback comes after an abort: the server hears of the loss here.
    loop.callSoon(lost);
  };
  return {
    close: () => {
      if (client !== null) client.close();
      else stop();
    },
    abort: () => {
      if (client !== null) client.abort();
      else stop();
    },
    setOnLost: (fn) => {
      onLost = fn;
    },
  };
}
