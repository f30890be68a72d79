/**
 * Cookie jars (aiohttp's `CookieJar` and `DummyCookieJar`): a session stores the cookies its
 * responses set and sends back those that match each request's host, path and scheme.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#cookiejar
 * @module
 */
import { isIP } from "node:net";
import { inspect } from "node:util";

/** One cookie and its attributes (Python's `http.cookies.Morsel`). */
export interface Morsel {
  readonly key: string;
  readonly value: string;
  /** The domain it is sent to ("" for a shared cookie, sent everywhere). */
  readonly domain: string;
  readonly path: string;
  readonly secure: boolean;
  readonly httponly: boolean;
  readonly samesite: string;
  /** When it expires, in milliseconds since the epoch, or null for a session cookie. */
  readonly expires: number | null;
}

/** What `updateCookies()` takes: name → value, or `[name, value]` pairs, or Morsels. */
export type CookiesInit = Readonly<Record<string, string>> | Iterable<readonly [string, string] | Morsel>;

/** The options of {@link CookieJar}. */
export interface CookieJarOptions {
  /**
   * Accept and send cookies for hosts given as IP addresses (default false: aiohttp ignores them,
   * so a session talking to `127.0.0.1` keeps no cookies unless the jar is `unsafe`).
   */
  unsafe?: boolean;
}

/** What a session needs of a cookie jar. */
export interface AbstractCookieJar extends Iterable<Morsel> {
  /** How many cookies it holds. */
  readonly size: number;
  /** Store `cookies`, as set by a response from `responseUrl` (none: shared cookies). */
  updateCookies(cookies: CookiesInit, responseUrl?: URL | string): void;
  /** The cookies to send to `requestUrl`: name → value. */
  filterCookies(requestUrl: URL | string): Map<string, string>;
  /** Remove the cookies `predicate` selects (all of them without one). */
  clear(predicate?: (morsel: Morsel) => boolean): void;
  /** Remove the cookies of `domain` and its subdomains. */
  clearDomain(domain: string): void;
}

/**
 * Parse one `Set-Cookie` header value into a Morsel (null if it has no `name=value`).
 * @internal
 */
export function parseSetCookie(header: string, now: number): Morsel | null {
  const parts = header.split(";");
  const first = parts.shift() ?? "";
  const eq = first.indexOf("=");
  if (eq <= 0) return null;
  const key = first.slice(0, eq).trim();
  let value = first.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (key === "") return null;
  let domain = "";
  let path = "";
  let secure = false;
  let httponly = false;
  let samesite = "";
  let expires: number | null = null;
  let maxAge: number | null = null;
  for (const part of parts) {
    const i = part.indexOf("=");
    const name = (i === -1 ? part : part.slice(0, i)).trim().toLowerCase();
    const v = i === -1 ? "" : part.slice(i + 1).trim();
    switch (name) {
      case "domain":
        domain = v.toLowerCase();
        break;
      case "path":
        path = v;
        break;
      case "secure":
        secure = true;
        break;
      case "httponly":
        httponly = true;
        break;
      case "samesite":
        samesite = v;
        break;
      case "max-age": {
        const n = Number(v);
        if (/^-?\d+$/.test(v)) maxAge = n;
        break;
      }
      case "expires": {
        const t = Date.parse(v);
        if (!Number.isNaN(t)) expires = t;
        break;
      }
      default:
        break;
    }
  }
  // Max-Age wins over Expires (RFC 6265 5.3 step 3).
  if (maxAge !== null) expires = maxAge <= 0 ? 0 : now + maxAge * 1000;
  return { key, value, domain, path, secure, httponly, samesite, expires };
}

function hostOf(url: URL | string | undefined): string {
  if (url === undefined) return "";
  const u = typeof url === "string" ? (url === "" ? null : new URL(url)) : url;
  if (u === null) return "";
  const h = u.hostname;
  return (h.startsWith("[") ? h.slice(1, -1) : h).toLowerCase();
}

/** aiohttp's `_is_domain_match`: `hostname` is `domain` or a subdomain of it (not for IPs). */
function domainMatches(domain: string, hostname: string): boolean {
  if (hostname === domain) return true;
  if (!hostname.endsWith(domain)) return false;
  const rest = hostname.slice(0, -domain.length);
  if (!rest.endsWith(".")) return false;
  return isIP(hostname) === 0;
}

/** RFC 6265 5.1.4 path-match. */
function pathMatches(reqPath: string, cookiePath: string): boolean {
  if (!reqPath.startsWith("/")) reqPath = "/";
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith("/") || reqPath[cookiePath.length] === "/";
}

/**
 * The session's default cookie store. As in aiohttp, cookies from (and to) hosts given as IP
 * addresses are ignored unless the jar is made `unsafe`.
 * @example
 * const session = new ClientSession({ cookieJar: new CookieJar({ unsafe: true }) });
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.CookieJar
 */
export class CookieJar implements AbstractCookieJar {
  readonly #unsafe: boolean;
  /** domain → name → Morsel (aiohttp 3.8 keys cookies by domain and name). */
  readonly #cookies = new Map<string, Map<string, Morsel>>();
  /** `domain\0name` of the cookies set without a Domain attribute: sent to that host only. */
  readonly #hostOnly = new Set<string>();

  constructor({ unsafe = false }: CookieJarOptions = {}) {
    this.#unsafe = unsafe;
  }

  /** Whether IP-address hosts are accepted. */
  get unsafe(): boolean {
    return this.#unsafe;
  }

  get size(): number {
    this.#expire();
    let n = 0;
    for (const m of this.#cookies.values()) n += m.size;
    return n;
  }

  *[Symbol.iterator](): Iterator<Morsel> {
    this.#expire();
    for (const m of this.#cookies.values()) yield* m.values();
  }

  #expire(): void {
    const now = Date.now();
    for (const [domain, m] of this.#cookies) {
      for (const [name, c] of m) {
        if (c.expires !== null && c.expires <= now) {
          m.delete(name);
          this.#hostOnly.delete(`${domain}\0${name}`);
        }
      }
      if (m.size === 0) this.#cookies.delete(domain);
    }
  }

  updateCookies(cookies: CookiesInit, responseUrl?: URL | string): void {
    const hostname = hostOf(responseUrl);
    if (!this.#unsafe && hostname !== "" && isIP(hostname) !== 0) return;
    const morsels: Morsel[] = [];
    if (Symbol.iterator in cookies) {
      for (const item of cookies as Iterable<readonly [string, string] | Morsel>) {
        morsels.push(Array.isArray(item) ? plain(item[0] as string, item[1] as string) : (item as Morsel));
      }
    } else {
      for (const [k, v] of Object.entries(cookies as Record<string, string>)) morsels.push(plain(k, v));
    }
    const reqPath = responseUrl === undefined || responseUrl === "" ? "/" : new URL(responseUrl).pathname;
    for (let cookie of morsels) {
      let domain = cookie.domain;
      if (domain.startsWith(".")) domain = domain.slice(1);
      if (domain.endsWith(".")) domain = "";
      if (domain === "" && hostname !== "") {
        this.#hostOnly.add(`${hostname}\0${cookie.key}`);
        domain = hostname;
      }
      if (hostname !== "" && !domainMatches(domain, hostname)) continue;
      let path = cookie.path;
      if (path === "" || !path.startsWith("/")) {
        // RFC 6265 5.1.4 default-path: the request path up to its last "/".
        const i = reqPath.lastIndexOf("/");
        path = i <= 0 ? "/" : reqPath.slice(0, i);
      }
      cookie = { ...cookie, domain, path };
      let m = this.#cookies.get(domain);
      if (m === undefined) {
        m = new Map();
        this.#cookies.set(domain, m);
      }
      m.set(cookie.key, cookie);
    }
    this.#expire();
  }

  filterCookies(requestUrl: URL | string): Map<string, string> {
    if (this.#cookies.size === 0) return new Map();
    this.#expire();
    const url = typeof requestUrl === "string" ? new URL(requestUrl) : requestUrl;
    const hostname = hostOf(url);
    const notSecure = url.protocol !== "https:" && url.protocol !== "wss:";
    const out = new Map<string, string>();
    for (const cookie of this) {
      const domain = cookie.domain;
      if (domain === "") {
        out.set(cookie.key, cookie.value);
        continue;
      }
      if (!this.#unsafe && isIP(hostname) !== 0) continue;
      if (this.#hostOnly.has(`${domain}\0${cookie.key}`)) {
        if (domain !== hostname) continue;
      } else if (!domainMatches(domain, hostname)) continue;
      if (!pathMatches(url.pathname, cookie.path)) continue;
      if (notSecure && cookie.secure) continue;
      out.set(cookie.key, cookie.value);
    }
    return out;
  }

  clear(predicate?: (morsel: Morsel) => boolean): void {
    if (predicate === undefined) {
      this.#cookies.clear();
      this.#hostOnly.clear();
      return;
    }
    for (const [domain, m] of this.#cookies) {
      for (const [name, c] of m) {
        if (predicate(c)) {
          m.delete(name);
          this.#hostOnly.delete(`${domain}\0${name}`);
        }
      }
    }
    this.#expire();
  }

  clearDomain(domain: string): void {
    this.clear((c) => domainMatches(domain, c.domain));
  }

  [inspect.custom](): string {
    return `<CookieJar ${this.size} cookies>`;
  }
}

function plain(key: string, value: string): Morsel {
  return { key, value, domain: "", path: "", secure: false, httponly: false, samesite: "", expires: null };
}

/**
 * A jar that keeps nothing: `new ClientSession({ cookieJar: new DummyCookieJar() })` turns
 * cookie handling off.
 * @see https://docs.aiohttp.org/en/v3.8.4/client_reference.html#aiohttp.DummyCookieJar
 */
export class DummyCookieJar implements AbstractCookieJar {
  get size(): number {
    return 0;
  }
  *[Symbol.iterator](): Iterator<Morsel> {
    // Empty: the jar keeps nothing.
  }
  updateCookies(_cookies: CookiesInit, _responseUrl?: URL | string): void {
    // Dropped, as aiohttp's DummyCookieJar does.
  }
  filterCookies(_requestUrl: URL | string): Map<string, string> {
    return new Map();
  }
  clear(_predicate?: (morsel: Morsel) => boolean): void {
    // Nothing to clear.
  }
  clearDomain(_domain: string): void {
    // Nothing to clear.
  }
}
