/**
 * aiohttp's client exceptions (aiohttp/client_exceptions.py): `name` is the Python class name,
 * each class has a stable `code`, and a `Symbol.for` brand makes `instanceof` agree across two
 * installed copies of the package. {@link ServerTimeoutError} is also an asyncio `TimeoutError`.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#client-exceptions
 * @module
 */
import { inspect } from "node:util";
import { brand as brandClass, brandedHasInstance } from "../internal/brand.ts";
import type { CIMultiDictProxy } from "./multidict.ts";
import type { ClientResponse, RequestInfo } from "./response.ts";

const brand = (cls: abstract new (...args: never[]) => object, name: string): void => {
  brandClass(cls, name, "asyncio-ts.http");
};

/**
 * Base class for client connection errors (aiohttp's `ClientError`): every error the client raises
 * for a request, its connection or its payload, except the timeouts' `TimeoutError`.
 */
export class ClientError extends Error {
  readonly code: string = "ERR_AIOHTTP_CLIENT";

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, value);
  }
}
brand(ClientError, "ClientError");

/** The options of {@link ClientResponseError}. */
export interface ClientResponseErrorOptions {
  /** The response's status (default 0). */
  status?: number;
  /** The response's reason phrase, or a description (default ""). */
  message?: string;
  /** The response's headers, if any. */
  headers?: CIMultiDictProxy | null;
  /** The error that caused this one. */
  cause?: unknown;
}

/**
 * An error about a response: a status `raiseForStatus()` refuses, a JSON body of the wrong type,
 * too many redirects. `String(e)` is aiohttp's `"404, message='Not Found', url='http://…'"`.
 */
export class ClientResponseError extends ClientError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_RESPONSE";
  /** The request the response answered: method, URL, headers. */
  readonly requestInfo: RequestInfo;
  /** The redirect responses that came before. */
  readonly history: readonly ClientResponse[];
  /** The response's HTTP status, 0 when there is none. */
  readonly status: number;
  /** The response's headers, or null. */
  readonly headers: CIMultiDictProxy | null;

  constructor(
    requestInfo: RequestInfo,
    history: readonly ClientResponse[],
    { status = 0, message = "", headers = null, cause }: ClientResponseErrorOptions = {},
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.requestInfo = requestInfo;
    this.history = history;
    this.status = status;
    this.headers = headers;
  }

  override toString(): string {
    return `${this.status}, message=${pyRepr(this.message)}, url=${pyRepr(this.requestInfo.realUrl.href)}`;
  }

  [inspect.custom](): string {
    return `${this.name}: ${this.toString()}`;
  }
}
brand(ClientResponseError, "ClientResponseError");

/** `response.json()` found a Content-Type that is not JSON. */
export class ContentTypeError extends ClientResponseError {
  override readonly code: string = "ERR_AIOHTTP_CONTENT_TYPE";
}
brand(ContentTypeError, "ContentTypeError");

/** A redirect chain reached `maxRedirects`; `history` holds the redirect responses. */
export class TooManyRedirects extends ClientResponseError {
  override readonly code: string = "ERR_AIOHTTP_TOO_MANY_REDIRECTS";
}
brand(TooManyRedirects, "TooManyRedirects");

/** Base class for socket errors: connecting, the server going away, a read that timed out. */
export class ClientConnectionError extends ClientError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_CONNECTION";
}
brand(ClientConnectionError, "ClientConnectionError");

/** An OS-level error on the connection (aiohttp's `ClientOSError`, an `OSError`). */
export class ClientOSError extends ClientConnectionError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_OS";
  /** The system error code (`ECONNRESET`, ...), when there is one. */
  readonly errno: string | null;
  constructor(message: string, options: ErrorOptions & { errno?: string | null } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.errno = options.errno ?? null;
  }
}
brand(ClientOSError, "ClientOSError");

/** The connection to the host could not be made: `Cannot connect to host 127.0.0.1:1 ssl:default [...]`. */
export class ClientConnectorError extends ClientOSError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_CONNECTOR";
  /** The host it tried. */
  readonly host: string;
  /** The port it tried. */
  readonly port: number;
  /** What the TLS setting was: `"default"`, `false` or a context. */
  readonly ssl: unknown;
  constructor(
    host: string,
    port: number,
    ssl: unknown,
    strerror: string,
    options: ErrorOptions & { errno?: string | null } = {},
  ) {
    super(
      `Cannot connect to host ${host}:${port} ssl:${ssl === false ? "False" : ssl === "default" ? "default" : inspect(ssl)} [${strerror}]`,
      options,
    );
    this.host = host;
    this.port = port;
    this.ssl = ssl;
  }
}
brand(ClientConnectorError, "ClientConnectorError");

/** The TLS handshake failed. */
export class ClientSSLError extends ClientConnectorError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_SSL";
}
brand(ClientSSLError, "ClientSSLError");

/** The server's certificate could not be verified. */
export class ClientConnectorCertificateError extends ClientSSLError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_CERTIFICATE";
}
brand(ClientConnectorCertificateError, "ClientConnectorCertificateError");

/** Base class for the errors of an established connection to the server. */
export class ServerConnectionError extends ClientConnectionError {
  override readonly code: string = "ERR_AIOHTTP_SERVER_CONNECTION";
}
brand(ServerConnectionError, "ServerConnectionError");

/** The server closed the connection before it sent a response: `Server disconnected`. */
export class ServerDisconnectedError extends ServerConnectionError {
  override readonly code: string = "ERR_AIOHTTP_SERVER_DISCONNECTED";
  constructor(message = "Server disconnected", options?: ErrorOptions) {
    super(message, options);
  }
}
brand(ServerDisconnectedError, "ServerDisconnectedError");

/**
 * A connect or socket-read timeout (`ClientTimeout`'s `connect`, `sockConnect`, `sockRead`).
 * Also an asyncio-ts `TimeoutError`: `e instanceof asyncio.TimeoutError` holds, as in aiohttp
 * (`ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError)`).
 */
export class ServerTimeoutError extends ServerConnectionError {
  override readonly code: string = "ERR_AIOHTTP_SERVER_TIMEOUT";
}
brand(ServerTimeoutError, "ServerTimeoutError");
// asyncio-ts's TimeoutError checks this brand in its Symbol.hasInstance (src/exceptions.ts).
Object.defineProperty(ServerTimeoutError.prototype, Symbol.for("asyncio-ts.TimeoutError"), { value: true });

/** The response body could not be read to its end: `Response payload is not completed`. */
export class ClientPayloadError extends ClientError {
  override readonly code: string = "ERR_AIOHTTP_CLIENT_PAYLOAD";
}
brand(ClientPayloadError, "ClientPayloadError");

/**
 * The URL cannot be requested (no host, not http or https, not a URL at all). Python's
 * `InvalidURL` is also a `ValueError`; the message is the URL, as `str(exc)` is in aiohttp.
 */
export class InvalidURL extends ClientError {
  override readonly code: string = "ERR_AIOHTTP_INVALID_URL";
  /** The URL as given. */
  readonly url: unknown;
  constructor(url: unknown, options?: ErrorOptions) {
    super(typeof url === "string" ? url : url instanceof URL ? url.href : inspect(url), options);
    this.url = url;
  }
}
brand(InvalidURL, "InvalidURL");

/** Python's repr of a str. */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return quote + out + quote;
}
