/**
 * ClientSession (aiohttp's client.py): the object a program makes once and sends its requests
 * through, with a connection pool (its {@link TCPConnector}), a cookie jar, default headers,
 * timeouts, redirects and authentication.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#client-session
 * @module
 */
import { Buffer } from "node:buffer";
import { validateHeaderName, validateHeaderValue } from "node:http";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import type { BaseEventLoop } from "../base-events.ts";
import { type Coroutine, libraryCoroutine } from "../coroutines.ts";
import { getRunningLoop, peekRunningLoop, type TimerHandle } from "../events.ts";
import { RuntimeError, TimeoutError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { addCloseHook } from "../internal/close-hooks.ts";
import { checkSsl, type SSLSetting, sslLabel, TCPConnector } from "./connector.ts";
import {
  type AbstractCookieJar,
  CookieJar,
  type CookiesInit,
  type Morsel,
  parseSetCookie,
} from "./cookies.ts";
import { InvalidURL, ServerTimeoutError, TooManyRedirects } from "./errors.ts";
import { type Deadline, Deadlines } from "./deadlines.ts";
import { Exchange, parsedValues, type ExchangeTimers, type ResponseHead } from "./exchange.ts";
import { CIMultiDict, CIMultiDictProxy, type MultiDictInit } from "./multidict.ts";
import { ClientResponse, newClientResponse, type RequestInfo } from "./response.ts";

/** The options of {@link ClientTimeout}: seconds, or null (or 0) for no limit. */
export interface ClientTimeoutOptions {
  /** The whole request: connecting, redirects, and reading the response body. */
  total?: number | null;
  /** Getting a connection: waiting for a free slot in the pool, then connecting. */
  connect?: number | null;
  /** Connecting a new socket (from when undici starts it to when the request can be written). */
  sockConnect?: number | null;
  /** The longest wait for the next piece of the response (head or body). */
  sockRead?: number | null;
}

function checkSeconds(name: string, value: number | null | undefined): number | null {
  if (value === undefined || value === null || value === 0) return null;
  if (typeof value !== "number" || !(value > 0)) {
    throw new RangeError(`${name} must be a positive number of seconds or null, got ${inspect(value)}`);
  }
  return value;
}

/**
 * Timeouts of a request, in seconds (null: none). A `total` or `connect` timeout raises asyncio's
 * `TimeoutError`; `connect`, `sockConnect` and `sockRead` raise {@link ServerTimeoutError}, which
 * is a `TimeoutError` too. The session's default is aiohttp's: `total` 300 s, nothing else.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.ClientTimeout
 */
export class ClientTimeout {
  readonly total: number | null;
  readonly connect: number | null;
  readonly sockConnect: number | null;
  readonly sockRead: number | null;

  constructor({
    total = null,
    connect = null,
    sockConnect = null,
    sockRead = null,
  }: ClientTimeoutOptions = {}) {
    this.total = checkSeconds("total", total);
    this.connect = checkSeconds("connect", connect);
    this.sockConnect = checkSeconds("sockConnect", sockConnect);
    this.sockRead = checkSeconds("sockRead", sockRead);
    Object.freeze(this);
  }

  [inspect.custom](): string {
    const f = (v: number | null): string => (v === null ? "None" : String(v));
    return `ClientTimeout(total=${f(this.total)}, connect=${f(this.connect)}, sock_read=${f(this.sockRead)}, sock_connect=${f(this.sockConnect)})`;
  }
}

/** aiohttp's default: 5 minutes in all. */
export const DEFAULT_TIMEOUT: ClientTimeout = new ClientTimeout({ total: 300 });

/**
 * HTTP Basic authentication (`auth` of the session or a request).
 * @throws {RangeError} `None is not allowed as login value`, `A ":" is not allowed in login (RFC 1945#section-11.1)`.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.BasicAuth
 */
export class BasicAuth {
  readonly login: string;
  readonly password: string;
  readonly encoding: string;

  constructor(login: string, password = "", encoding = "latin1") {
    if ((login as unknown) == null) throw new RangeError("None is not allowed as login value");
    if ((password as unknown) == null) throw new RangeError("None is not allowed as password value");
    if (login.includes(":")) throw new RangeError('A ":" is not allowed in login (RFC 1945#section-11.1)');
    this.login = login;
    this.password = password;
    this.encoding = encoding;
    Object.freeze(this);
  }

  /** Parse an `Authorization: Basic ...` header. */
  static decode(authHeader: string, encoding = "latin1"): BasicAuth {
    const parts = authHeader.trim().split(" ");
    if (parts.length !== 2 || parts[0]?.toLowerCase() !== "basic") {
      throw new RangeError("Could not parse authorization header.");
    }
    const decoded = Buffer.from(parts[1] ?? "", "base64").toString(bufferEncoding(encoding));
    const i = decoded.indexOf(":");
    if (i === -1) throw new RangeError("Invalid credentials.");
    return new BasicAuth(decoded.slice(0, i), decoded.slice(i + 1), encoding);
  }

  /** The credentials of a URL (`http://user:pass@host/`), or null. */
  static fromUrl(url: URL | string, encoding = "latin1"): BasicAuth | null {
    const u = typeof url === "string" ? new URL(url) : url;
    if (u.username === "" && u.password === "") return null;
    return new BasicAuth(decodeURIComponent(u.username), decodeURIComponent(u.password), encoding);
  }

  /** The `Authorization` header's value: `Basic <base64>`. */
  encode(): string {
    const creds = Buffer.from(`${this.login}:${this.password}`, bufferEncoding(this.encoding));
    return `Basic ${creds.toString("base64")}`;
  }

  [inspect.custom](): string {
    return `BasicAuth(login='${this.login}', password='${this.password}', encoding='${this.encoding}')`;
  }
}

function bufferEncoding(encoding: string): BufferEncoding {
  const e = encoding.toLowerCase().replace(/[-_]/g, "");
  if (e === "latin1" || e === "iso88591") return "latin1";
  if (e === "utf8") return "utf8";
  if (e === "ascii") return "ascii";
  throw new RangeError(`unknown encoding: ${encoding}`);
}

/** Query parameters: an object, `[key, value]` pairs, or a `URLSearchParams`. */
export type Params =
  | Readonly<Record<string, string | number | readonly (string | number)[]>>
  | Iterable<readonly [string, string | number]>
  | URLSearchParams
  | string;

/**
 * A request body: a string (sent as `text/plain; charset=utf-8`), bytes
 * (`application/octet-stream`), an object, `[key, value]` pairs or `URLSearchParams` (sent
 * form-encoded, `application/x-www-form-urlencoded`), or a stream of bytes (an async iterable or a
 * `Readable`, sent chunked).
 */
export type RequestData =
  | string
  | Uint8Array
  | URLSearchParams
  | Readonly<Record<string, string | number | readonly (string | number)[]>>
  | Iterable<readonly [string, string | number]>
  | AsyncIterable<Uint8Array>
  | Readable;

/** What `raiseForStatus` may be: on or off, or a function called with every response. */
export type RaiseForStatus = boolean | ((resp: ClientResponse) => unknown);

/** The options of a request (`session.get(url, options)`, `session.request(method, url, options)`). */
export interface RequestOptions {
  /** Query parameters, added to those of the URL. */
  params?: Params | null;
  /** The body (see {@link RequestData}). Not with `json`. */
  data?: RequestData | null;
  /** A value sent as JSON (`application/json`). Not with `data`. */
  json?: unknown;
  /** Headers, over the session's. */
  headers?: MultiDictInit | null;
  /** Cookies for this request only, over the jar's. */
  cookies?: CookiesInit | null;
  /** Basic authentication (not with credentials in the URL or an Authorization header). */
  auth?: BasicAuth | null;
  /** Follow redirects (default true). */
  allowRedirects?: boolean;
  /** Raise {@link TooManyRedirects} at this many redirects (default 10; 0 for no limit). */
  maxRedirects?: number;
  /** Override the session's `raiseForStatus`. */
  raiseForStatus?: RaiseForStatus | null;
  /** Override the session's timeouts: a ClientTimeout, or a number of seconds for `total`. */
  timeout?: ClientTimeout | number | null;
  /** Override the connector's TLS setting (see {@link SSLSetting}). */
  ssl?: SSLSetting | null;
}

/** The options of {@link ClientSession}. */
export interface ClientSessionOptions {
  /** The base URL relative request URLs are joined to (an origin: no path, query or fragment). */
  baseUrl?: URL | string | null;
  /** The connection pool (default: a new `TCPConnector()`, owned by the session). */
  connector?: TCPConnector | null;
  /** Whether closing the session closes the connector (default true). */
  connectorOwner?: boolean;
  /** Cookies to start with (shared: sent to every host). */
  cookies?: CookiesInit | null;
  /** Headers sent with every request. */
  headers?: MultiDictInit | null;
  /** Basic authentication for every request. */
  auth?: BasicAuth | null;
  /** How `json` bodies are serialized (default `JSON.stringify`). */
  jsonSerialize?: (value: unknown) => string;
  /** The cookie jar (default: a new `CookieJar()`; `new DummyCookieJar()` keeps none). */
  cookieJar?: AbstractCookieJar | null;
  /** Raise {@link ClientResponseError} for every response with a status of 400 or more (default false). */
  raiseForStatus?: RaiseForStatus;
  /** Timeouts (default `new ClientTimeout({ total: 300 })`). */
  timeout?: ClientTimeout;
  /** Decode gzip, deflate and br bodies (default true). */
  autoDecompress?: boolean;
}

/**
 * What `session.get(...)` and the other request methods return: a lazy awaitable of the response
 * (nothing is sent until it is awaited or wrapped in a task) that also offers `.with(body)`, which
 * awaits the response, runs `body(resp)` and releases the response (Python's
 * `async with session.get(url) as resp:`).
 */
export type RequestContextManager = Coroutine<ClientResponse> & {
  with<R>(body: (resp: ClientResponse) => R | PromiseLike<R>): Coroutine<R>;
};

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const USER_AGENT = `Node.js/${(process.versions.node.split(".")[0] ?? "") || "?"} asyncio-ts`;
const METHOD_RE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * The timers of one request (its `total`, and `connect` per hop) and what it waits on now: when
 * one fires, that future fails with the timeout error and the exchange in flight is aborted.
 */
class RequestTimers implements ExchangeTimers {
  readonly #loop: BaseEventLoop;
  #total: Deadline | null = null;
  #connect: TimerHandle | null = null;
  waiting: Future | null = null;
  exchange: Exchange | null = null;
  /** Set once the request returned its response: the total timer then ends with its body. */
  returned = false;

  constructor(loop: BaseEventLoop, total: number | null) {
    this.#loop = loop;
    if (total !== null) {
      this.#total = Deadlines.of(loop).add(total, () => {
        this.#total = null;
        this.#fire(new TimeoutError());
      });
    }
  }

  #fire(error: Error): void {
    const waiting = this.waiting;
    if (waiting !== null && !waiting.done()) waiting.setException(error);
    this.exchange?.abort(error);
  }

  armConnect(delay: number | null, url: URL): void {
    this.connected();
    if (delay === null) return;
    this.#connect = this.#loop.callLater(delay, () => {
      this.#connect = null;
      this.#fire(new ServerTimeoutError(`Connection timeout to host ${url.href}`));
    });
  }

  /** An exchange ended: the total timer ends with the body of the response returned. */
  exchangeFinished(exchange: Exchange): void {
    if (this.returned && this.exchange === exchange) this.finish();
  }

  connected(): void {
    if (this.#connect !== null) {
      this.#connect.cancel();
      this.#connect = null;
    }
  }

  /** The response was returned: end the timers now if its body is already in. */
  finishIfDone(): void {
    this.returned = true;
    if (this.exchange === null || this.exchange.finished) this.finish();
  }

  finish(): void {
    this.connected();
    if (this.#total !== null) {
      Deadlines.of(this.#loop).remove(this.#total);
      this.#total = null;
    }
  }
}

/** The state of one request across its hops (redirects). */
class RequestState {
  readonly loop: BaseEventLoop;
  readonly connector: TCPConnector;
  method: string;
  url: URL;
  params: Params | null;
  body: EncodedBody | null;
  auth: BasicAuth | null;
  reqCookies: CookiesInit | null;
  readonly headers: CIMultiDict;
  readonly timeout: ClientTimeout;
  readonly ssl: SSLSetting | null;
  readonly allowRedirects: boolean;
  readonly maxRedirects: number;
  readonly timers: RequestTimers;
  readonly history: ClientResponse[] = [];
  /** This hop's URL with its params, the headers sent, its request info and slot key. */
  reqUrl: URL | null = null;
  sent: CIMultiDict | null = null;
  requestInfo: RequestInfo | null = null;
  key = "";

  constructor(init: Omit<RequestState, "history" | "reqUrl" | "sent" | "requestInfo" | "key">) {
    this.loop = init.loop;
    this.connector = init.connector;
    this.method = init.method;
    this.url = init.url;
    this.params = init.params;
    this.body = init.body;
    this.auth = init.auth;
    this.reqCookies = init.reqCookies;
    this.headers = init.headers;
    this.timeout = init.timeout;
    this.ssl = init.ssl;
    this.allowRedirects = init.allowRedirects;
    this.maxRedirects = init.maxRedirects;
    this.timers = init.timers;
  }
}

/**
 * An HTTP client session: make one per application (or per group of requests), send requests
 * through it, and close it (leave `.with()`) when done, which closes its pooled connections. A
 * session never closed is reported ("Unclosed client session") when its loop closes.
 * @example
 * await new ClientSession().with(async (session) => {
 *   await session.get("http://127.0.0.1:8080/").with(async (resp) => {
 *     console.log(resp.status, await resp.text());
 *   });
 * });
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.ClientSession
 */
export class ClientSession {
  readonly #baseUrl: URL | null;
  #connector: TCPConnector | null;
  readonly #connectorOwner: boolean;
  readonly #headers: CIMultiDictProxy;
  readonly #auth: BasicAuth | null;
  readonly #jsonSerialize: (value: unknown) => string;
  readonly #cookieJar: AbstractCookieJar;
  readonly #raiseForStatus: RaiseForStatus;
  readonly #timeout: ClientTimeout;
  readonly #autoDecompress: boolean;
  #loop: BaseEventLoop | null = null;
  #unhook: (() => void) | null = null;

  constructor({
    baseUrl = null,
    connector = null,
    connectorOwner = true,
    cookies = null,
    headers = null,
    auth = null,
    jsonSerialize = JSON.stringify,
    cookieJar = null,
    raiseForStatus = false,
    timeout = DEFAULT_TIMEOUT,
    autoDecompress = true,
  }: ClientSessionOptions = {}) {
    if (baseUrl === null) {
      this.#baseUrl = null;
    } else {
      let u: URL;
      try {
        u = new URL(baseUrl);
      } catch (e) {
        throw new InvalidURL(baseUrl, { cause: e });
      }
      if (u.pathname !== "/" || u.search !== "" || u.hash !== "") {
        throw new RangeError("Only absolute URLs without path part are supported");
      }
      this.#baseUrl = u;
    }
    if (connector !== null && !(connector instanceof TCPConnector)) {
      throw new TypeError(`connector must be a TCPConnector, got ${inspect(connector)}`);
    }
    if (connector?.closed === true)
      throw new RuntimeError("Session and connector has to use same event loop");
    if (!(timeout instanceof ClientTimeout)) {
      throw new TypeError(
        `timeout parameter cannot be of ${typeof timeout} type, please use 'timeout=ClientTimeout(...)'`,
      );
    }
    this.#connector = connector ?? new TCPConnector();
    this.#connectorOwner = connectorOwner;
    this.#headers = new CIMultiDictProxy(headers);
    for (const [k, v] of this.#headers.items()) checkHeader(k, v);
    this.#auth = auth;
    this.#jsonSerialize = jsonSerialize;
    this.#cookieJar = cookieJar ?? new CookieJar();
    if (cookies !== null) this.#cookieJar.updateCookies(cookies);
    this.#raiseForStatus = raiseForStatus;
    this.#timeout = timeout;
    this.#autoDecompress = autoDecompress;
    const running = peekRunningLoop();
    if (running !== null) this.#bind(running);
  }

  /** True once `close()` was called (or the connector was closed). */
  get closed(): boolean {
    return this.#connector === null || this.#connector.closed;
  }

  /** The connector (null once closed). */
  get connector(): TCPConnector | null {
    return this.#connector;
  }

  /** The cookie jar. */
  get cookieJar(): AbstractCookieJar {
    return this.#cookieJar;
  }

  /** The default headers. */
  get headers(): CIMultiDictProxy {
    return this.#headers;
  }

  /** The default timeouts. */
  get timeout(): ClientTimeout {
    return this.#timeout;
  }

  /** The default authentication. */
  get auth(): BasicAuth | null {
    return this.#auth;
  }

  /** Whether closing the session closes the connector. */
  get connectorOwner(): boolean {
    return this.#connectorOwner;
  }

  #bind(loop: BaseEventLoop): void {
    if (this.#loop !== null) return;
    this.#loop = loop;
    // aiohttp reports a session collected unclosed through the loop's exception handler; here
    // the loop's close is the latest moment, and what it still holds is closed then.
    this.#unhook = addCloseHook(loop, () => {
      this.#unhook = null;
      if (this.closed) return;
      loop.callExceptionHandler({ message: "Unclosed client session", client_session: this });
      const connector = this.#connector;
      this.#connector = null;
      if (connector !== null && this.#connectorOwner) void connector._closeNow();
    });
  }

  /** Send a GET request. */
  get(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("GET", url, options);
  }
  /** Send a POST request. */
  post(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("POST", url, options);
  }
  /** Send a PUT request. */
  put(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("PUT", url, options);
  }
  /** Send a PATCH request. */
  patch(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("PATCH", url, options);
  }
  /** Send a DELETE request. */
  delete(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("DELETE", url, options);
  }
  /** Send a HEAD request (redirects are not followed unless `allowRedirects` is true). */
  head(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("HEAD", url, { allowRedirects: false, ...options });
  }
  /** Send an OPTIONS request. */
  options(url: string | URL, options: RequestOptions = {}): RequestContextManager {
    return this.request("OPTIONS", url, options);
  }

  /**
   * Send a request; the returned awaitable starts nothing until awaited (or wrapped in a task)
   * and gives the response once its head has arrived. Cancelling the task awaiting it (or reading
   * the body) aborts the request at once: the connection is closed and its pool slot freed.
   * @throws {InvalidURL} for a URL without a host, or not http(s).
   * @throws {RangeError} `data and json parameters can not be used at the same time`.
   * @throws {RuntimeError} `Session is closed`.
   */
  request(method: string, url: string | URL, options: RequestOptions = {}): RequestContextManager {
    if (typeof method !== "string" || !METHOD_RE.test(method)) {
      throw new RangeError(`method must be an HTTP token such as "GET", got ${inspect(method)}`);
    }
    const coro = libraryCoroutine<ClientResponse>("ClientSession._request", this, this.#request, null, [
      method.toUpperCase(),
      url,
      options,
    ]) as RequestContextManager;
    coro.with = requestWith;
    return coro;
  }

  #buildUrl(strOrUrl: string | URL): URL {
    if (!(typeof strOrUrl === "string" || strOrUrl instanceof URL)) {
      throw new TypeError(`url must be a string or a URL, got ${inspect(strOrUrl)}`);
    }
    try {
      if (this.#baseUrl === null) return new URL(strOrUrl);
      const s = String(strOrUrl);
      if (!s.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(s)) {
        throw new RangeError("with baseUrl, request URLs must be paths starting with /");
      }
      return new URL(s, this.#baseUrl);
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw new InvalidURL(strOrUrl, { cause: e });
    }
  }

  #prepareHeaders(headers: MultiDictInit | null | undefined): CIMultiDict {
    const result = new CIMultiDict(this.#headers);
    if (headers === null || headers === undefined) return result;
    const given = new CIMultiDict(headers);
    const seen = new Set<string>();
    for (const [k, v] of given.items()) {
      checkHeader(k, v);
      const lk = k.toLowerCase();
      if (seen.has(lk)) result.add(k, v);
      else {
        seen.add(lk);
        result.set(k, v);
      }
    }
    return result;
  }

  // A request is a small async driver around synchronous steps (`#prepare`, `#hop`, `#exchange`,
  // `#response`): V8 optimizes those as plain functions, where one large async function with a
  // loop stayed in its baseline tiers (it cost a third of the layer's time per request).
  async #request(method: string, strOrUrl: string | URL, options: RequestOptions): Promise<ClientResponse> {
    const st = this.#prepare(method, strOrUrl, options);
    const timers = st.timers;
    try {
      for (;;) {
        const waiter = this.#hop(st);
        if (waiter !== null) {
          timers.waiting = waiter;
          try {
            await waiter;
          } finally {
            timers.waiting = null;
          }
        }
        const exchange = this.#exchange(st);
        let head;
        try {
          exchange.start();
          timers.waiting = exchange.head;
          head = await exchange.head;
        } catch (e) {
          exchange.abort(e instanceof Error ? e : new Error(String(e)));
          throw e;
        } finally {
          timers.waiting = null;
        }
        const resp = this.#response(st, exchange, head);
        if (resp === null) continue;
        const raiseForStatus = options.raiseForStatus ?? this.#raiseForStatus;
        if (raiseForStatus === true) resp.raiseForStatus();
        else if (typeof raiseForStatus === "function") await raiseForStatus(resp);
        timers.finishIfDone();
        return resp;
      }
    } catch (e) {
      timers.finish();
      throw e;
    }
  }

  /** Check a request's options and make its state. */
  #prepare(method: string, strOrUrl: string | URL, options: RequestOptions): RequestState {
    if (this.closed) throw new RuntimeError("Session is closed");
    const connector = this.#connector;
    if (connector === null) throw new RuntimeError("Session is closed");
    const loop = getRunningLoop();
    this.#bind(loop);
    const { data = null, json, allowRedirects = true, maxRedirects = 10 } = options;
    if (data !== null && json !== undefined) {
      throw new RangeError("data and json parameters can not be used at the same time");
    }
    if (!Number.isInteger(maxRedirects) || maxRedirects < 0) {
      throw new RangeError(`maxRedirects must be a non-negative integer, got ${inspect(maxRedirects)}`);
    }
    const ssl = options.ssl ?? null;
    if (ssl !== null) checkSsl(ssl);
    const timeout = realTimeout(options.timeout, this.#timeout);
    const headers = this.#prepareHeaders(options.headers);
    const url = this.#buildUrl(strOrUrl);
    const body = encodeBody(data, json, this.#jsonSerialize);
    // Made last: nothing above may throw once the total timer runs.
    const timers = new RequestTimers(loop, timeout.total);
    return new RequestState({
      loop,
      connector,
      method,
      url,
      params: options.params ?? null,
      body,
      auth: options.auth ?? null,
      reqCookies: options.cookies ?? null,
      headers,
      timeout,
      ssl,
      allowRedirects,
      maxRedirects,
      timers,
    });
  }

  /**
   * Make the next hop's request (URL, headers, cookies) and ask the connector for a slot: the
   * future to await for one, or null when it was taken at once.
   */
  #hop(st: RequestState): Future<null> | null {
    let url = st.url;
    const headers = st.headers;
    const fromUrl = BasicAuth.fromUrl(url);
    if (fromUrl !== null) {
      url = new URL(url);
      url.username = "";
      url.password = "";
      st.url = url;
    }
    if (st.auth !== null && fromUrl !== null) {
      throw new RangeError("Cannot combine AUTH argument with credentials encoded in URL");
    }
    const auth = (st.auth ??= fromUrl ?? this.#auth);
    if (auth !== null && headers.has("Authorization")) {
      throw new RangeError(
        "Cannot combine AUTHORIZATION header with AUTH argument or credentials encoded in URL",
      );
    }
    const reqUrl = withParams(url, st.params);
    if ((reqUrl.protocol !== "http:" && reqUrl.protocol !== "https:") || reqUrl.hostname === "") {
      throw new InvalidURL(reqUrl);
    }
    const sent = new CIMultiDict(headers);
    sent.setdefault("Accept", "*/*");
    if (this.#autoDecompress) sent.setdefault("Accept-Encoding", "gzip, deflate, br");
    sent.setdefault("User-Agent", USER_AGENT);
    const cookies = this.#cookieJar.filterCookies(reqUrl);
    if (st.reqCookies !== null) {
      const tmp = new CookieJar();
      tmp.updateCookies(st.reqCookies);
      for (const [k, v] of tmp.filterCookies(reqUrl)) cookies.set(k, v);
    }
    if (cookies.size > 0) {
      const cookieHeader = [...cookies].map(([k, v]) => `${k}=${v}`).join("; ");
      const prior = sent.get("Cookie");
      sent.set("Cookie", prior === null ? cookieHeader : `${prior}; ${cookieHeader}`);
    }
    if (auth !== null) sent.set("Authorization", auth.encode());
    const body = st.body;
    if (body !== null && body.contentType !== null) sent.setdefault("Content-Type", body.contentType);
    st.reqUrl = reqUrl;
    st.sent = sent;
    st.requestInfo = { url: reqUrl, method: st.method, headers: sent, realUrl: reqUrl };

    // A pool slot, then the exchange; the connect timeout covers both.
    st.timers.armConnect(st.timeout.connect, reqUrl);
    st.key = reqUrl.origin;
    return st.connector._acquire(st.loop, st.key);
  }

  /** The exchange of this hop (a slot is held), not started. */
  #exchange(st: RequestState): Exchange {
    const reqUrl = st.reqUrl as URL;
    const connector = st.connector;
    const timers = st.timers;
    const port = reqUrl.port === "" ? (reqUrl.protocol === "https:" ? 443 : 80) : Number(reqUrl.port);
    const exchange = new Exchange({
      loop: st.loop,
      connector,
      key: st.key,
      dispatcher: connector._dispatcher(st.ssl),
      options: {
        origin: st.key,
        path: reqUrl.pathname + reqUrl.search,
        method: st.method,
        headers: (st.sent as CIMultiDict)._flat(),
        body: st.body?.body ?? null,
        reset: connector.forceClose,
      },
      sockRead: st.timeout.sockRead,
      sockConnect: st.timeout.sockConnect,
      decompress: this.#autoDecompress,
      host: unbracket(reqUrl.hostname),
      port,
      ssl: sslLabel(st.ssl ?? connector.ssl),
      url: reqUrl.href,
      timers,
    });
    timers.exchange = exchange;
    return exchange;
  }

  /** The response of this hop: returned, or null when a redirect is to be followed. */
  #response(st: RequestState, exchange: Exchange, head: ResponseHead): ClientResponse | null {
    st.timers.connected();
    const reqUrl = st.reqUrl as URL;
    const setCookies = new Map<string, Morsel>();
    if (head.parsed["set-cookie"] !== undefined) {
      const now = Date.now();
      for (const v of parsedValues(head, "set-cookie")) {
        const morsel = parseSetCookie(v, now);
        if (morsel !== null) setCookies.set(morsel.key, morsel);
      }
    }
    const resp = new newClientResponse(
      st.method,
      reqUrl,
      head,
      st.requestInfo as RequestInfo,
      exchange,
      setCookies,
    );
    if (setCookies.size > 0) this.#cookieJar.updateCookies(setCookies.values(), reqUrl);

    if (st.allowRedirects && REDIRECTS.has(resp.status)) {
      const history = st.history;
      history.push(resp);
      if (st.maxRedirects > 0 && history.length >= st.maxRedirects) {
        resp.close();
        const first = history[0] ?? resp;
        throw new TooManyRedirects(first.requestInfo, [...history]);
      }
      // For 301 and 302, mimic browsers: a POST becomes a GET (RFC 7231 6.4.2, 6.4.3).
      if (
        (resp.status === 303 && st.method !== "HEAD") ||
        ((resp.status === 301 || resp.status === 302) && st.method === "POST")
      ) {
        st.method = "GET";
        st.body = null;
        st.headers.delete("Content-Length");
      }
      const location = resp.headers.get("Location") ?? resp.headers.get("URI");
      if (location !== null) {
        resp.release();
        const url = st.url;
        let next: URL;
        try {
          next = new URL(location, url);
        } catch (e) {
          throw new InvalidURL(location, { cause: e });
        }
        if (next.protocol !== "http:" && next.protocol !== "https:") {
          resp.close();
          throw new RangeError("Can redirect only to http or https");
        }
        if (next.origin !== url.origin) {
          st.auth = null;
          st.reqCookies = null;
          st.headers.delete("Authorization");
          st.headers.delete("Cookie");
        }
        st.url = next;
        st.params = null;
        return null;
      }
    }
    resp._setHistory(st.history);
    return resp;
  }

  /**
   * Close the session: with its connector (if the session owns it), every pooled connection,
   * in use or idle, is closed.
   * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.ClientSession.close
   */
  close(): Coroutine<void> {
    return libraryCoroutine("ClientSession.close", this, this.#close);
  }

  async #close(): Promise<void> {
    const connector = this.#connector;
    if (connector === null) return;
    this.#connector = null;
    this.#unhook?.();
    this.#unhook = null;
    if (this.#connectorOwner && !connector.closed) await connector._closeNow();
  }

  /**
   * Detach the connector: the session is closed, the connector stays open (its owner closes it).
   */
  detach(): void {
    this.#connector = null;
    this.#unhook?.();
    this.#unhook = null;
  }

  /** Run `body(this)`, then close the session (Python's `async with ClientSession() as session:`). */
  with<R>(body: (session: this) => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function") {
      throw new TypeError("with() needs a function: session.with(async (session) => ...)");
    }
    return libraryCoroutine("ClientSession.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (session: this) => R | PromiseLike<R>): Promise<R> {
    try {
      return await body(this);
    } finally {
      await this.close();
    }
  }

  /** `await using session = new ClientSession()`: close on scope exit. */
  [Symbol.asyncDispose](): Coroutine<void> {
    return this.close();
  }

  toString(): string {
    return this[inspect.custom]();
  }

  [inspect.custom](): string {
    return `<ClientSession${this.closed ? " closed" : ""}>`;
  }
}

function checkHeader(name: string, value: string): void {
  validateHeaderName(name);
  validateHeaderValue(name, value);
}

function realTimeout(
  given: ClientTimeout | number | null | undefined,
  fallback: ClientTimeout,
): ClientTimeout {
  if (given === undefined) return fallback;
  if (given === null) return new ClientTimeout();
  if (given instanceof ClientTimeout) return given;
  if (typeof given === "number") return new ClientTimeout({ total: given });
  throw new TypeError(`timeout must be a ClientTimeout or a number of seconds, got ${inspect(given)}`);
}

function paramValue(key: string, value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  throw new TypeError(
    `Invalid variable type: value should be str, int or float, got ${inspect(value)} of type ${typeof value} (key ${inspect(key)})`,
  );
}

/** The pairs of a params or form object. */
function pairsOf(init: Exclude<Params, string>): [string, string][] {
  const out: [string, string][] = [];
  if (init instanceof URLSearchParams) {
    for (const [k, v] of init) out.push([k, v]);
    return out;
  }
  if (Symbol.iterator in init) {
    for (const pair of init as Iterable<readonly [string, unknown]>) {
      if (!Array.isArray(pair) || (pair as unknown[]).length !== 2 || typeof pair[0] !== "string") {
        throw new TypeError(`expected [key, value] pairs, got ${inspect(pair)}`);
      }
      out.push([pair[0], paramValue(pair[0], pair[1])]);
    }
    return out;
  }
  for (const [k, v] of Object.entries(init as Record<string, unknown>)) {
    if (Array.isArray(v)) for (const item of v as unknown[]) out.push([k, paramValue(k, item)]);
    else out.push([k, paramValue(k, v)]);
  }
  return out;
}

function withParams(url: URL, params: Params | null): URL {
  if (params === null) return url;
  const out = new URL(url);
  if (typeof params === "string") {
    out.search = out.search === "" ? params : `${out.search}&${params.replace(/^\?/, "")}`;
    return out;
  }
  for (const [k, v] of pairsOf(params)) out.searchParams.append(k, v);
  return out;
}

interface EncodedBody {
  body: string | Buffer | Readable;
  contentType: string | null;
}

function encodeBody(
  data: RequestData | null,
  json: unknown,
  serialize: (value: unknown) => string,
): EncodedBody | null {
  if (json !== undefined) return { body: serialize(json), contentType: "application/json" };
  if (data === null) return null;
  if (typeof data === "string") return { body: data, contentType: "text/plain; charset=utf-8" };
  if (data instanceof Uint8Array) {
    return {
      body: Buffer.from(data.buffer, data.byteOffset, data.byteLength),
      contentType: "application/octet-stream",
    };
  }
  if (data instanceof Readable) return { body: data, contentType: "application/octet-stream" };
  if (typeof data === "object" && Symbol.asyncIterator in data) {
    return {
      body: Readable.from(data as AsyncIterable<Uint8Array>, { objectMode: false }),
      contentType: "application/octet-stream",
    };
  }
  if (typeof data === "object") {
    const form = new URLSearchParams(pairsOf(data as Exclude<Params, string>));
    return { body: form.toString(), contentType: "application/x-www-form-urlencoded" };
  }
  throw new TypeError(
    `data must be a string, bytes, an object or pairs (form-encoded), URLSearchParams or an async iterable of bytes, got ${inspect(data)}`,
  );
}

/** A hostname without the brackets of an IPv6 literal. */
function unbracket(hostname: string): string {
  return hostname.charCodeAt(0) === 91 ? hostname.slice(1, -1) : hostname;
}

/** `session.get(url).with(body)`: await the response, run `body(resp)`, release the response. */
function requestWith<R>(
  this: RequestContextManager,
  body: (resp: ClientResponse) => R | PromiseLike<R>,
): Coroutine<R> {
  if (typeof body !== "function") {
    this.close();
    throw new TypeError("with() needs a function: session.get(url).with(async (resp) => ...)");
  }
  return libraryCoroutine<R>("_RequestContextManager.with", this, withResponse, null, [body]);
}

async function withResponse<R>(
  this: RequestContextManager,
  body: (resp: ClientResponse) => R | PromiseLike<R>,
): Promise<R> {
  const resp = await this;
  try {
    return await body(resp);
  } finally {
    resp.release();
  }
}
