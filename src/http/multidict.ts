/**
 * Case-insensitive multi-valued mappings (the `multidict` package's `CIMultiDict` and
 * `CIMultiDictProxy`), for HTTP headers: keys keep the case they were given, lookups ignore case,
 * a key may appear many times, and order is kept.
 * @see https://multidict.aio-libs.org/en/stable/multidict.html
 * @module
 */
import { inspect } from "node:util";
import { pyRepr } from "./errors.ts";

/** What a CIMultiDict is made from: another one, a plain object, a `Headers`, or pairs. */
export type MultiDictInit =
  | CIMultiDictProxy
  | Headers
  | Iterable<readonly [string, string | number]>
  | Readonly<Record<string, string | number | readonly (string | number)[]>>;

/**
 * A read-only view of a {@link CIMultiDict} (what `response.headers` is). Iterating it yields the
 * keys, as a Python mapping does; `items()` yields `[key, value]` pairs.
 * @see https://multidict.aio-libs.org/en/stable/multidict.html#cimultidictproxy
 */
export class CIMultiDictProxy implements Iterable<string> {
  /** `[key, value, lowercased key]` entries, in order. */
  protected entries_: [string, string, string][] = [];

  constructor(init?: MultiDictInit | null) {
    if (init !== undefined && init !== null) extendEntries(this.entries_, init);
  }

  /** How many `(key, value)` pairs there are (Python's `len()`). */
  get size(): number {
    return this.entries_.length;
  }

  /** The first value for `key`, or `fallback` (null unless given). */
  get(key: string): string | null;
  get<D>(key: string, fallback: D): string | D;
  get(key: string, fallback: unknown = null): unknown {
    const k = key.toLowerCase();
    for (const e of this.entries_) if (e[2] === k) return e[1];
    return fallback;
  }

  /**
   * The first value for `key`.
   * @throws {RangeError} when there is none and no fallback is given (Python's `KeyError`).
   */
  getone(key: string, ...fallback: [] | [string]): string {
    const k = key.toLowerCase();
    for (const e of this.entries_) if (e[2] === k) return e[1];
    if (fallback.length === 1) return fallback[0];
    throw new RangeError(`KeyError: ${pyRepr(key)}`);
  }

  /**
   * Every value for `key`, in order.
   * @throws {RangeError} when there is none and no fallback is given (Python's `KeyError`).
   */
  getall(key: string, ...fallback: [] | [string[]]): string[] {
    const k = key.toLowerCase();
    const out: string[] = [];
    for (const e of this.entries_) if (e[2] === k) out.push(e[1]);
    if (out.length > 0) return out;
    if (fallback.length === 1) return fallback[0];
    throw new RangeError(`KeyError: ${pyRepr(key)}`);
  }

  /** Whether `key` is present, whatever its case (Python's `key in d`). */
  has(key: string): boolean {
    const k = key.toLowerCase();
    return this.entries_.some((e) => e[2] === k);
  }

  /** The keys, one per pair, in order, with their original case. */
  keys(): string[] {
    return this.entries_.map((e) => e[0]);
  }

  /** The values, in order. */
  values(): string[] {
    return this.entries_.map((e) => e[1]);
  }

  /** The `[key, value]` pairs, in order. */
  items(): [string, string][] {
    return this.entries_.map((e) => [e[0], e[1]]);
  }

  /** The `[key, value]` pairs (as `Map` and `Headers` name it). */
  entries(): IterableIterator<[string, string]> {
    return this.items()[Symbol.iterator]();
  }

  /** The pairs as one flat array: `[k1, v1, k2, v2, ...]`. @internal */
  _flat(): string[] {
    const out: string[] = [];
    for (const e of this.entries_) out.push(e[0], e[1]);
    return out;
  }

  /** A mutable copy. */
  copy(): CIMultiDict {
    return new CIMultiDict(this);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.keys()[Symbol.iterator]();
  }

  /** The pairs as a plain object; a repeated key keeps its values joined by `, ` (as `Headers` does). */
  toJSON(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.items()) out[k] = k in out ? `${out[k] ?? ""}, ${v}` : v;
    return out;
  }

  toString(): string {
    return this[inspect.custom]();
  }

  [inspect.custom](): string {
    const body = this.entries_.map((e) => `${pyRepr(e[0])}: ${pyRepr(e[1])}`).join(", ");
    return `<${this.constructor.name}(${body})>`;
  }
}

/**
 * A case-insensitive multi-valued mapping that can be changed.
 * @see https://multidict.aio-libs.org/en/stable/multidict.html#cimultidict
 */
export class CIMultiDict extends CIMultiDictProxy {
  /** Append a `(key, value)` pair, keeping those already there. */
  add(key: string, value: string | number): void {
    this.entries_.push([key, String(value), key.toLowerCase()]);
  }

  /** Replace every value of `key` with `value` (Python's `d[key] = value`). */
  set(key: string, value: string | number): void {
    const k = key.toLowerCase();
    const i = this.entries_.findIndex((e) => e[2] === k);
    if (i === -1) {
      this.add(key, value);
      return;
    }
    this.entries_[i] = [key, String(value), k];
    this.entries_ = this.entries_.filter((e, j) => j <= i || e[2] !== k);
  }

  /** Set `key` to `value` unless present; return its first value. */
  setdefault(key: string, value: string | number): string {
    const v = this.get(key);
    if (v !== null) return v;
    this.add(key, value);
    return String(value);
  }

  /** Remove every pair of `key`; true if there was one (Python's `del d[key]`, without the KeyError). */
  delete(key: string): boolean {
    const k = key.toLowerCase();
    const n = this.entries_.length;
    this.entries_ = this.entries_.filter((e) => e[2] !== k);
    return this.entries_.length !== n;
  }

  /** Append the pairs of `other`. */
  extend(other: MultiDictInit): void {
    extendEntries(this.entries_, other);
  }

  /** Replace the values of the keys in `other` by its values (Python's `update`). */
  update(other: MultiDictInit): void {
    const fresh = new CIMultiDict(other);
    for (const key of new Set(fresh.keys().map((k) => k.toLowerCase()))) this.delete(key);
    this.extend(fresh);
  }

  /** Remove every pair. */
  clear(): void {
    this.entries_ = [];
  }
}

function extendEntries(out: [string, string, string][], init: MultiDictInit): void {
  if (Array.isArray(init)) {
    // The common case (raw response headers): pairs of strings, no checks beyond the shape.
    for (const pair of init as unknown[]) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError("headers must be a mapping or an iterable of [key, value] pairs");
      }
      const k = String(pair[0]);
      out.push([k, String(pair[1]), k.toLowerCase()]);
    }
    return;
  }
  if (init instanceof CIMultiDictProxy) {
    for (const [k, v] of init.items()) out.push([k, v, k.toLowerCase()]);
    return;
  }
  if (typeof Headers !== "undefined" && init instanceof Headers) {
    for (const [k, v] of init) out.push([k, v, k.toLowerCase()]);
    return;
  }
  if (Symbol.iterator in init) {
    for (const pair of init as Iterable<readonly [string, string | number]>) {
      if (!Array.isArray(pair) || (pair as unknown[]).length !== 2) {
        throw new TypeError("headers must be a mapping or an iterable of [key, value] pairs");
      }
      const [k, v] = pair as readonly [string, string | number];
      out.push([k, String(v), k.toLowerCase()]);
    }
    return;
  }
  const record = init as Record<string, string | number | readonly (string | number)[] | undefined>;
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined) continue;
    const values: readonly (string | number)[] = typeof v === "object" ? v : [v];
    for (const item of values) out.push([k, String(item), k.toLowerCase()]);
  }
}
