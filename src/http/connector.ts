/**
 * TCPConnector (aiohttp's connector.py): the connection pool of a session, on an undici `Agent`.
 * undici limits connections per origin only, so the connector counts the requests it lets through
 * itself: at most `limit` at once in all, and `limitPerHost` per host, port and scheme. A slot is
 * held from before the request is dispatched until its response is read, released or aborted.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#tcpconnector
 * @module
 */
import { inspect } from "node:util";
// The package's own file, not the bare name: Bun answers `import "undici"` with a partial built-in
// of its own (an Agent without dispatch()), and the real package works there.
import { Agent } from "undici/index.js";
import type { Coroutine } from "../coroutines.ts";
import { libraryCoroutine } from "../coroutines.ts";
import type { Future } from "../futures.ts";
import type { BaseEventLoop } from "../base-events.ts";
import type { SSLContext } from "../sslproto.ts";
import { isSecureContext } from "../sslproto.ts";
import { ClientConnectionError } from "./errors.ts";

/**
 * A request's or a connector's TLS setting: `true` or absent verifies the server's certificate
 * against Node's root certificates; `false` skips verification (aiohttp's `ssl=False`); a
 * `tls.SecureContext` or TLS options (`{ ca, cert, key, rejectUnauthorized, ... }`) set it up.
 */
export type SSLSetting = boolean | SSLContext;

/** The options of {@link TCPConnector}. */
export interface TCPConnectorOptions {
  /** The most requests in flight at once, all hosts together (default 100; 0 for no limit). */
  limit?: number;
  /** The most requests in flight at once to one host, port and scheme (default 0: no limit). */
  limitPerHost?: number;
  /** The default TLS setting of its requests (default: verify). */
  ssl?: SSLSetting;
  /** Seconds an idle connection is kept for reuse (default 15, as aiohttp). */
  keepaliveTimeout?: number;
  /** Close every connection after its response instead of keeping it for reuse (default false). */
  forceClose?: boolean;
}

interface Waiter {
  key: string;
  fut: Future<null>;
}

const DEFAULT_SSL = Symbol("default");

/**
 * The connection pool of a session: an undici `Agent` (one per TLS setting in use) whose sockets
 * are kept alive for `keepaliveTimeout` seconds, and the counting of `limit` and `limitPerHost`.
 * @example
 * const session = new ClientSession({ connector: new TCPConnector({ limit: 10, limitPerHost: 2 }) });
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.TCPConnector
 */
export class TCPConnector {
  readonly #limit: number;
  readonly #limitPerHost: number;
  readonly #ssl: SSLSetting;
  readonly #keepalive: number;
  readonly #forceClose: boolean;
  readonly #agents = new Map<unknown, Agent>();
  #acquired = 0;
  readonly #perHost = new Map<string, number>();
  #waiters: Waiter[] = [];
  #closed = false;

  /** @throws {RangeError} for a negative limit or keep-alive time. */
  constructor({
    limit = 100,
    limitPerHost = 0,
    ssl = true,
    keepaliveTimeout = 15,
    forceClose = false,
  }: TCPConnectorOptions = {}) {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`limit must be a non-negative integer, got ${inspect(limit)}`);
    }
    if (!Number.isInteger(limitPerHost) || limitPerHost < 0) {
      throw new RangeError(`limitPerHost must be a non-negative integer, got ${inspect(limitPerHost)}`);
    }
    if (!(keepaliveTimeout >= 0)) {
      throw new RangeError(
        `keepaliveTimeout must be a non-negative number of seconds, got ${inspect(keepaliveTimeout)}`,
      );
    }
    if (forceClose && keepaliveTimeout !== 15) {
      throw new RangeError("keepalive_timeout cannot be set if force_close is True");
    }
    checkSsl(ssl);
    this.#limit = limit;
    this.#limitPerHost = limitPerHost;
    this.#ssl = ssl;
    this.#keepalive = keepaliveTimeout;
    this.#forceClose = forceClose;
  }

  /** The total limit (0: none). */
  get limit(): number {
    return this.#limit;
  }

  /** The per-host limit (0: none). */
  get limitPerHost(): number {
    return this.#limitPerHost;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether connections are closed after each response. */
  get forceClose(): boolean {
    return this.#forceClose;
  }

  /** The default TLS setting. */
  get ssl(): SSLSetting {
    return this.#ssl;
  }

  /** Requests in flight now (holding a slot). @internal */
  get _acquired(): number {
    return this.#acquired;
  }

  #available(key: string): boolean {
    if (this.#limit > 0 && this.#acquired >= this.#limit) return false;
    return this.#limitPerHost === 0 || (this.#perHost.get(key) ?? 0) < this.#limitPerHost;
  }

  #take(key: string): void {
    this.#acquired++;
    // Counted per host only when there is a per-host limit to check.
    if (this.#limitPerHost > 0) this.#perHost.set(key, (this.#perHost.get(key) ?? 0) + 1);
  }

  /**
   * Take a slot for `key` now, or return the future to await for it (its result means the slot
   * was taken on the waiter's behalf; if it is cancelled, nothing was taken).
   * @internal
   */
  _acquire(loop: BaseEventLoop, key: string): Future<null> | null {
    if (this.#closed) throw new ClientConnectionError("Connector is closed.");
    // FIFO: a new request does not overtake waiting ones of the same host.
    if (this.#available(key) && !this.#waiters.some((w) => w.key === key && !w.fut.done())) {
      this.#take(key);
      return null;
    }
    const fut = loop.createFuture<null>();
    const waiter = { key, fut };
    this.#waiters.push(waiter);
    fut.addDoneCallback(() => {
      if (fut.cancelled()) this.#waiters = this.#waiters.filter((w) => w !== waiter);
    });
    return fut;
  }

  /** Give back the slot of `key` and hand it to the first waiter that may take one. @internal */
  _release(key: string): void {
    this.#acquired--;
    if (this.#limitPerHost > 0) {
      const n = (this.#perHost.get(key) ?? 1) - 1;
      if (n === 0) this.#perHost.delete(key);
      else this.#perHost.set(key, n);
    }
    if (this.#waiters.length > 0) this.#wakeup();
  }

  #wakeup(): void {
    for (let i = 0; i < this.#waiters.length;) {
      const w = this.#waiters[i];
      if (w === undefined) break;
      if (w.fut.done()) {
        this.#waiters.splice(i, 1);
        continue;
      }
      if (this.#limit > 0 && this.#acquired >= this.#limit) return;
      if (this.#available(w.key)) {
        this.#waiters.splice(i, 1);
        this.#take(w.key);
        w.fut.setResult(null);
        continue;
      }
      i++;
    }
  }

  /** The undici dispatcher for a request's TLS setting (null: the connector's). @internal */
  _dispatcher(ssl: SSLSetting | null | undefined): Agent {
    if (this.#closed) throw new ClientConnectionError("Connector is closed.");
    const setting = ssl ?? this.#ssl;
    const key = setting === true ? DEFAULT_SSL : setting;
    let agent = this.#agents.get(key);
    if (agent === undefined) {
      const connections = this.#limitPerHost > 0 ? this.#limitPerHost : this.#limit > 0 ? this.#limit : null;
      agent = new Agent({
        connections,
        keepAliveTimeout: Math.max(1, Math.round(this.#keepalive * 1000)),
        keepAliveMaxTimeout: Math.max(1, Math.round(this.#keepalive * 1000)),
        // The session's own timers (ClientTimeout) bound every phase.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: tlsOptions(setting),
      });
      this.#agents.set(key, agent);
    }
    return agent;
  }

  /**
   * Close every connection, idle or in use (requests in flight fail), and refuse new requests.
   * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.BaseConnector.close
   */
  close(): Coroutine<void> {
    return libraryCoroutine("BaseConnector.close", this, this.#close);
  }

  async #close(): Promise<void> {
    const closing = this._closeNow();
    await closing;
  }

  /** Start closing at once (for the session's close and the loop's close). @internal */
  _closeNow(): Promise<unknown> {
    this.#closed = true;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) {
      if (!w.fut.done()) w.fut.setException(new ClientConnectionError("Connector is closed."));
    }
    const agents = [...this.#agents.values()];
    this.#agents.clear();
    return Promise.all(agents.map((a) => a.destroy().catch(() => undefined)));
  }

  [inspect.custom](): string {
    return `<TCPConnector limit=${this.#limit} limitPerHost=${this.#limitPerHost}${this.#closed ? " closed" : ""}>`;
  }

  toString(): string {
    return this[inspect.custom]();
  }
}

/** Check a TLS setting. @internal */
export function checkSsl(ssl: unknown): asserts ssl is SSLSetting {
  if (typeof ssl === "boolean" || isSecureContext(ssl)) return;
  if (typeof ssl === "object" && ssl !== null) return;
  throw new TypeError(`ssl should be true, false, a tls.SecureContext or TLS options, got ${inspect(ssl)}`);
}

function tlsOptions(ssl: SSLSetting): Record<string, unknown> {
  if (ssl === true) return {};
  if (ssl === false) return { rejectUnauthorized: false };
  if (isSecureContext(ssl)) return { secureContext: ssl };
  return { ...ssl };
}

/** `"default"`, `false` or the context: how aiohttp's connector errors name the TLS setting. @internal */
export function sslLabel(ssl: SSLSetting): unknown {
  return ssl === true ? "default" : ssl;
}
