/**
 * Queues (CPython's queues.py): FIFO, priority and LIFO, bounded or not, with `join()`/`taskDone()`
 * and 3.13's `shutdown()`. A woken getter does not reserve an item; a cancelled getter never
 * consumes one.
 * @see https://docs.python.org/3.13/library/asyncio-queue.html
 * @module
 */
import {
  awaitAs,
  type Coroutine,
  libraryCoroutine,
  NOT_FAST,
  type Settle,
  waitingCoroutine,
} from "./coroutines.ts";
import { QueueEmpty, QueueFull, QueueShutDown } from "./exceptions.ts";
import { taskStorage } from "./internal/context.ts";
import type { Future } from "./futures.ts";
import { Deque } from "./internal/deque.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { Event, LoopBound } from "./locks.ts";

/** Options of the queue constructors. */
export interface QueueOptions<T> {
  /** PriorityQueue only: order items with this instead of Python's value comparison. */
  compare?: (a: T, b: T) => number;
}

function wakeupNext(waiters: Deque<Future<null>>): void {
  while (waiters.length > 0) {
    const waiter = waiters.shift();
    if (!waiter.done()) {
      waiter.setResult(null);
      break;
    }
  }
}

/**
 * A first in, first out queue. `maxsize <= 0` means unbounded; `put` waits while it is full.
 * `for await (const item of queue)` gets items until the queue is shut down and empty.
 * @see https://docs.python.org/3.13/library/asyncio-queue.html#asyncio.Queue
 */
export class Queue<T> extends LoopBound implements AsyncIterable<T> {
  readonly #maxsize: number;
  readonly #getters = new Deque<Future<null>>();
  readonly #putters = new Deque<Future<null>>();
  #unfinishedTasks = 0;
  readonly #finished = new Event();
  #isShutdown = false;

  /** @param maxsize the most items the queue holds (<= 0: no limit). */
  constructor(maxsize = 0) {
    super();
    if (typeof maxsize !== "number" || Number.isNaN(maxsize)) {
      throw new TypeError(`maxsize must be a number, got ${reprValue(maxsize)}`);
    }
    this.#maxsize = maxsize;
    this.#finished.set();
  }

  // Storage hooks: CPython's _put/_get/qsize's storage and _format's contents. They are public to
  // subclasses, as in Python, where a Queue subclass overriding _init/_put/_get is a common idiom
  // (a queue that drops duplicates, a bounded history); PriorityQueue and LifoQueue use them too.

  /**
   * Store `item` (CPython's `Queue._put`). Called by `put`/`putNowait` once there is room; a
   * subclass overrides it with `store`, `take`, `size` and `contents` together, keeping its items
   * in a field of its own. Throwing here fails that `put` and leaves the queue as it was.
   */
  protected store(item: T): void {
    this.#items.push(item);
  }
  /** Remove and return the next item (CPython's `Queue._get`); called only when `size() > 0`. */
  protected take(): T {
    return this.#items.shift();
  }
  /** How many items are stored (`qsize()`, `empty()` and `full()` read it). */
  protected size(): number {
    return this.#items.length;
  }
  /** The stored items, for `toString()` and `inspect` (CPython's `_format` shows `_queue`). */
  protected contents(): T[] {
    return [...this.#items];
  }
  readonly #items = new Deque<T>();

  /** Number of items in the queue. */
  qsize(): number {
    return this.size();
  }

  /** The most items the queue holds (0: unbounded). */
  get maxsize(): number {
    return this.#maxsize;
  }

  /** Return true if the queue is empty. */
  empty(): boolean {
    return this.size() === 0;
  }

  /** Return true if there are `maxsize` items in the queue. */
  full(): boolean {
    return this.#maxsize > 0 && this.size() >= this.#maxsize;
  }

  /**
   * Put an item, waiting while the queue is full.
   * @throws {QueueShutDown} if the queue was shut down.
   */
  put(item: T): Coroutine<void> {
    return waitingCoroutine("Queue.put", this, this.#putWait, this.#putFast, [item]);
  }

  // Room now: no wait and no async frame.
  #putFast(item: T): undefined | typeof NOT_FAST {
    if (this.full()) return NOT_FAST;
    this.putNowait(item);
    return undefined;
  }

  // CPython 3.13 Queue.put: while full, wait for a getter's wake-up (the queue is full here).
  #putWait(settle: Settle<undefined>, item: T): void {
    this.#waitWhile(
      settle,
      this.#putters,
      () => this.full(),
      () => {
        this.putNowait(item); // QueueShutDown if shut down meanwhile
        return undefined;
      },
    );
  }

  /**
   * The `while blocked(): ... await waiter` loop of CPython's put() and get(), without an async
   * frame: wait on a new future in `waiters` (as the task running this) until `blocked()` is
   * false, then settle with `finish()`. The reactions run when the task resumes, where CPython's
   * code after `await waiter` runs.
   */
  #waitWhile<R>(
    settle: Settle<R>,
    waiters: Deque<Future<null>>,
    blocked: () => boolean,
    finish: () => R,
  ): void {
    const task = taskStorage.getStore();
    const loop = this.getLoop();
    const wait = (): void => {
      if (this.#isShutdown) {
        settle.fail(new QueueShutDown());
        return;
      }
      const waiter = loop.createFuture<null>();
      waiters.push(waiter);
      awaitAs(
        task,
        waiter,
        () => {
          // Woken, but another task took the item (or the room) first: wait again.
          if (blocked()) {
            wait();
            return;
          }
          let result: R;
          try {
            result = finish();
          } catch (e) {
            settle.fail(e);
            return;
          }
          settle.succeed(result);
        },
        (e: unknown) => {
          waiter.cancel(); // in case it is not done yet
          waiters.remove(waiter);
          // Woken and then cancelled: the item (or the room) stays; pass the wake-up on.
          if (!blocked() && !waiter.cancelled()) wakeupNext(waiters);
          settle.fail(e);
        },
      );
    };
    wait();
  }

  /**
   * Put an item without waiting.
   * @throws {QueueFull} when full; {@link QueueShutDown} after shutdown.
   */
  putNowait(item: T): void {
    if (this.#isShutdown) throw new QueueShutDown();
    if (this.full()) throw new QueueFull();
    this.store(item);
    this.#unfinishedTasks++;
    this.#finished.clear();
    wakeupNext(this.#getters);
  }

  /**
   * Remove and return an item, waiting while the queue is empty.
   * @throws {QueueShutDown} once the queue is shut down and empty.
   */
  get(): Coroutine<T> {
    return waitingCoroutine("Queue.get", this, this.#getWait, this.#getFast);
  }

  #getFast(): T | typeof NOT_FAST {
    return this.empty() ? NOT_FAST : this.getNowait();
  }

  // CPython 3.13 Queue.get: while empty, wait for a putter's wake-up (the queue is empty here).
  #getWait(settle: Settle<T>): void {
    this.#waitWhile(
      settle,
      this.#getters,
      () => this.empty(),
      () => this.getNowait(),
    );
  }

  /**
   * Remove and return an item if one is there at once.
   * @throws {QueueEmpty} when empty; {@link QueueShutDown} when shut down and empty.
   */
  getNowait(): T {
    if (this.empty()) {
      if (this.#isShutdown) throw new QueueShutDown();
      throw new QueueEmpty();
    }
    const item = this.take();
    wakeupNext(this.#putters);
    return item;
  }

  /**
   * Tell the queue that an item taken with `get()` is processed; `join()` returns when every
   * item put has been.
   * @throws {RangeError} `task_done() called too many times`.
   */
  taskDone(): void {
    if (this.#unfinishedTasks <= 0) throw new RangeError("task_done() called too many times");
    this.#unfinishedTasks--;
    if (this.#unfinishedTasks === 0) this.#finished.set();
  }

  /** Wait until every item put has been taken and marked done with `taskDone()`. */
  join(): Coroutine<void> {
    return libraryCoroutine("Queue.join", this, this.#join, this.#joinFast);
  }

  #joinFast(): undefined | typeof NOT_FAST {
    return this.#unfinishedTasks > 0 ? NOT_FAST : undefined;
  }

  async #join(): Promise<void> {
    if (this.#unfinishedTasks > 0) await this.#finished.wait();
  }

  /**
   * Shut the queue down: `put` throws QueueShutDown, `get` drains what is left then throws; every
   * blocked getter and putter wakes. With `immediate`, the items left are dropped (and counted as
   * done for `join()`).
   */
  shutdown(immediate = false): void {
    this.#isShutdown = true;
    if (immediate) {
      while (!this.empty()) {
        this.take();
        if (this.#unfinishedTasks > 0) this.#unfinishedTasks--;
      }
      if (this.#unfinishedTasks === 0) this.#finished.set();
    }
    while (this.#getters.length > 0) {
      const getter = this.#getters.shift();
      if (!getter.done()) getter.setResult(null);
    }
    while (this.#putters.length > 0) {
      const putter = this.#putters.shift();
      if (!putter.done()) putter.setResult(null);
    }
  }

  /**
   * `for await (const item of queue)`: gets items until the queue is shut down and empty.
   * Call `taskDone()` for each item if you `join()`.
   * @extension
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      let item: T;
      try {
        item = await this.get();
      } catch (e) {
        if (e instanceof QueueShutDown) return;
        throw e;
      }
      yield item;
    }
  }

  override toString(): string {
    return `<${this.constructor.name} ${this.#format()}>`;
  }

  override [inspectCustom](): string {
    return this.toString();
  }

  #format(): string {
    let result = `maxsize=${itemRepr(this.#maxsize)}`;
    if (this.size() > 0) result += ` _queue=${itemRepr(this.contents())}`;
    if (this.#getters.length > 0) result += ` _getters[${this.#getters.length}]`;
    if (this.#putters.length > 0) result += ` _putters[${this.#putters.length}]`;
    if (this.#unfinishedTasks > 0) result += ` tasks=${this.#unfinishedTasks}`;
    if (this.#isShutdown) result += " shutdown";
    return result;
  }
}

/** Python's repr of a str: single quotes unless the text holds a single quote and no double one. */
function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else out += ch;
  }
  return out + quote;
}

/**
 * Python's repr of a queue item, as `str(queue)` shows it (`_queue=[1, 'a', None]`): arrays as
 * lists, numbers as ints or floats, anything else as the library's repr.
 */
function itemRepr(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(itemRepr).join(", ")}]`;
  if (typeof v === "string") return strRepr(v);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    // JS and Python agree on the shortest round-trip digits; Python pads the exponent to 2 digits.
    return String(v).replace(/e([+-])(\d)$/, (_m, sign: string, digit: string) => `e${sign}0${digit}`);
  }
  if (typeof v === "bigint") return v.toString();
  return reprValue(v);
}

function typeName(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "tuple";
  if (v === null || v === undefined) return "NoneType";
  return typeof v === "object"
    ? ((v as { constructor?: { name?: string } }).constructor?.name ?? "object")
    : typeof v;
}

/**
 * Python's str order (by code point). JavaScript's `<` compares UTF-16 code units, which puts an
 * astral character (a surrogate pair, 0xD800-0xDFFF) before U+E000-U+FFFF; remap the first
 * differing unit so that surrogates sort above them.
 */
function compareCodePoints(x: string, y: string): number {
  if (x === y) return 0;
  const n = Math.min(x.length, y.length);
  let i = 0;
  while (i < n && x.charCodeAt(i) === y.charCodeAt(i)) i++;
  if (i === n) return x.length - y.length;
  return codePointRank(x.charCodeAt(i)) - codePointRank(y.charCodeAt(i));
}

function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit >= 0xd800 ? unit + 0x2000 : unit;
}

/**
 * Compare two values as Python would: numbers (and booleans) numerically, strings by code
 * point, arrays lexicographically like tuples, bigints numerically.
 * @throws {TypeError} `'<' not supported between instances of 'str' and 'int'` for other mixes.
 */
export function pyCompare(a: unknown, b: unknown): number {
  const ta = typeof a === "boolean" ? "number" : typeof a;
  const tb = typeof b === "boolean" ? "number" : typeof b;
  if ((ta === "number" || ta === "bigint") && (tb === "number" || tb === "bigint")) {
    const x = a as number | bigint;
    const y = b as number | bigint;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ta === "string" && tb === "string") return compareCodePoints(a as string, b as string);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      // Python compares tuples element by element, using == first.
      if (a[i] === b[i]) continue;
      const c = pyCompare(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TypeError(`'<' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/**
 * A queue that returns the lowest item first (Python's heapq order): numbers, strings and arrays
 * (compared like tuples: `[priority, data]`), or any items with `options.compare`.
 * @see https://docs.python.org/3.13/library/asyncio-queue.html#asyncio.PriorityQueue
 */
export class PriorityQueue<T> extends Queue<T> {
  readonly #heap: T[] = [];
  readonly #compare: (a: T, b: T) => number;

  constructor(maxsize = 0, options?: QueueOptions<T>) {
    super(maxsize);
    this.#compare = options?.compare ?? pyCompare;
  }

  protected override store(item: T): void {
    const heap = this.#heap;
    // Find the slot first (only reads): if a comparison throws, the heap is untouched.
    let i = heap.length;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.#compare(item, heap[p] as T) >= 0) break;
      i = p;
    }
    let j = heap.length;
    heap.push(item);
    while (j > i) {
      const p = (j - 1) >> 1;
      heap[j] = heap[p] as T;
      j = p;
    }
    heap[i] = item;
  }

  // CPython 3.13 heapq.heappop/_siftup: move the smaller child up (the right one on a tie) all the
  // way down to a leaf, then let the last item bubble back up. This is not the textbook sift-down:
  // the layout it leaves (visible in str(queue)) and the order of equal items depend on it.
  // Comparisons run first, so a throwing compare leaves the heap untouched.
  protected override take(): T {
    const heap = this.#heap;
    const n = heap.length - 1;
    const last = heap[n] as T;
    if (n === 0) {
      heap.pop();
      return last;
    }
    let leaf = 0;
    for (let child = 1; child < n; child = 2 * leaf + 1) {
      const right = child + 1;
      if (right < n && !(this.#compare(heap[child] as T, heap[right] as T) < 0)) leaf = right;
      else leaf = child;
    }
    let slot = leaf;
    while (slot > 0 && this.#compare(last, heap[slot] as T) < 0) slot = (slot - 1) >> 1;
    const top = heap[0] as T;
    heap.pop();
    // Shift the path from the root down to `slot` up by one level; the path is the leaf's ancestors.
    const leafDepth = 31 - Math.clz32(leaf + 1);
    const slotDepth = 31 - Math.clz32(slot + 1);
    for (let d = 0; d < slotDepth; d++) {
      heap[((leaf + 1) >> (leafDepth - d)) - 1] = heap[((leaf + 1) >> (leafDepth - d - 1)) - 1] as T;
    }
    heap[slot] = last;
    return top;
  }

  protected override size(): number {
    return this.#heap.length;
  }

  protected override contents(): T[] {
    return [...this.#heap];
  }
}

/**
 * A queue that returns the most recently added item first.
 * @see https://docs.python.org/3.13/library/asyncio-queue.html#asyncio.LifoQueue
 */
export class LifoQueue<T> extends Queue<T> {
  readonly #stack: T[] = [];

  protected override store(item: T): void {
    this.#stack.push(item);
  }

  protected override take(): T {
    return this.#stack.pop() as T;
  }

  protected override size(): number {
    return this.#stack.length;
  }

  protected override contents(): T[] {
    return [...this.#stack];
  }
}
