/**
 * TLS for streams (CPython's sslproto.py): the `ssl` options of openConnection, startServer and
 * StreamWriter.startTls, checked as CPython checks them, and turned into `node:tls` settings.
 * The handshake itself runs in the socket transport (socket-transport.ts).
 * @see https://docs.python.org/3.13/library/asyncio-stream.html
 * @module
 */
import tls from "node:tls";
import { constants as osConstants } from "node:os";
import { debuglog } from "node:util";
import { reprValue } from "./internal/repr.ts";
import type { StartServerOptions } from "./server.ts";

/**
 * The options of a TLS context (Python's `SSLContext` settings): Node's `tls.SecureContextOptions`
 * (`ca`, `cert`, `key`, `minVersion`, …) plus the verification switches Python keeps on the
 * context. `ca` replaces Node's bundled root certificates rather than adding to them.
 */
export interface SSLOptions extends tls.SecureContextOptions {
  /** A context made by `tls.createSecureContext()`; the context options above are then ignored. */
  secureContext?: tls.SecureContext;
  /**
   * Client: verify the server's certificate chain (default true; Python's `CERT_REQUIRED`).
   * Server: with `requestCert`, refuse a client without a valid certificate (default true).
   */
  rejectUnauthorized?: boolean;
  /** Server: ask the client for a certificate (default false; Python's `verify_mode`). */
  requestCert?: boolean;
  /** The ALPN protocols to offer or accept, by preference. */
  ALPNProtocols?: string[];
}

/**
 * A TLS context: a `tls.SecureContext` (from `tls.createSecureContext()`, Python's
 * `ssl.create_default_context()` when given no options) or the options to make one.
 */
export type SSLContext = tls.SecureContext | SSLOptions;

/** Options of `StreamWriter.startTls()`. */
export interface StartTlsOptions {
  /**
   * Client side: the name the certificate must match (default: the host given to
   * `openConnection()`); `""` skips the hostname check. Ignored on the server side.
   */
  serverHostname?: string;
  /** Seconds to wait for the TLS handshake before aborting the connection (default 60). */
  sslHandshakeTimeout?: number;
}

// CPython 3.13 asyncio/constants.py SSL_HANDSHAKE_TIMEOUT.
export const SSL_HANDSHAKE_TIMEOUT = 60.0;

export const debug = debuglog("asyncio-ts");

let secureContextProto: object | null = null;

export function isSecureContext(value: unknown): value is tls.SecureContext {
  if (typeof value !== "object" || value === null) return false;
  // Node does not export the SecureContext class: take it from a context of its own.
  secureContextProto ??= Object.getPrototypeOf(tls.createSecureContext()) as object;
  return Object.getPrototypeOf(value) === secureContextProto;
}

/** A resolved TLS setup for one handshake. */
export interface TlsParams {
  readonly context: tls.SecureContext;
  readonly rejectUnauthorized: boolean;
  readonly requestCert: boolean;
  readonly ALPNProtocols: string[] | undefined;
  readonly serverSide: boolean;
  /** Client side: the name to check, `""` for none. */
  readonly serverHostname: string;
  /** Seconds. */
  readonly handshakeTimeout: number;
}

export type TlsConfig = Pick<TlsParams, "context" | "rejectUnauthorized" | "requestCert" | "ALPNProtocols">;

export function tlsConfig(ssl: true | SSLContext): TlsConfig {
  if (ssl === true) {
    return {
      context: tls.createSecureContext(),
      rejectUnauthorized: true,
      requestCert: false,
      ALPNProtocols: undefined,
    };
  }
  if (isSecureContext(ssl)) {
    return { context: ssl, rejectUnauthorized: true, requestCert: false, ALPNProtocols: undefined };
  }
  // CPython checks no other value of `ssl` here (start_tls() checks its own argument first).
  if (typeof ssl !== "object") {
    throw new TypeError(
      `ssl must be a tls.SecureContext or an SSLOptions object (or true on the client side), got ${reprValue(ssl)}`,
    );
  }
  const { secureContext, rejectUnauthorized = true, requestCert = false, ALPNProtocols, ...options } = ssl;
  return {
    context: secureContext ?? tls.createSecureContext(options),
    rejectUnauthorized,
    requestCert,
    ALPNProtocols,
  };
}

export function handshakeTimeout(timeout: number | undefined): number {
  if (timeout === undefined) return SSL_HANDSHAKE_TIMEOUT;
  if (!(timeout > 0)) {
    throw new RangeError(`ssl_handshake_timeout should be a positive number, got ${String(timeout)}`);
  }
  return timeout;
}

/** CPython's `ConnectionAbortedError` when a handshake takes too long (sslproto.py). */
export function handshakeTimedOut(timeout: number): Error {
  return Object.assign(
    new Error(`SSL handshake is taking longer than ${String(timeout)} seconds: aborting the connection`),
    { code: "ECONNABORTED", errno: -osConstants.errno.ECONNABORTED },
  );
}

/** The secret bits of a cipher suite, from its name (Node does not report them). */
export function cipherBits(name: string): number | null {
  const m = /(?:AES|CAMELLIA|ARIA)[_-]?(128|256)/.exec(name);
  if (m !== null) return Number(m[1]);
  return name.includes("CHACHA20") ? 256 : null;
}

/** The client's TLS setup from the options of openConnection(), checked as CPython does. */
export function clientTls(
  options: { ssl?: boolean | SSLContext | null; serverHostname?: string; sslHandshakeTimeout?: number },
  host: string | null,
  unix = false,
): TlsParams | null {
  const { ssl, serverHostname, sslHandshakeTimeout } = options;
  const useSsl = ssl !== undefined && ssl !== null && ssl !== false;
  // CPython 3.13 base_events.py create_connection / create_unix_connection.
  if (serverHostname !== undefined && !useSsl) {
    throw new RangeError("server_hostname is only meaningful with ssl");
  }
  if (sslHandshakeTimeout !== undefined && !useSsl) {
    throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
  }
  if (!useSsl) return null;
  // CPython 3.13: create_connection needs a host to default to, create_unix_connection a name.
  if (serverHostname === undefined && unix) {
    throw new RangeError("you have to pass server_hostname when using ssl");
  }
  if (serverHostname === undefined && (host === null || host === "")) {
    throw new RangeError("You must set server_hostname when using ssl without a host");
  }
  const name = serverHostname ?? host ?? "";
  return {
    ...tlsConfig(ssl),
    serverSide: false,
    serverHostname: name,
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout),
  };
}

/** The server's TLS setup from its options, checked as CPython's create_server does. */
export function serverTls(options: StartServerOptions): TlsParams | null {
  const { ssl, sslHandshakeTimeout, reuseAddress } = options;
  if (typeof ssl === "boolean") throw new TypeError("ssl argument must be an SSLContext or None");
  if (reuseAddress === false) {
    throw new RangeError("reuseAddress=false is not supported: libuv always sets SO_REUSEADDR");
  }
  if (ssl === undefined || ssl === null) {
    if (sslHandshakeTimeout !== undefined) {
      throw new RangeError("ssl_handshake_timeout is only meaningful with ssl");
    }
    return null;
  }
  return {
    ...tlsConfig(ssl),
    serverSide: true,
    serverHostname: "",
    handshakeTimeout: handshakeTimeout(sslHandshakeTimeout),
  };
}
