/**
 * Running tasks concurrently: gather, wait, waitFor, asCompleted, shield (CPython's tasks.py,
 * second half).
 * @see https://docs.python.org/3.13/library/asyncio-task.html#running-tasks-concurrently
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { coroutine, Coroutine, iscoroutine } from "./coroutines.ts";
import { getRunningLoop, type TimerHandle } from "./events.ts";
import { CancelledError, TimeoutError } from "./exceptions.ts";
import { Future } from "./futures.ts";
import { reprValue } from "./internal/repr.ts";
import { taskStorage } from "./internal/context.ts";
import { kAwaiter, kSetException } from "./internal/symbols.ts";
import { Waiters } from "./internal/waiters.ts";
import { ensureFuture, type TaskBody } from "./tasks.ts";
import { timeout } from "./timeouts.ts";

/** Anything the combinators accept: a Future/Task, a coroutine, a function returning an awaitable, a promise. */
export type AwaitableLike<T> = Future<T> | TaskBody<T> | PromiseLike<T>;

/** The result type of an awaitable {@link AwaitableLike}. */
export type Unwrap<A> = A extends AwaitableLike<infer T> ? T : never;
/** The result array of `gather(...aws)`: each awaitable's result, in order. */
export type GatherResults<A extends readonly unknown[]> = { -readonly [K in keyof A]: Unwrap<A[K]> };

/** Options of {@link gather}. */
export interface GatherOptions {
  /** Put exceptions in the result list instead of failing the gather on the first one. */
  returnExceptions?: boolean;
}

function isOptions(x: unknown): x is GatherOptions {
  return (
    typeof x === "object" &&
    x !== null &&
    !(x instanceof Future) &&
    !(x instanceof Coroutine) &&
    typeof (x as { then?: unknown }).then !== "function"
  );
}

/** The Future returned by {@link gather}: cancelling it cancels every child. */
export class GatheringFuture<T> extends Future<T> {
  readonly #children: Future[];
  /** @internal */
  _cancelRequested = false;

  /** Made by gather(). */
  private constructor(children: Future[], loop: BaseEventLoop) {
    super({ loop });
    this.#children = children;
  }

  override cancel(msg?: unknown): boolean {
    if (this.done()) return false;
    let ret = false;
    for (const child of this.#children) if (child.cancel(msg)) ret = true;
    // CPython: if any child accepted, the gather ends with CancelledError once they are done.
    if (ret) this._cancelRequested = true;
    return ret;
  }
}

/**
 * Run awaitables concurrently; return their results in argument order. Coroutines become tasks.
 * Without `returnExceptions` the first exception fails the gather at once (the others keep
 * running); cancelling the gather cancels every child.
 * @example const [a, b] = await asyncio.gather(fetchA(), fetchB(), { returnExceptions: true });
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.gather
 */
export function gather<A extends readonly AwaitableLike<unknown>[]>(
  ...aws: A
): GatheringFuture<GatherResults<A>>;
export function gather<A extends readonly AwaitableLike<unknown>[]>(
  ...args: [...A, GatherOptions]
): GatheringFuture<{ -readonly [K in keyof A]: Unwrap<A[K]> | Error }>;
export function gather(...args: unknown[]): GatheringFuture<unknown[]> {
  let returnExceptions = false;
  if (args.length > 0 && isOptions(args[args.length - 1])) {
    returnExceptions = (args.pop() as GatherOptions).returnExceptions === true;
  }
  return gatherArray(args, returnExceptions);
}

// `new GatheringFuture(...)`: the constructor is private, so that the published types offer none.
const newGathering = GatheringFuture as unknown as new <T>(
  children: Future[],
  loop: BaseEventLoop,
) => GatheringFuture<T>;

/**
 * @internal `gather` over an array: a spread call of hundreds of thousands of arguments
 * overflows the stack (run() gathers every task left at exit).
 */
export function gatherArray(args: readonly unknown[], returnExceptions: boolean): GatheringFuture<unknown[]> {
  if (args.length === 0) {
    const loop = getRunningLoop();
    const outer = new newGathering<unknown[]>([], loop);
    outer.setResult([]);
    return outer;
  }
  const argToFut = new Map<unknown, Future>();
  const children: Future[] = [];
  const doneFuts: Future[] = [];
  let loop: BaseEventLoop | undefined;
  let outer: GatheringFuture<unknown[]> | null = null;
  let nfuts = 0;
  let nfinished = 0;

  const onChildDone = (fut: Future): void => {
    nfinished++;
    if (outer === null || outer.done()) {
      // Mark the exception retrieved: the gather already reported its first one.
      if (!fut.cancelled()) fut.exception();
      return;
    }
    if (!returnExceptions) {
      if (fut.cancelled()) {
        outer[kSetException](cancelledErrorOf(fut));
        return;
      }
      const exc = fut.exception();
      if (exc !== null) {
        outer[kSetException](exc);
        return;
      }
    }
    if (nfinished === nfuts) {
      const results: unknown[] = [];
      for (const child of children) {
        if (child.cancelled()) {
          const msg = child._cancelMessage();
          results.push(new CancelledError(msg === undefined || msg === null ? "" : msg));
        } else {
          const exc = child.exception();
          results.push(exc === null ? child.result() : exc);
        }
      }
      if (outer._cancelRequested) outer[kSetException](cancelledErrorOf(fut));
      else outer.setResult(results);
    }
  };

  // The awaited-by graph (CPython 3.14): each pending child is awaited by the task that gathers,
  // through this callback, until it is done.
  const curTask = taskStorage.getStore();
  if (curTask !== undefined) (onChildDone as { [kAwaiter]?: object })[kAwaiter] = curTask;

  for (const arg of args) {
    let fut = argToFut.get(arg);
    if (fut === undefined) {
      fut = ensureFuture(arg as AwaitableLike<unknown>, loop === undefined ? undefined : { loop });
      loop ??= fut.getLoop();
      nfuts++;
      argToFut.set(arg, fut);
      if (fut.done()) doneFuts.push(fut);
      else fut.addDoneCallback(onChildDone);
    }
    children.push(fut);
  }
  outer = new newGathering<unknown[]>(children, loop as BaseEventLoop);
  for (const fut of doneFuts) onChildDone(fut);
  return outer;
}

/**
 * CPython's `fut._make_cancelled_error()`: the CancelledError a cancelled future raises; for a
 * future that was not cancelled (it returned or raised), a plain CancelledError().
 */
function cancelledErrorOf(fut: Future): unknown {
  if (fut.cancelled()) {
    try {
      fut.result();
    } catch (e) {
      return e;
    }
  }
  return new CancelledError();
}

/** `wait()` returns when the first awaitable finishes or is cancelled. */
export const FIRST_COMPLETED = "FIRST_COMPLETED";
/** `wait()` returns when the first awaitable raises an exception (else like ALL_COMPLETED). */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";
/** `wait()` returns when every awaitable is done. */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When `wait()` returns: {@link FIRST_COMPLETED}, {@link FIRST_EXCEPTION} or {@link ALL_COMPLETED}. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options of {@link wait}. */
export interface WaitOptions {
  /** Seconds to wait at most; the not-done futures are then returned as pending (no error). */
  timeout?: number | null;
  returnWhen?: ReturnWhen;
}

/** What `wait()` accepts: Futures and Tasks, or running promises. */
export type WaitInput<T> = Future<T> | PromiseLike<T>;
/** What `wait()` puts in its sets for an input: the Future or Task itself, or a running promise's wrapper. */
export type AsFuture<F> = F extends Future ? F : Future<Awaited<F>>;

/**
 * Wait for the Futures and Tasks in `fs` to complete, at most `timeout` seconds. Returns
 * `[done, pending]` sets of the very Futures and Tasks given. Never cancels and never throws
 * TimeoutError. Bare coroutines are refused (wrap them with `createTask`); a running promise is
 * wrapped in a Future.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.wait
 */
export const wait = coroutine(async function wait<T>(
  fs: Iterable<WaitInput<T>>,
  options?: WaitOptions,
): Promise<[Set<Future<T>>, Set<Future<T>>]> {
  if (fs instanceof Future || iscoroutine(fs)) {
    throw new TypeError(`expect a list of futures, not ${(fs as object).constructor.name}`);
  }
  // CPython fails on set(fs) here ("'int' object is not iterable"): say what to pass instead.
  if (typeof (fs as { [Symbol.iterator]?: unknown } | null)?.[Symbol.iterator] !== "function") {
    throw new TypeError(`wait() needs an iterable of tasks or futures, got ${reprValue(fs)}`);
  }
  const timeoutSec = options?.timeout ?? null;
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  const unique = new Set(fs);
  if (unique.size === 0) throw new RangeError("Set of Tasks/Futures is empty.");
  if (![FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED].includes(returnWhen)) {
    throw new RangeError(`Invalid return_when value: ${returnWhen}`);
  }
  for (const f of unique) {
    if (iscoroutine(f) || typeof f === "function") {
      throw new TypeError("Passing coroutines is forbidden, use tasks explicitly.");
    }
  }
  const loop = getRunningLoop();
  const futs = new Set<Future<T>>();
  for (const f of unique) futs.add(ensureFuture(f as AwaitableLike<T>, { loop }));
  return waitImpl(futs, timeoutSec, returnWhen, loop);
  // Typed by what is passed in: the sets hold those very objects (a Task stays that Task).
}) as <F extends WaitInput<unknown>>(
  fs: Iterable<F>,
  options?: WaitOptions,
) => Coroutine<[Set<AsFuture<F>>, Set<AsFuture<F>>]>;

async function waitImpl<T>(
  fs: Set<Future<T>>,
  timeoutSec: number | null,
  returnWhen: ReturnWhen,
  loop: BaseEventLoop,
): Promise<[Set<Future<T>>, Set<Future<T>>]> {
  const waiter = loop.createFuture<null>();
  let timeoutHandle: TimerHandle | null = null;
  if (timeoutSec !== null) timeoutHandle = loop.callLater(timeoutSec, releaseWaiter, waiter);
  let counter = fs.size;
  const onCompletion = (f: Future<T>): void => {
    counter--;
    if (
      counter <= 0 ||
      returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !f.cancelled() && f.exception() !== null)
    ) {
      timeoutHandle?.cancel();
      if (!waiter.done()) waiter.setResult(null);
    }
  };
  // The awaited-by graph (CPython 3.14): each future is awaited by the waiting task meanwhile.
  const curTask = taskStorage.getStore();
  if (curTask !== undefined) (onCompletion as { [kAwaiter]?: object })[kAwaiter] = curTask;
  for (const f of fs) f.addDoneCallback(onCompletion);
  try {
    await waiter;
  } finally {
    timeoutHandle?.cancel();
    for (const f of fs) f.removeDoneCallback(onCompletion);
  }
  const done = new Set<Future<T>>();
  const pending = new Set<Future<T>>();
  for (const f of fs) (f.done() ? done : pending).add(f);
  return [done, pending];
}

function releaseWaiter(waiter: Future<null>): void {
  if (!waiter.done()) waiter.setResult(null);
}

/**
 * Wait for one awaitable to complete, at most `timeout` seconds (null: no limit). On timeout the
 * awaitable (run as a task if needed) is cancelled and awaited, then TimeoutError is thrown; if it
 * swallowed the cancellation and returned a value, that value is returned (3.12+ semantics).
 * A running promise is wrapped: cancelling the wrapper cannot stop the promise itself.
 * @param timeout seconds (a float), or null.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.wait_for
 */
export const waitFor: <T>(aw: AwaitableLike<T>, timeout: number | null) => Coroutine<T> = coroutine(
  "wait_for",
  async function waitFor<T>(aw: AwaitableLike<T>, timeoutSec: number | null): Promise<T> {
    if (timeoutSec !== null && timeoutSec <= 0) {
      const fut = ensureFuture(aw);
      if (fut.done()) return fut.result();
      await cancelAndWait(fut);
      try {
        return fut.result();
      } catch (e) {
        if (e instanceof CancelledError) throw new TimeoutError("", { cause: e });
        throw e;
      }
    }
    // A foreign promise is wrapped so the timeout's cancel has a future of ours to reach.
    const target: PromiseLike<T> =
      aw instanceof Future || aw instanceof Coroutine || typeof aw === "function"
        ? (aw as PromiseLike<T>)
        : ensureFuture(aw);
    return timeout(timeoutSec).with(async () =>
      typeof target === "function" ? await (target as () => PromiseLike<T>)() : await target,
    );
  },
);

async function cancelAndWait(fut: Future): Promise<void> {
  const loop = getRunningLoop();
  const waiter = loop.createFuture<null>();
  const cb = (): void => {
    releaseWaiter(waiter);
  };
  fut.addDoneCallback(cb);
  try {
    fut.cancel();
    await waiter;
  } finally {
    fut.removeDoneCallback(cb);
  }
}

/** A tiny FIFO of done futures with getters, with asyncio.Queue's wake-up order. */
class DoneQueue<T> {
  readonly #items: (Future<T> | null)[] = [];
  readonly #getters = new Waiters();
  readonly #loop: BaseEventLoop;
  constructor(loop: BaseEventLoop) {
    this.#loop = loop;
  }
  put(item: Future<T> | null): void {
    this.#items.push(item);
    this.#wakeupNext();
  }

  #empty(): boolean {
    return this.#items.length === 0;
  }

  #wakeupNext(): void {
    this.#getters.wakeOne(null);
  }
  /** The next item, boxed: a Future returned from an async function would be adopted (awaited). */
  async get(): Promise<[Future<T> | null]> {
    while (this.#empty()) {
      const getter = this.#loop.createFuture<null>();
      this.#getters.add(getter);
      try {
        await getter;
      } catch (e) {
        getter.cancel(); // in case it is not done yet
        this.#getters.remove(getter);
        // CPython Queue.get: woken (not cancelled) but interrupted, pass the item on.
        if (!this.#empty() && !getter.cancelled()) this.#wakeupNext();
        throw e;
      }
    }
    return [this.#items.shift() as Future<T> | null];
  }
}

/**
 * Iterate over awaitables as they complete (CPython 3.13). `for (const next of asCompleted(aws))`
 * yields coroutines that each resolve to the next result; `for await (const task of
 * asCompleted(aws))` yields the original futures and tasks. With `timeout` (seconds), the next
 * item throws TimeoutError; unfinished awaitables are not cancelled.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.as_completed
 */
export function asCompleted<T>(
  fs: Iterable<AwaitableLike<T>>,
  options?: { timeout?: number | null },
): AsCompletedIterator<T> {
  // CPython 3.13 tasks.py as_completed: any awaitable (a promise too) is refused, with this text.
  const arg: unknown = fs;
  if (
    (typeof arg === "object" || typeof arg === "function") &&
    arg !== null &&
    typeof (arg as { then?: unknown }).then === "function"
  ) {
    throw new TypeError(`expects an iterable of awaitables, not ${(fs as object).constructor.name}`);
  }
  return new newAsCompleted(fs, options?.timeout ?? null);
}

/** What {@link asCompleted} returns: both an iterator of coroutines and an async iterator of futures. */
export class AsCompletedIterator<T> implements IterableIterator<Coroutine<T>>, AsyncIterable<Future<T>> {
  readonly #done: DoneQueue<T>;
  readonly #todo: Set<Future<T>>;
  #todoLeft: number;
  #timeoutHandle: TimerHandle | null = null;

  /** Made by asCompleted(). */
  private constructor(aws: Iterable<AwaitableLike<T>>, timeoutSec: number | null) {
    const loop = getRunningLoop();
    this.#done = new DoneQueue(loop);
    const todo = new Set<Future<T>>();
    for (const aw of new Set(aws)) todo.add(ensureFuture(aw, { loop }));
    for (const f of todo) f.addDoneCallback(this.#onCompletion);
    if (todo.size > 0 && timeoutSec !== null)
      this.#timeoutHandle = loop.callLater(timeoutSec, this.#onTimeout);
    this.#todo = todo;
    this.#todoLeft = todo.size;
  }

  readonly #onTimeout = (): void => {
    for (const f of this.#todo) {
      f.removeDoneCallback(this.#onCompletion);
      this.#done.put(null);
    }
    this.#todo.clear();
  };

  readonly #onCompletion = (f: Future<T>): void => {
    if (this.#todo.size === 0) return;
    this.#todo.delete(f);
    this.#done.put(f);
    if (this.#todo.size === 0) this.#timeoutHandle?.cancel();
  };

  readonly #waitForOne = coroutine(async (): Promise<T> => {
    const [f] = await this.#done.get();
    if (f === null) throw new TimeoutError();
    return f.result();
  });

  [Symbol.iterator](): this {
    return this;
  }

  /** The next coroutine: awaiting it gives the next result (or throws its exception). */
  next(): IteratorResult<Coroutine<T>> {
    if (this.#todoLeft === 0) return { done: true, value: undefined };
    this.#todoLeft--;
    return { done: false, value: this.#waitForOne() };
  }

  /** `for await`: yields the original futures and tasks in completion order. */
  [Symbol.asyncIterator](): AsyncIterator<Future<T>> {
    return {
      next: async (): Promise<IteratorResult<Future<T>>> => {
        if (this.#todoLeft === 0) return { done: true, value: undefined };
        this.#todoLeft--;
        const [f] = await this.#done.get();
        if (f === null) throw new TimeoutError();
        return { done: false, value: f };
      },
    };
  }
}

// `new AsCompletedIterator(...)`: the constructor is private, so that the published types offer none.
const newAsCompleted = AsCompletedIterator as unknown as new <T>(
  aws: Iterable<AwaitableLike<T>>,
  timeoutSec: number | null,
) => AsCompletedIterator<T>;

/**
 * Protect an awaitable from being cancelled: cancelling the awaiting task cancels only the
 * returned outer future; the inner one keeps running. Cancelling the inner cancels the outer.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.shield
 */
export function shield<T>(arg: AwaitableLike<T>): Future<T> {
  const inner = ensureFuture(arg);
  if (inner.done()) return inner;
  const loop = inner.getLoop();
  const outer = loop.createFuture<T>();
  const onInnerDone = (f: Future<T>): void => {
    if (outer.cancelled()) {
      if (!f.cancelled()) f.exception(); // mark the result retrieved
      return;
    }
    if (f.cancelled()) outer.cancel();
    else {
      const exc = f.exception();
      if (exc !== null) outer.setException(exc);
      else outer.setResult(f.result());
    }
  };
  const onOuterDone = (): void => {
    if (!inner.done()) inner.removeDoneCallback(onInnerDone);
  };
  // The awaited-by graph (CPython 3.14): the inner future is awaited by the task that shields
  // it, through onInnerDone. CPython 3.14 keeps the edge (with a callback of its own) even once the
  // outer future is cancelled; here it goes with onInnerDone, so that the inner future's callbacks
  // stay 3.13's (docs/differences.md#call-graphs).
  const curTask = taskStorage.getStore();
  if (curTask !== undefined) (onInnerDone as { [kAwaiter]?: object })[kAwaiter] = curTask;
  inner.addDoneCallback(onInnerDone);
  outer.addDoneCallback(onOuterDone);
  return outer;
}
