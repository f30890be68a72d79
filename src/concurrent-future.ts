/**
 * {@link ConcurrentFuture}, Python's `concurrent.futures.Future`: the result of a call made on
 * the loop of another thread ({@link runCoroutineThreadsafe}, {@link callSoonThreadsafe}), and
 * {@link wrapFuture}, which turns one into a Future of the running loop.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#future-objects
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { getEventLoop, peekRunningLoop } from "./events.ts";
import { CancelledError, InvalidStateError, RuntimeError } from "./exceptions.ts";
import { Future } from "./futures.ts";
import { logger, formatException } from "./debug.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { isfuture } from "./tasks.ts";

const PENDING = 0;
const RUNNING = 1;
const CANCELLED = 2;
const FINISHED = 3;
const STATE_NAMES = ["pending", "running", "cancelled", "finished"] as const;

/** @internal the key of a {@link ConcurrentFuture}'s {@link Blocker}. */
export const kBlock = Symbol("asyncio-ts.block");

/** What a {@link ConcurrentFuture} calls when done: the future itself. */
export type ConcurrentDoneCallback<T> = (future: ConcurrentFuture<T>) => unknown;

/**
 * Blocks the calling thread until the future is done or the deadline (a `performance.now()`
 * time in ms, or null for none) has passed: the thread channel that will settle the future.
 * @internal
 */
export type Blocker = (future: ConcurrentFuture, deadlineMs: number | null) => void;

/**
 * Python's `concurrent.futures.Future`: a future whose outcome comes from another thread, what
 * {@link runCoroutineThreadsafe} and {@link callSoonThreadsafe} return. Unlike an asyncio
 * {@link Future} it belongs to no loop: `result(timeout)` blocks the calling thread (with
 * `Atomics.wait`) until it is done, and done callbacks run at once, in the thread that settles it.
 * `await future` in a task waits for it as `await wrapFuture(future)` does, so cancelling the
 * task cancels the call.
 *
 * **Differs from asyncio:** Python's `concurrent.futures.Future` is not awaitable (you wrap it
 * with `asyncio.wrap_future`); here it is a thenable that wraps itself. Its states, methods and
 * messages are Python's. @extension
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#concurrent.futures.Future
 */
export class ConcurrentFuture<T = unknown> implements PromiseLike<T> {
  #state: number = PENDING;
  #result: T | undefined = undefined;
  #exception: unknown = undefined;
  #callbacks: ConcurrentDoneCallback<T>[] = [];
  /** @internal how `result(timeout)` waits for a future settled by another thread. */
  [kBlock]: Blocker | null = null;

  /** Return true if the call was cancelled. */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /** Return true if the call is running and cannot be cancelled. */
  running(): boolean {
    return this.#state === RUNNING;
  }

  /** Return true if the call was cancelled or finished. */
  done(): boolean {
    return this.#state === CANCELLED || this.#state === FINISHED;
  }

  /**
   * Cancel the call: false if it is running or done, else the future is cancelled and true is
   * returned. A call of {@link runCoroutineThreadsafe} is never running: cancelling its future
   * cancels the task on the other loop too (Python's `_chain_future`).
   */
  cancel(): boolean {
    if (this.#state === RUNNING || this.#state === FINISHED) return false;
    if (this.#state === CANCELLED) return true;
    this.#state = CANCELLED;
    this.#invokeCallbacks();
    return true;
  }

  /**
   * Return the call's result, waiting for it at most `timeout` seconds (null or undefined: with
   * no limit). Waiting blocks the thread (`Atomics.wait`): nothing else runs on it meanwhile.
   * @throws the call's exception; {@link CancelledError} if the future was cancelled.
   * @throws {TimeoutError} if it is not done within `timeout` seconds.
   * @throws {RuntimeError} if it could only be settled by this very thread (blocking would never end).
   */
  result(timeout?: number | null): T {
    this.#wait(timeout);
    if (this.#state === CANCELLED) throw new CancelledError();
    if (this.#exception !== undefined) throw this.#exception as Error;
    return this.#result as T;
  }

  /**
   * Return the call's exception, or null if it succeeded, waiting as {@link result} does.
   * @throws {CancelledError} if the future was cancelled; {@link TimeoutError} past `timeout`.
   */
  exception(timeout?: number | null): unknown {
    this.#wait(timeout);
    if (this.#state === CANCELLED) throw new CancelledError();
    return this.#exception ?? null;
  }

  /**
   * Call `fn(future)` when the future is done (at once if it is). Callbacks run in the order they
   * were added, in the thread that settles the future; one that throws is logged and the others
   * still run.
   */
  addDoneCallback(fn: ConcurrentDoneCallback<T>): void {
    if (typeof fn !== "function") {
      throw new TypeError(`addDoneCallback() needs a function, got ${reprValue(fn)}`);
    }
    if (!this.done()) {
      this.#callbacks.push(fn);
      return;
    }
    this.#call(fn);
  }

  /**
   * Mark the future running, or return false if it was cancelled (for who runs the call, as
   * Python's executors do).
   * @throws {RuntimeError} if it is already running or done.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === CANCELLED) return false;
    if (this.#state === PENDING) {
      this.#state = RUNNING;
      return true;
    }
    throw new RuntimeError(`Future in unexpected state: ${STATE_NAMES[this.#state]}`);
  }

  /**
   * Set the call's result and run the done callbacks.
   * @throws {InvalidStateError} if the future is done.
   */
  setResult(result: T): void {
    this.#checkSettable();
    this.#result = result;
    this.#state = FINISHED;
    this.#invokeCallbacks();
  }

  /**
   * Set the call's exception and run the done callbacks.
   * @throws {InvalidStateError} if the future is done.
   */
  setException(exception: unknown): void {
    this.#checkSettable();
    this.#exception = exception ?? new Error(String(exception));
    this.#state = FINISHED;
    this.#invokeCallbacks();
  }

  /**
   * `await future`: in a task, waits through {@link wrapFuture} on the running loop (cancelling
   * the task cancels the future); outside a loop, as a Promise.
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    const loop = peekRunningLoop();
    if (loop !== null) return wrapFuture(this, { loop }).then(onFulfilled, onRejected);
    return new Promise<T>((resolve, reject) => {
      this.addDoneCallback(() => {
        if (this.#state === CANCELLED) reject(new CancelledError());
        // Whatever was set is passed on as is (it need not be an Error), as an await would.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        else if (this.#exception !== undefined) reject(this.#exception);
        else resolve(this.#result as T);
      });
    }).then(onFulfilled, onRejected);
  }

  toString(): string {
    const state = STATE_NAMES[this.#state];
    if (this.#state !== FINISHED) return `<ConcurrentFuture state=${state}>`;
    if (this.#exception !== undefined) {
      return `<ConcurrentFuture state=finished raised ${typeLabel(this.#exception)}>`;
    }
    return `<ConcurrentFuture state=finished returned ${typeLabel(this.#result)}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return "ConcurrentFuture";
  }

  #checkSettable(): void {
    // CPython 3.13 concurrent/futures/_base.py set_result: `raise InvalidStateError('{}: {!r}'...)`.
    if (this.done()) throw new InvalidStateError(`${STATE_NAMES[this.#state]}: ${this.toString()}`);
  }

  #wait(timeout: number | null | undefined): void {
    if (this.done()) return;
    if (timeout !== undefined && timeout !== null && (typeof timeout !== "number" || Number.isNaN(timeout))) {
      throw new TypeError(`timeout must be a number of seconds or null, got ${reprValue(timeout)}`);
    }
    const block = this[kBlock];
    if (block === null) {
      throw new RuntimeError(
        "result() cannot wait for a future that only this thread can settle: await it instead",
      );
    }
    const deadline = timeout === undefined || timeout === null ? null : performance.now() + timeout * 1000;
    block(this as ConcurrentFuture, deadline);
  }

  #invokeCallbacks(): void {
    const callbacks = this.#callbacks;
    this.#callbacks = [];
    for (const fn of callbacks) this.#call(fn);
  }

  #call(fn: ConcurrentDoneCallback<T>): void {
    try {
      fn(this);
    } catch (e) {
      // CPython 3.13 concurrent/futures/_base.py _invoke_callbacks: logged, the others still run.
      logger.error(`exception calling callback for ${this.toString()}\n${formatException(e)}`);
    }
  }
}

function typeLabel(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    return (value as { constructor?: { name?: string } }).constructor?.name ?? typeof value;
  }
  return typeof value;
}

/** The options of {@link wrapFuture}. */
export interface WrapFutureOptions {
  /** The loop of the new Future (default: the running loop). */
  loop?: BaseEventLoop;
}

/**
 * Wrap a {@link ConcurrentFuture} in a Future of `loop` (Python's `asyncio.wrap_future`): the
 * Future takes the outcome of the concurrent one, and cancelling it cancels the concurrent one.
 * An asyncio Future is returned as is.
 * @throws {TypeError} `concurrent.futures.Future is expected, got ...` for anything else.
 * @see https://docs.python.org/3.13/library/asyncio-future.html#asyncio.wrap_future
 */
export function wrapFuture<T>(
  future: ConcurrentFuture<T> | Future<T>,
  options?: WrapFutureOptions,
): Future<T> {
  if (isfuture(future)) return future;
  if (!(future instanceof ConcurrentFuture)) {
    // CPython 3.13 futures.py wrap_future asserts with this message.
    throw new TypeError(`concurrent.futures.Future is expected, got ${reprValue(future)}`);
  }
  const loop = options?.loop ?? getEventLoop();
  const target = loop.createFuture<T>();
  chainToFuture(future, target);
  return target;
}

/**
 * CPython 3.13 futures.py `_chain_future(source, destination)` for a concurrent source and an
 * asyncio destination: the source's outcome is copied on the destination's loop; a cancelled
 * destination cancels the source.
 */
function chainToFuture<T>(source: ConcurrentFuture<T>, destination: Future<T>): void {
  const loop = destination.getLoop();
  destination.addDoneCallback(() => {
    if (destination.cancelled()) source.cancel();
  });
  source.addDoneCallback(() => {
    if (destination.cancelled() || loop.isClosed()) return;
    const copy = (): void => {
      if (destination.done()) return;
      if (source.cancelled()) destination.cancel();
      else {
        const exc = source.exception(0);
        if (exc !== null) destination.setException(exc);
        else destination.setResult(source.result(0));
      }
    };
    // CPython calls `dest_loop.call_soon_threadsafe(_set_state, ...)`: one iteration later.
    loop.callSoon(copy);
  });
}

/**
 * Copy the outcome of `source` (an asyncio Future or Task) into the concurrent `destination`, and
 * cancel `source` on its loop when `destination` is cancelled (the other half of CPython's
 * `_chain_future`).
 * @internal
 */
export function chainFromFuture<T>(source: Future<T>, destination: ConcurrentFuture<T>): void {
  const loop = source.getLoop();
  destination.addDoneCallback(() => {
    if (!destination.cancelled() || source.done() || loop.isClosed()) return;
    loop.callSoon(() => source.cancel());
  });
  source.addDoneCallback(() => {
    if (destination.cancelled()) return;
    if (source.cancelled()) {
      destination.cancel();
      return;
    }
    const exc = source.exception();
    if (exc !== null) destination.setException(exc);
    else destination.setResult(source.result());
  });
}
