/**
 * ClientResponse (aiohttp's client_reqrep.py): the status line and headers of a response, its
 * body as a stream (`content`) or read whole (`read()`, `text()`, `json()`), and the request it
 * answers (`requestInfo`).
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#response-object
 * @module
 */
import { Buffer } from "node:buffer";
import { inspect, TextDecoder } from "node:util";
import { type Coroutine, libraryCoroutine, NOT_FAST } from "../coroutines.ts";
import type { Morsel } from "./cookies.ts";
import { ClientConnectionError, ClientResponseError, ContentTypeError } from "./errors.ts";
import { type Exchange, type HttpContent, headPairs, type ResponseHead } from "./exchange.ts";
import { CIMultiDictProxy } from "./multidict.ts";

/** The request a response answers: what `ClientResponseError.requestInfo` carries. */
export interface RequestInfo {
  /** The URL requested (with the query `params` added). */
  readonly url: URL;
  /** The HTTP method. */
  readonly method: string;
  /** The headers sent (the session's and the request's; not those undici adds itself). */
  readonly headers: CIMultiDictProxy;
  /** The URL with its fragment, if it had one. */
  readonly realUrl: URL;
}

/** The options of {@link ClientResponse.json}. */
export interface JsonOptions {
  /** The text's encoding (default: the response's charset, else UTF-8). */
  encoding?: string;
  /** The parser (default `JSON.parse`). */
  loads?: (text: string) => unknown;
  /**
   * The Content-Type required (default `"application/json"`, which also accepts
   * `application/<x>+json`); null skips the check.
   */
  contentType?: string | null;
}

const JSON_RE = /^application\/(?:[\w.+-]+?\+)?json/;

/**
 * An HTTP response, returned once its status line and headers have arrived: the body is read
 * later, from `content` or by `read()`, `text()`, `json()`. Until the body has been read whole (or
 * the response released), the response holds a slot of the connector's pool; `release()` or
 * leaving `.with()` frees it, closing the connection if the body was not read to its end.
 * @example
 * await session.get(url).with(async (resp) => {
 *   console.log(resp.status, resp.headers.get("content-type"));
 *   console.log(await resp.text());
 * });
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.ClientResponse
 */
export class ClientResponse {
  /** The request's method. */
  readonly method: string;
  /** The URL of this response (after redirects, the last one). */
  readonly url: URL;
  /** The HTTP status code. */
  readonly status: number;
  /** The reason phrase (`"OK"`, `"Not Found"`). */
  readonly reason: string;
  /** The request this response answers. */
  readonly requestInfo: RequestInfo;
  /** The cookies this response set (its `Set-Cookie` headers), by name. */
  readonly cookies: ReadonlyMap<string, Morsel>;
  readonly #exchange: Exchange;
  readonly #head: ResponseHead;
  #headers: CIMultiDictProxy | null = null;
  #history: readonly ClientResponse[] = [];
  #body: Buffer | null = null;
  #closed = false;

  /** Made by the session (`newClientResponse`): the constructor is private, so the published types offer none. */
  private constructor(
    method: string,
    url: URL,
    head: ResponseHead,
    requestInfo: RequestInfo,
    exchange: Exchange,
    cookies: ReadonlyMap<string, Morsel>,
  ) {
    this.method = method;
    this.url = url;
    this.status = head.status;
    this.reason = head.reason;
    this.#head = head;
    this.requestInfo = requestInfo;
    this.#exchange = exchange;
    this.cookies = cookies;
  }

  /** The headers, case-insensitive and multi-valued, in the case the server sent them. */
  get headers(): CIMultiDictProxy {
    // Made on first use: a response read for its body alone never converts its header bytes.
    this.#headers ??= new CIMultiDictProxy(headPairs(this.#head));
    return this.#headers;
  }

  /** The body, as a stream: `read(n)`, `readline()`, `readexactly(n)`, `iterChunked(n)`, `for await` by line. */
  get content(): HttpContent {
    return this.#exchange.content;
  }

  /** The redirect responses that led to this one, oldest first. */
  get history(): readonly ClientResponse[] {
    return this.#history;
  }

  /** @internal */
  _setHistory(history: readonly ClientResponse[]): void {
    this.#history = history;
  }

  /** True if the status is below 400. */
  get ok(): boolean {
    return this.status < 400;
  }

  /** The URL with its fragment. */
  get realUrl(): URL {
    return this.requestInfo.realUrl;
  }

  /** The MIME type of Content-Type, lowercased (`application/octet-stream` without one). */
  get contentType(): string {
    const raw = this.headers.get("Content-Type");
    if (raw === null) return "application/octet-stream";
    return (raw.split(";")[0] ?? "").trim().toLowerCase();
  }

  /** The `charset` of Content-Type, or null. */
  get charset(): string | null {
    const raw = this.headers.get("Content-Type");
    if (raw === null) return null;
    for (const part of raw.split(";").slice(1)) {
      const i = part.indexOf("=");
      if (i !== -1 && part.slice(0, i).trim().toLowerCase() === "charset") {
        return part
          .slice(i + 1)
          .trim()
          .replace(/^"(.*)"$/, "$1");
      }
    }
    return null;
  }

  /** Content-Length as a number, or null. */
  get contentLength(): number | null {
    const raw = this.headers.get("Content-Length");
    return raw === null || !/^\d+$/.test(raw.trim()) ? null : Number(raw);
  }

  /** Whether the response was closed (`close()`, or `release()` before the body ended). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Raise {@link ClientResponseError} if the status is 400 or more (after releasing the response).
   * @throws {ClientResponseError} with `status`, `message` (the reason), `headers`, `requestInfo`.
   */
  raiseForStatus(): void {
    if (this.status < 400) return;
    this.release();
    throw new ClientResponseError(this.requestInfo, this.#history, {
      status: this.status,
      message: this.reason,
      headers: this.headers,
    });
  }

  /**
   * Read the whole body (kept: later calls return it again). Cancelled or failing, it closes the
   * connection.
   * @throws {ClientPayloadError} when the connection breaks before the end of the body.
   */
  read(): Coroutine<Buffer> {
    return libraryCoroutine("ClientResponse.read", this, this.#read, this.#readFast);
  }

  // The body already read, or all of it arrived: no async frame.
  #readFast(): Buffer | typeof NOT_FAST {
    if (this.#body !== null) return this.#body;
    const whole = this.#exchange.content._readRestNow();
    if (whole === NOT_FAST) return NOT_FAST;
    this.#body = whole;
    return whole;
  }

  async #read(): Promise<Buffer> {
    if (this.#body !== null) return this.#body;
    try {
      this.#body = await this.content.read();
    } catch (e) {
      this.close();
      throw e;
    }
    return this.#body;
  }

  /**
   * The encoding `text()` uses without one given: the Content-Type's charset, UTF-8 for JSON, else
   * UTF-8 (aiohttp guesses with chardet here; see docs/http.md).
   */
  getEncoding(): string {
    const charset = this.charset;
    if (charset !== null) {
      try {
        decoderFor(charset);
        return charset;
      } catch {
        // aiohttp ignores an unknown charset and falls back.
      }
    }
    return "utf-8";
  }

  /**
   * Read the body and decode it (with `encoding`, default {@link getEncoding}); invalid bytes
   * become U+FFFD.
   * @throws {RangeError} for an unknown encoding (Python's `LookupError`).
   */
  text(encoding?: string): Coroutine<string> {
    return libraryCoroutine("ClientResponse.text", this, this.#text, null, [encoding]);
  }

  async #text(encoding?: string): Promise<string> {
    const fast = this.#readFast();
    const body = fast !== NOT_FAST ? fast : await this.#read();
    return decoderFor(encoding ?? this.getEncoding())(body);
  }

  /**
   * Read the body and parse it as JSON (an empty body gives null, as aiohttp's None).
   * @throws {ContentTypeError} `Attempt to decode JSON with unexpected mimetype: text/html`.
   */
  json(options: JsonOptions = {}): Coroutine {
    return libraryCoroutine("ClientResponse.json", this, this.#json, null, [options]);
  }

  async #json({
    encoding,
    loads = JSON.parse,
    contentType = "application/json",
  }: JsonOptions): Promise<unknown> {
    const fast = this.#readFast();
    const body = fast !== NOT_FAST ? fast : await this.#read();
    if (contentType !== null) {
      const ctype = (this.headers.get("Content-Type") ?? "").toLowerCase();
      const expected = contentType === "application/json" ? JSON_RE.test(ctype) : ctype.includes(contentType);
      if (!expected) {
        throw new ContentTypeError(this.requestInfo, this.#history, {
          message: `Attempt to decode JSON with unexpected mimetype: ${ctype}`,
          headers: this.headers,
        });
      }
    }
    const text = decoderFor(encoding ?? this.getEncoding())(body).trim();
    if (text === "") return null;
    return loads(text);
  }

  /**
   * Give the connection back: kept for reuse if the body was read to its end, closed otherwise.
   * Reading `content` afterwards raises `ClientConnectionError: Connection closed`.
   */
  release(): void {
    if (this.#exchange.finished) return;
    this.#closed = true;
    this.#exchange.abort(new ClientConnectionError("Connection closed"));
  }

  /** Close the connection now, whatever was read. */
  close(): void {
    this.#closed = true;
    if (!this.#exchange.finished) this.#exchange.abort(new ClientConnectionError("Connection closed"));
  }

  /** Run `body(this)`, then release the response (Python's `async with resp:`). */
  with<R>(body: (resp: this) => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function")
      throw new TypeError("with() needs a function: resp.with(async (resp) => ...)");
    return libraryCoroutine("ClientResponse.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (resp: this) => R | PromiseLike<R>): Promise<R> {
    try {
      return await body(this);
    } finally {
      this.release();
    }
  }

  /** `using resp = await session.get(url)`: release on scope exit. */
  [Symbol.dispose](): void {
    this.release();
  }

  toString(): string {
    return this[inspect.custom]();
  }

  [inspect.custom](): string {
    return `<ClientResponse(${this.url.href}) [${this.status} ${this.reason}]>\n${String(this.headers)}\n`;
  }
}

const LATIN1 = new Set(["latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "iso_8859_1"]);

/**
 * A decoding function for a Python codec name (latin-1 is ISO 8859-1 proper, not windows-1252 as
 * TextDecoder's label would make it).
 * @throws {RangeError} `unknown encoding: x`.
 */
function decoderFor(encoding: string): (data: Buffer) => string {
  const name = encoding.trim().toLowerCase();
  if (LATIN1.has(name)) return (data) => data.toString("latin1");
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(name.replace(/_/g, "-"));
  } catch (e) {
    throw new RangeError(`unknown encoding: ${encoding}`, { cause: e });
  }
  return (data) => decoder.decode(data);
}

/**
 * `new ClientResponse(...)` for the session: the constructor is private, so that the published types
 * offer none.
 * @internal
 */
export const newClientResponse = ClientResponse as unknown as new (
  method: string,
  url: URL,
  head: ResponseHead,
  requestInfo: RequestInfo,
  exchange: Exchange,
  cookies: ReadonlyMap<string, Morsel>,
) => ClientResponse;
