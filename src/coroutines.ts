/**
 * Lazy coroutines: `coroutine(fn)` makes an async function whose call returns a `Coroutine` that
 * runs nothing until it is awaited (inline, in the awaiting task) or wrapped in a Task.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#coroutines
 * @module
 */
import { RuntimeError } from "./exceptions.ts";
import { type Future, Waiter } from "./futures.ts";
import { taskStorage } from "./internal/context.ts";
import { inspectCustom } from "./internal/repr.ts";
import { suspendedAt } from "./internal/suspended.ts";
import { kStart } from "./internal/symbols.ts";
import { trackCoroutine, untrackCoroutine } from "./debug.ts";

// A coroutine's #flags: its state in the low bits, and whether its slow path waits (WAITS).
const CREATED = 0;
const STARTED = 1;
const CLOSED = 2;
const STATE = 3;
const WAITS = 4;

const NO_ARGS: readonly unknown[] = [];

/** Debug mode only: the task each coroutine was made in, and where it was made. */
const madeInTask = new WeakMap<object, object>();
const origins = new WeakMap<object, string>();
// No lookup in `origins` until debug mode made a coroutine (its awaits are the hot path).
let originsMade = false;

/**
 * What a library coroutine's fast path returns when it cannot complete at once (the slow path,
 * an async function, then runs instead).
 * @internal
 */
export const NOT_FAST: unique symbol = Symbol("asyncio-ts.notFast");

type Impl = (...args: never[]) => unknown;

/**
 * How a waiting slow path ends its coroutine: `succeed(value)` or `fail(error)`, once, when the
 * task resumes (see {@link libraryCoroutine}'s `waits`).
 * @internal
 */
export interface Settle<T> {
  succeed(value: T): void;
  fail(error: unknown): void;
}

/** A shared, already settled promise: what a fast `then()` returns when its reaction gave nothing. */
const RESOLVED: Promise<undefined> = Promise.resolve(undefined);

/**
 * The outcome of a `then()` that settled at once: its reaction is called now (as awaiting a done
 * Future does), and what the reaction gives is passed on as a Promise's `then` would.
 */
function settleNow(
  ok: boolean,
  value: unknown,
  onFulfilled: ((value: never) => unknown) | null | undefined,
  onRejected: ((reason: unknown) => unknown) | null | undefined,
): Promise<unknown> {
  const fn = ok ? onFulfilled : onRejected;
  if (typeof fn !== "function") {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as is
    return ok ? Promise.resolve(value) : Promise.reject(value);
  }
  let r: unknown;
  try {
    r = (fn as (v: unknown) => unknown)(value);
  } catch (e) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as is
    return Promise.reject(e);
  }
  // An await's resolving function returns undefined: then nothing is allocated.
  return r === undefined ? RESOLVED : Promise.resolve(r);
}

/**
 * A coroutine object: the lazy call of an async function. Await it once, or give it to
 * `createTask`, `gather`, `ensureFuture`, `waitFor`, `run`. Every awaitable the library's own
 * async methods return (`queue.get()`, `lock.acquire()`, `asyncio.sleep(1)`, ...) is one too:
 * nothing starts until it is awaited or wrapped in a task, so `waitFor(queue.get(), 0)` never
 * registers a getter.
 *
 * **Differs from asyncio:** a plain JavaScript async function runs as soon as it is called;
 * only functions wrapped with {@link coroutine} are lazy. See docs/differences.md#lazy-coroutines.
 */
export class Coroutine<T = unknown> implements PromiseLike<T> {
  readonly #fn: Impl;
  readonly #args: readonly unknown[];
  readonly #thisArg: unknown;
  readonly #fast: Impl | null;
  readonly #name: string | null;
  // The state and WAITS in one field: every field costs each library call (issue 14).
  #flags: number;

  /**
   * Made by {@link coroutine}'s functions and the library's methods. `fast`, when given, runs
   * instead of `fn` when the coroutine is awaited or wrapped, and completes it at once unless it
   * returns {@link NOT_FAST}.
   */
  private constructor(
    fn: Impl,
    args: readonly unknown[] = NO_ARGS,
    thisArg?: unknown,
    name: string | null = null,
    fast: Impl | null = null,
    waits = false,
  ) {
    this.#fn = fn;
    this.#args = args;
    this.#thisArg = thisArg;
    this.#name = name;
    this.#fast = fast;
    this.#flags = waits ? WAITS : CREATED;
    const origin = trackCoroutine(this, Coroutine.#untracked);
    // Debug mode: where and in which task it was made (the call graph uses its origin only there).
    if (origin !== null) {
      origins.set(this, origin);
      originsMade = true;
      const task = taskStorage.getStore();
      if (task !== undefined) madeInTask.set(this, task);
    }
  }

  /**
   * The name of the coroutine (Python's `__qualname__`): the function's name, the name given to
   * {@link coroutine}, or the library method's (`Queue.get`).
   */
  get name(): string {
    const name = this.#name ?? this.#fn.name;
    return name === "" ? "<anonymous>" : name;
  }

  /** @internal Start the coroutine (it may run only once) and return its promise. */
  [kStart](): Promise<T> {
    Coroutine.#begin(this);
    let v: unknown;
    try {
      v = Coroutine.#tryFast(this);
    } catch (e) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as is
      return Promise.reject(e);
    }
    if (v !== NOT_FAST) return Promise.resolve(v as T);
    if ((this.#flags & WAITS) !== 0) {
      return new Promise<T>((resolve, reject) => {
        const settle = new Waiter(null, undefined, resolve, reject);
        try {
          Coroutine.#wait(this, settle);
        } catch (e) {
          settle.fail(e);
        }
      });
    }
    const r = this.#fn.apply(this.#thisArg, this.#args as never[]);
    if (r instanceof Promise) return r as Promise<T>;
    if (r instanceof Coroutine) return r[kStart]() as Promise<T>;
    return Promise.resolve(r as T);
  }

  static #begin(self: Coroutine): void {
    const state = self.#flags & STATE;
    if (state !== CREATED) {
      throw new RuntimeError(
        state === CLOSED ? "cannot reuse already closed coroutine" : "cannot reuse already awaited coroutine",
      );
    }
    self.#flags |= STARTED;
    untrackCoroutine(self);
  }

  /** Run a waiting slow path: `fn(settle, ...args)`. */
  static #wait(self: Coroutine, settle: Waiter): void {
    (self.#fn as (settle: Settle<unknown>, ...args: unknown[]) => void).call(
      self.#thisArg,
      settle,
      ...self.#args,
    );
  }

  /** The fast path's value, or NOT_FAST when there is none or it cannot complete at once. */
  static #tryFast(self: Coroutine): unknown {
    const fast = self.#fast;
    if (fast === null) return NOT_FAST;
    const args = self.#args;
    return args === NO_ARGS ? fast.call(self.#thisArg) : fast.apply(self.#thisArg, args as never[]);
  }

  /** Await the coroutine: runs it, once, in the caller's task. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    let r: unknown;
    const origin = originsMade ? origins.get(this) : undefined;
    if (origin !== undefined) {
      // Debug mode: made in the task that awaits it, where it was made is where that task now
      // waits (the call graph's stack of a suspended task).
      const task = taskStorage.getStore();
      if (task !== undefined && madeInTask.get(this) === task) suspendedAt.set(task, origin);
    }
    try {
      Coroutine.#begin(this);
      const v = Coroutine.#tryFast(this);
      // Completed at once: no async frame, no promise (an uncontended acquire, a non-empty get).
      if (v !== NOT_FAST) return settleNow(true, v, onFulfilled, onRejected) as Promise<R1 | R2>;
      if ((this.#flags & WAITS) !== 0) {
        // The slow path waits on a future as this task and settles when the task resumes: no
        // async frame and no promise between the future and the caller's continuation.
        const settle = new Waiter(null, undefined, onFulfilled, onRejected);
        try {
          Coroutine.#wait(this, settle);
        } catch (e) {
          settle.fail(e);
        }
        return settle as unknown as Promise<R1 | R2>;
      }
      r = this.#fn.apply(this.#thisArg, this.#args as never[]);
    } catch (e) {
      // Whatever the function threw is passed on as is, as an await would.
      return settleNow(false, e, onFulfilled, onRejected) as Promise<R1 | R2>;
    }
    // A promise, or a library awaitable (a Future, a nested coroutine): awaited here, in the
    // caller's task, so its then() sees the task and no promise hop is added.
    if (isThenable(r)) return (r as PromiseLike<T>).then(onFulfilled, onRejected) as Promise<R1 | R2>;
    return settleNow(true, r, onFulfilled, onRejected) as Promise<R1 | R2>;
  }

  /** Await the coroutine and handle a rejection, as a Promise's `catch`. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  /** Await the coroutine and run `onFinally` after it, as a Promise's `finally`. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return Promise.resolve(this.then()).finally(onFinally);
  }

  /** Close a coroutine that has not started: it will never run, and is not reported. */
  close(): void {
    if ((this.#flags & STATE) === CREATED) this.#flags |= CLOSED;
  }

  /** Whether the coroutine has started (been awaited or run by a task). */
  started(): boolean {
    return (this.#flags & STATE) === STARTED;
  }

  // The tracker's view: still waiting to be awaited, and where it was made.
  static #untracked = (coro: Coroutine): string | null =>
    (coro.#flags & STATE) === CREATED ? (origins.get(coro) ?? "") : null;

  [inspectCustom](): string {
    return `<coroutine object ${this.name}>`;
  }

  get [Symbol.toStringTag](): string {
    return "Coroutine";
  }
}

// `new Coroutine(...)`: the constructor is private, so that the published types offer none.
const newCoroutine = Coroutine as unknown as new <T>(
  fn: Impl,
  args?: readonly unknown[],
  thisArg?: unknown,
  name?: string | null,
  fast?: Impl | null,
  waits?: boolean,
) => Coroutine<T>;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/**
 * A library coroutine (`Queue.get`, `Lock.acquire`, ...): `impl` is the async method, `fast` a
 * synchronous attempt that completes the call at once or returns {@link NOT_FAST}.
 * @internal
 */
export function libraryCoroutine<T>(
  name: string,
  thisArg: unknown,
  impl: Impl,
  fast: Impl | null = null,
  args: readonly unknown[] = NO_ARGS,
): Coroutine<T> {
  return new newCoroutine<T>(impl, args, thisArg, name, fast);
}

/**
 * A library coroutine whose slow path waits without an async frame: `wait(settle, ...args)` runs
 * in the awaiting task when `fast` cannot complete, and ends the coroutine through `settle`
 * (typically from the reactions it gives {@link awaitAs}).
 * @internal
 */
export function waitingCoroutine<T>(
  name: string,
  thisArg: unknown,
  wait: (settle: Settle<T>, ...args: never[]) => void,
  fast: Impl | null,
  args: readonly unknown[] = NO_ARGS,
): Coroutine<T> {
  return new newCoroutine<T>(wait, args, thisArg, name, fast, true);
}

/**
 * Wait for `fut` as `task` (what the store of the task running the slow path was when it began):
 * `task.cancel()` then cancels `fut`, and `onDone`/`onError` run when the task resumes, where code
 * after `await fut` would. Called again from those reactions, it waits once more.
 * @internal
 */
export function awaitAs<T>(
  task: object | undefined,
  fut: Future<T>,
  onDone: (value: T) => void,
  onError: (error: unknown) => void,
): void {
  const wait = (): void => {
    void fut.then(onDone, onError);
  };
  if (taskStorage.getStore() === task) wait();
  else if (task === undefined) taskStorage.exit(wait);
  else taskStorage.run(task, wait);
}

const coroutineFunctions = new WeakSet<object>();

/**
 * Make `fn` a coroutine function: calling it returns a lazy {@link Coroutine}. Its name (what
 * task reprs and the never-awaited report print) is the function's; an arrow function passed
 * inline has none, so give one first: `coroutine("main", async () => ...)`.
 * @example
 * const main = asyncio.coroutine("main", async () => { await asyncio.sleep(1); return 42; });
 * await asyncio.run(main());
 */
export function coroutine<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
): (...args: A) => Coroutine<Awaited<R>>;
export function coroutine<A extends unknown[], R>(
  name: string,
  fn: (...args: A) => R | PromiseLike<R>,
): (...args: A) => Coroutine<Awaited<R>>;
export function coroutine<A extends unknown[], R>(
  nameOrFn: string | ((...args: A) => R | PromiseLike<R>),
  maybeFn?: (...args: A) => R | PromiseLike<R>,
): (...args: A) => Coroutine<Awaited<R>> {
  const named = typeof nameOrFn === "string";
  const fn = named ? maybeFn : nameOrFn;
  if (typeof fn !== "function") {
    throw new TypeError(
      named
        ? `coroutine(name, fn) needs a function after the name, got ${typeof fn}`
        : `coroutine() needs a function, got ${typeof fn}`,
    );
  }
  const name = named ? nameOrFn : null;
  const wrapper = function (this: unknown, ...args: A): Coroutine<Awaited<R>> {
    return new newCoroutine<Awaited<R>>(fn, args, this, name);
  };
  Object.defineProperty(wrapper, "name", { value: name ?? fn.name });
  coroutineFunctions.add(wrapper);
  return wrapper;
}

/** Return true if `obj` is a coroutine object. */
export function iscoroutine(obj: unknown): obj is Coroutine {
  return obj instanceof Coroutine;
}

/** Return true if `fn` is a coroutine function: an async function, or one made by {@link coroutine}. */
export function iscoroutinefunction(fn: unknown): boolean {
  return typeof fn === "function" && (coroutineFunctions.has(fn) || fn.constructor.name === "AsyncFunction");
}
