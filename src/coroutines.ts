/**
 * Lazy coroutines: `coroutine(fn)` makes an async function whose call returns a `Coroutine` that
 * runs nothing until it is awaited (inline, in the awaiting task) or wrapped in a Task.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#coroutines
 * @module
 */
import { RuntimeError } from "./exceptions.ts";
import { inspectCustom } from "./internal/repr.ts";
import { kStart } from "./internal/symbols.ts";
import { trackCoroutine, untrackCoroutine } from "./debug.ts";

const CREATED = 0;
const STARTED = 1;
const CLOSED = 2;

/**
 * A coroutine object: the lazy call of an async function. Await it once, or give it to
 * `createTask`, `gather`, `ensureFuture`, `run`.
 *
 * **Differs from asyncio:** a plain JavaScript async function runs as soon as it is called;
 * only functions wrapped with {@link coroutine} are lazy. See docs/differences.md#lazy-coroutines.
 */
export class Coroutine<T = unknown> implements PromiseLike<T> {
  readonly #fn: (...args: never[]) => unknown;
  readonly #args: readonly unknown[];
  readonly #thisArg: unknown;
  #state = CREATED;
  #tracked: boolean;

  /** @internal use {@link coroutine} */
  constructor(fn: (...args: never[]) => unknown, args: readonly unknown[], thisArg?: unknown) {
    this.#fn = fn;
    this.#args = args;
    this.#thisArg = thisArg;
    this.#tracked = trackCoroutine(this, fn.name);
  }

  /** The name of the coroutine function (Python's `__qualname__`). */
  get name(): string {
    return this.#fn.name === "" ? "<anonymous>" : this.#fn.name;
  }

  /** @internal Start the coroutine (it may run only once) and return its promise. */
  [kStart](): Promise<T> {
    if (this.#state !== CREATED) {
      throw new RuntimeError(
        this.#state === CLOSED
          ? "cannot reuse already closed coroutine"
          : "cannot reuse already awaited coroutine",
      );
    }
    this.#state = STARTED;
    if (this.#tracked) untrackCoroutine(this);
    const r = (this.#fn as (...args: unknown[]) => unknown).apply(this.#thisArg, this.#args as unknown[]);
    if (r instanceof Promise) return r as Promise<T>;
    if (r instanceof Coroutine) return r[kStart]() as Promise<T>;
    return Promise.resolve(r as T);
  }

  /** Await the coroutine: runs it, once, in the caller's task. */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    let p: Promise<T>;
    try {
      p = this[kStart]();
    } catch (e) {
      // Whatever the function threw is passed on as is, as an await would.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      p = Promise.reject(e);
    }
    return p.then(onFulfilled, onRejected);
  }

  /** Await the coroutine and handle a rejection, as a Promise's `catch`. */
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.then(undefined, onRejected);
  }

  /** Await the coroutine and run `onFinally` after it, as a Promise's `finally`. */
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onFinally);
  }

  /** Close a coroutine that has not started: it will never run. */
  close(): void {
    if (this.#state === CREATED) {
      this.#state = CLOSED;
      if (this.#tracked) untrackCoroutine(this);
    }
  }

  /** Whether the coroutine has started (been awaited or run by a task). */
  started(): boolean {
    return this.#state === STARTED;
  }

  [inspectCustom](): string {
    return `<coroutine object ${this.name}>`;
  }

  get [Symbol.toStringTag](): string {
    return "Coroutine";
  }
}

const coroutineFunctions = new WeakSet<object>();

/**
 * Make `fn` a coroutine function: calling it returns a lazy {@link Coroutine}.
 * @example
 * const main = asyncio.coroutine(async () => { await asyncio.sleep(1); return 42; });
 * await asyncio.run(main());
 */
export function coroutine<A extends unknown[], R>(
  fn: (...args: A) => R | PromiseLike<R>,
): (...args: A) => Coroutine<Awaited<R>> {
  if (typeof fn !== "function") throw new TypeError(`coroutine() needs a function, got ${typeof fn}`);
  const wrapper = function (this: unknown, ...args: A): Coroutine<Awaited<R>> {
    return new Coroutine<Awaited<R>>(fn, args, this);
  };
  Object.defineProperty(wrapper, "name", { value: fn.name });
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
