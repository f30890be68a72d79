/**
 * `asyncio-ts/http`: aiohttp's HTTP client, on undici. A {@link ClientSession} sends requests
 * through a pool ({@link TCPConnector}); each request is a lazy awaitable of a
 * {@link ClientResponse}, and cancelling the task that awaits it (or reads its body) aborts the
 * request at once. The core (`asyncio-ts`) never loads this module, nor undici.
 * @example
 * import * as asyncio from "asyncio-ts";
 * import { ClientSession } from "asyncio-ts/http";
 * const fetchText = asyncio.coroutine("fetch", async (url: string) =>
 *   new ClientSession().with((session) => session.get(url).with((resp) => resp.text())),
 * );
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html
 * @module
 */
export { ClientSession, ClientTimeout, DEFAULT_TIMEOUT, BasicAuth } from "./session.ts";
export type {
  ClientSessionOptions,
  ClientTimeoutOptions,
  RequestOptions,
  RequestContextManager,
  RequestData,
  Params,
  RaiseForStatus,
} from "./session.ts";
export { ClientResponse } from "./response.ts";
export type { RequestInfo, JsonOptions } from "./response.ts";
export { HttpContent } from "./exchange.ts";
export { TCPConnector } from "./connector.ts";
export type { TCPConnectorOptions, SSLSetting } from "./connector.ts";
export { CookieJar, DummyCookieJar } from "./cookies.ts";
export type { AbstractCookieJar, CookieJarOptions, CookiesInit, Morsel } from "./cookies.ts";
export { CIMultiDict, CIMultiDictProxy } from "./multidict.ts";
export type { MultiDictInit } from "./multidict.ts";
export {
  ClientError,
  ClientConnectionError,
  ClientOSError,
  ClientConnectorError,
  ClientSSLError,
  ClientConnectorCertificateError,
  ServerConnectionError,
  ServerDisconnectedError,
  ServerTimeoutError,
  ClientResponseError,
  ClientPayloadError,
  ContentTypeError,
  TooManyRedirects,
  InvalidURL,
} from "./errors.ts";
export type { ClientResponseErrorOptions } from "./errors.ts";
