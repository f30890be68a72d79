/**
 * One request and its response on undici (an undici dispatch handler): the response head settles a
 * future of the loop, the body feeds the response's {@link HttpContent} with back-pressure (undici's
 * parser is paused while the reader's buffer is over its high-water mark), gzip, deflate and br
 * bodies are decoded on the way, and `abort()` ends it at once: undici destroys the socket of a
 * request already written, so the server sees the connection close.
 * @internal
 * @module
 */
import { Buffer } from "node:buffer";
import zlib from "node:zlib";
import type { Agent, Dispatcher } from "undici";
import type { BaseEventLoop } from "../base-events.ts";
import type { TimerHandle } from "../events.ts";
import type { Future } from "../futures.ts";
import { StreamReader } from "../streams.ts";
import type { TCPConnector } from "./connector.ts";
import {
  ClientConnectionError,
  ClientConnectorCertificateError,
  ClientConnectorError,
  ClientOSError,
  ClientPayloadError,
  ClientSSLError,
  ServerDisconnectedError,
  ServerTimeoutError,
} from "./errors.ts";

/** aiohttp's default read buffer: the reader pauses the socket past 2 × this many bytes. */
const READ_BUFSIZE = 2 ** 16;

/**
 * A response body as a stream (aiohttp's `StreamReader` for payloads): asyncio's StreamReader
 * (`read(n)`, `readline()`, `readexactly(n)`, `readuntil()`, `for await` by line) plus aiohttp's
 * `readany()`, `iterChunked(n)`, `iterAny()`, `isEof()` and `totalBytes`. While more than 128 KiB
 * wait unread, undici stops reading the socket.
 * @see https://docs.aiohttp.org/en/v3.8.4/streams.html
 */
export class HttpContent extends StreamReader {
  #total = 0;
  #eofFed = false;

  /** @internal */
  constructor() {
    super(READ_BUFSIZE);
  }

  /** How many body bytes (decoded) have arrived so far. */
  get totalBytes(): number {
    return this.#total;
  }

  /** Whether the whole body has arrived (some of it may still be unread). */
  isEof(): boolean {
    return this.#eofFed;
  }

  /** @internal */
  _push(chunk: Buffer): void {
    if (this.#eofFed || chunk.length === 0) return;
    this.#total += chunk.length;
    this._feedChunk(chunk);
  }

  /** @internal */
  _end(): void {
    if (this.#eofFed) return;
    this.#eofFed = true;
    this.feedEof();
  }

  /** Read what is buffered (waiting for some if nothing is), up to the whole buffer. */
  readany(): ReturnType<StreamReader["read"]> {
    return this.read(2 ** 31 - 1);
  }

  /** Iterate over the body in pieces of at most `n` bytes, as they arrive. */
  async *iterChunked(n: number): AsyncGenerator<Buffer, void, undefined> {
    if (!(Number.isInteger(n) && n > 0))
      throw new RangeError(`n must be a positive integer, got ${String(n)}`);
    for (;;) {
      const chunk = await this.read(n);
      if (chunk.length === 0) return;
      yield chunk;
    }
  }

  /** Iterate over the body in pieces as they arrive (whatever is buffered each time). */
  async *iterAny(): AsyncGenerator<Buffer, void, undefined> {
    for (;;) {
      const chunk = await this.readany();
      if (chunk.length === 0) return;
      yield chunk;
    }
  }
}

/** The status line and headers of a response. @internal */
export interface ResponseHead {
  status: number;
  reason: string;
  /** The headers as received: `[name, value, name, value, ...]` (names in their case). */
  raw: readonly (Buffer | string)[] | Record<string, string | string[] | undefined>;
  /** undici's parse: lowercased names, repeated ones as arrays. */
  parsed: Record<string, string | string[] | undefined>;
}

/** The `[name, value]` pairs of a response head, names in the case they were sent. @internal */
export function headPairs(head: ResponseHead): [string, string][] {
  const raw = head.raw;
  const pairs: [string, string][] = [];
  if (Array.isArray(raw)) {
    const flat = raw as readonly (Buffer | string)[];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([String(flat[i]), String(flat[i + 1])]);
    return pairs;
  }
  for (const [k, v] of Object.entries(raw as Record<string, string | string[] | undefined>)) {
    if (Array.isArray(v)) for (const item of v) pairs.push([k, item]);
    else if (v !== undefined) pairs.push([k, v]);
  }
  return pairs;
}

/** The values of a header in undici's parse (lowercased name). @internal */
export function parsedValues(head: ResponseHead, name: string): readonly string[] {
  const v = head.parsed[name];
  return v === undefined ? [] : typeof v === "string" ? [v] : v;
}

/** What an exchange tells its request's timers. @internal */
export interface ExchangeTimers {
  /** undici has a connection for the request: the connect phase is over. */
  connected(): void;
  /** Called once when the exchange is over (body read, released, failed). */
  exchangeFinished(exchange: Exchange): void;
}

/** What an exchange needs to know. @internal */
export interface ExchangeParams {
  loop: BaseEventLoop;
  connector: TCPConnector;
  /** The connector's slot key (the origin). */
  key: string;
  dispatcher: Agent;
  options: Dispatcher.DispatchOptions;
  /** Seconds; null: none. */
  sockRead: number | null;
  /** Seconds; null: none. */
  sockConnect: number | null;
  /** Decode gzip, deflate and br bodies. */
  decompress: boolean;
  /** For ClientConnectorError: host, port and the TLS label. */
  host: string;
  port: number;
  ssl: unknown;
  url: string;
  /** The request's timers: told when the connect phase is over, and when the exchange is. */
  timers: ExchangeTimers;
}

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | zlib.BrotliDecompress;

const HEAD = 0;
const BODY = 1;
const DONE = 2;

/** @internal */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly head: Future<ResponseHead>;
  readonly content = new HttpContent();
  readonly #p: ExchangeParams;
  #state = HEAD;
  #controller: Dispatcher.DispatchController | null = null;
  #abortReason: Error | null = null;
  #slotHeld = true;
  #decoder: Decoder | null = null;
  #encoding: string | null = null;
  #paused = false;
  #watchdog: TimerHandle | null = null;
  #lastActivity = 0;
  #connectTimer: TimerHandle | null = null;

  constructor(params: ExchangeParams) {
    this.#p = params;
    this.head = params.loop.createFuture<ResponseHead>();
    this.content._setTransport({
      pauseReading: () => {
        this.#paused = true;
        this.#stopWatchdog();
        this.#decoder?.pause();
        this.#controller?.pause();
      },
      resumeReading: () => {
        this.#paused = false;
        this.#controller?.resume();
        this.#decoder?.resume();
        if (this.#state === BODY) this.#touch();
      },
    });
  }

  /** Whether the response has ended, failed or been aborted. */
  get finished(): boolean {
    return this.#state === DONE;
  }

  /** Hand the request to undici. */
  start(): void {
    const { sockConnect, loop } = this.#p;
    if (sockConnect !== null) {
      this.#connectTimer = loop.callLater(sockConnect, () => {
        this.#connectTimer = null;
        this.abort(new ServerTimeoutError(`Connection timeout to host ${this.#p.url}`));
      });
    }
    this.#p.dispatcher.dispatch(this.#p.options, this);
  }

  /**
   * End the exchange now with `reason`: the head's future or the body fails with it, the slot is
   * freed, and undici aborts the request (destroying its socket if it was written).
   */
  abort(reason: Error): void {
    if (this.#state === DONE) return;
    this.#abortReason ??= reason;
    this.#fail(reason);
    const controller = this.#controller;
    if (controller !== null && !controller.aborted) controller.abort(reason);
  }

  #fail(error: unknown): void {
    const state = this.#state;
    this.#state = DONE;
    if (state === HEAD) {
      if (!this.head.done()) this.head.setException(error);
    } else if (state === BODY) {
      this.content.setException(error);
    }
    this.#cleanup();
  }

  #cleanup(): void {
    this.#stopWatchdog();
    if (this.#connectTimer !== null) {
      this.#connectTimer.cancel();
      this.#connectTimer = null;
    }
    const decoder = this.#decoder;
    if (decoder !== null) {
      this.#decoder = null;
      decoder.removeAllListeners("data");
      decoder.removeAllListeners("end");
      decoder.on("error", () => undefined);
      decoder.destroy();
    }
    if (this.#slotHeld) {
      this.#slotHeld = false;
      this.#p.connector._release(this.#p.key);
      this.#p.timers.exchangeFinished(this);
    }
  }

  #touch(): void {
    const delay = this.#p.sockRead;
    if (delay === null || this.#paused) return;
    this.#lastActivity = this.#p.loop.time();
    if (this.#watchdog === null) this.#arm(delay);
  }

  #arm(delay: number): void {
    this.#watchdog = this.#p.loop.callLater(delay, () => {
      this.#watchdog = null;
      const limit = this.#p.sockRead ?? 0;
      const idle = this.#p.loop.time() - this.#lastActivity;
      // The loop's clock may run a hair early against a timer's own rounding.
      if (idle + 1e-3 < limit) this.#arm(limit - idle);
      else this.abort(new ServerTimeoutError("Timeout on reading data from socket"));
    });
  }

  #stopWatchdog(): void {
    if (this.#watchdog !== null) {
      this.#watchdog.cancel();
      this.#watchdog = null;
    }
  }

  // undici's handler interface.

  onRequestStart(controller: Dispatcher.DispatchController, _context: unknown): void {
    this.#controller = controller;
    if (this.#abortReason !== null) {
      controller.abort(this.#abortReason);
      return;
    }
    if (this.#connectTimer !== null) {
      this.#connectTimer.cancel();
      this.#connectTimer = null;
    }
    this.#p.timers.connected();
    this.#touch();
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
    statusMessage?: string,
  ): void {
    if (this.#state !== HEAD) return;
    this.#controller = controller;
    const head: ResponseHead = {
      status: statusCode,
      reason: statusMessage ?? "",
      raw: controller.rawHeaders ?? headers,
      parsed: headers,
    };
    if (this.#p.decompress) {
      const encodings = parsedValues(head, "content-encoding");
      const enc = encodings[encodings.length - 1]?.trim().toLowerCase();
      if (enc === "gzip" || enc === "x-gzip" || enc === "deflate" || enc === "br") this.#encoding = enc;
    }
    this.#state = BODY;
    this.#touch();
    this.head.setResult(head);
    if (this.#paused) controller.pause();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#state !== BODY) return;
    this.#touch();
    if (this.#encoding === null) {
      this.content._push(chunk);
      return;
    }
    const decoder = this.#decoder ?? this.#makeDecoder(chunk);
    decoder.write(chunk);
  }

  #makeDecoder(first: Buffer): Decoder {
    const enc = this.#encoding;
    const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
    const decoder =
      enc === "br"
        ? zlib.createBrotliDecompress()
        : enc === "deflate"
          ? // A zlib header's first byte has compression method 8; servers that send a raw deflate
            // stream instead are common, and aiohttp accepts them too.
            (first[0] ?? 0) % 16 === 8
            ? zlib.createInflate(flush)
            : zlib.createInflateRaw(flush)
          : zlib.createGunzip(flush);
    decoder.on("data", (data: Buffer) => {
      this.content._push(data);
    });
    decoder.on("end", () => {
      this.#finishBody();
    });
    decoder.on("error", (err) => {
      if (this.#state !== BODY) return;
      this.abort(new ClientPayloadError(`Can not decode content-encoding: ${enc ?? ""}`, { cause: err }));
    });
    if (this.#paused) decoder.pause();
    this.#decoder = decoder;
    return decoder;
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, _trailers: unknown): void {
    if (this.#state !== BODY) return;
    this.#stopWatchdog();
    const decoder = this.#decoder;
    if (decoder !== null) decoder.end();
    else this.#finishBody();
  }

  #finishBody(): void {
    if (this.#state !== BODY) return;
    this.#state = DONE;
    this.#decoder = null;
    this.content._end();
    this.#cleanup();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#state === DONE) return;
    if (this.#abortReason !== null) {
      this.#fail(this.#abortReason);
      return;
    }
    if (this.#state === HEAD) this.#fail(this.#connectionError(error));
    else this.#fail(new ClientPayloadError("Response payload is not completed", { cause: error }));
  }

  /** What aiohttp raises when no response head came: it could not connect, or lost the server. */
  #connectionError(error: Error): Error {
    const code = (error as { code?: unknown }).code;
    const started = this.#controller !== null;
    const { host, port, ssl } = this.#p;
    if (!started) {
      if (typeof code === "string" && CERT_CODES.test(code)) {
        return new ClientConnectorCertificateError(host, port, ssl, error.message, {
          cause: error,
          errno: code,
        });
      }
      if (
        code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
        (typeof code === "string" && code.startsWith("ERR_SSL"))
      ) {
        return new ClientSSLError(host, port, ssl, error.message, { cause: error, errno: code });
      }
      if (code === "UND_ERR_CONNECT_TIMEOUT") {
        return new ServerTimeoutError(`Connection timeout to host ${this.#p.url}`, { cause: error });
      }
      if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED") {
        return new ClientConnectionError("Connector is closed.", { cause: error });
      }
      return new ClientConnectorError(host, port, ssl, strerror(error, host, port), {
        cause: error,
        errno: typeof code === "string" ? code : null,
      });
    }
    if (code === "UND_ERR_SOCKET" || code === "ECONNRESET" || code === "EPIPE") {
      return new ServerDisconnectedError("Server disconnected", { cause: error });
    }
    if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED") {
      return new ClientConnectionError("Connection closed", { cause: error });
    }
    return new ClientOSError(error.message, { cause: error, errno: typeof code === "string" ? code : null });
  }
}

const CERT_CODES =
  /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|CERT_|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/;

/** The OS error text aiohttp puts in brackets: Python's `Connect call failed ('127.0.0.1', 1)`. */
function strerror(error: Error, host: string, port: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === "ECONNREFUSED") return `Connect call failed ('${host}', ${port})`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "Name or service not known";
  return error.message;
}
