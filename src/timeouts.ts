/**
 * Timeouts as scopes: `await asyncio.timeout(2).with(async () => ...)`.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#timeouts
 * @module
 */
import { getRunningLoop, type Handle } from "./events.ts";
import { CancelledError, ExceptionGroup, RuntimeError, TimeoutError } from "./exceptions.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { currentTask, type Task } from "./tasks.ts";

type State = "created" | "active" | "expiring" | "expired" | "finished";

/**
 * An asynchronous context manager that cancels the block it guards when its deadline passes,
 * turning that cancellation into TimeoutError. Use it once, inside a task.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.Timeout
 */
export class Timeout {
  #state: State = "created";
  #handle: Handle | null = null;
  #task: Task | null = null;
  #when: number | null;
  #cancelling = 0;

  /** @param when absolute loop time (seconds), or null for no deadline. */
  constructor(when: number | null) {
    this.#when = when;
  }

  /** Return the deadline (loop seconds), or null if none is set. */
  when(): number | null {
    return this.#when;
  }

  /**
   * Change the deadline (loop seconds; null: none).
   * @throws {RuntimeError} unless the timeout is active.
   */
  reschedule(when: number | null): void {
    if (this.#state !== "active") {
      if (this.#state === "created") throw new RuntimeError("Timeout has not been entered");
      throw new RuntimeError(`Cannot change state of ${this.#state} Timeout`);
    }
    this.#when = when;
    this.#handle?.cancel();
    if (when === null) {
      this.#handle = null;
    } else {
      const loop = getRunningLoop();
      this.#handle =
        when <= loop.time() ? loop.callSoon(this.#onTimeout) : loop.callAt(when, this.#onTimeout);
    }
  }

  /** Return whether the deadline passed and the block was cancelled for it. */
  expired(): boolean {
    return this.#state === "expiring" || this.#state === "expired";
  }

  /**
   * Run `body` under this timeout (Python's `async with`). A cancellation caused by the deadline
   * leaves as TimeoutError (its `cause` is the CancelledError); any other passes through.
   */
  with<R>(body: (timeout: Timeout) => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function") throw new TypeError(`with() needs a function, got ${reprValue(body)}`);
    // Lazy, as `async with` is: the deadline is armed when the coroutine runs, in its task.
    return libraryCoroutine("Timeout.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (timeout: Timeout) => R | PromiseLike<R>): Promise<R> {
    this.#enter();
    let result: R;
    try {
      result = await body(this);
    } catch (e) {
      this.#exit(true, e);
      throw e;
    }
    this.#exit(false, undefined);
    return result;
  }

  #enter(): void {
    if (this.#state !== "created") throw new RuntimeError("Timeout has already been entered");
    const task = currentTask();
    if (task === null) throw new RuntimeError("Timeout should be used inside a task");
    this.#state = "active";
    this.#task = task;
    this.#cancelling = task.cancelling();
    this.reschedule(this.#when);
  }

  // CPython 3.13 timeouts.py Timeout.__aexit__
  #exit(raised: boolean, exc: unknown): void {
    this.#handle?.cancel();
    this.#handle = null;
    if (this.#state === "expiring") {
      this.#state = "expired";
      if ((this.#task as Task).uncancel() <= this.#cancelling && raised) {
        // No new cancel requests: this cancellation is ours to turn into TimeoutError.
        if (exc instanceof CancelledError) throw new TimeoutError("", { cause: exc });
        if (exc instanceof ExceptionGroup) {
          for (const e of exc.exceptions) markTimedOut(e);
        }
        markTimedOut(exc);
      }
    } else if (this.#state === "active") {
      this.#state = "finished";
    }
  }

  readonly #onTimeout = (): void => {
    (this.#task as Task).cancel();
    this.#state = "expiring";
    this.#handle = null;
  };

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const when =
      this.#state === "active" ? ` when=${this.#when === null ? "None" : pyFloat(round3(this.#when))}` : "";
    return `<Timeout [${this.#state}]${when}>`;
  }
}

/** Python's `round(x, 3)`. */
function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A float as Python's repr writes it: `10.0`, not `10`. */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/**
 * JavaScript errors have no implicit `__context__` chain to splice a TimeoutError into (CPython's
 * `_insert_timeout_error`); record on the error that it escaped while its block was timing out.
 * See docs/differences.md#exception-chains.
 */
function markTimedOut(exc: unknown): void {
  if (typeof exc === "object" && exc !== null && Object.isExtensible(exc)) {
    Object.defineProperty(exc, "timeoutContext", { value: new TimeoutError(), configurable: true });
  }
}

/**
 * A timeout scope that expires `delay` seconds from now (null: never).
 * @example await asyncio.timeout(2).with(async () => { await longOperation(); });
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.timeout
 */
export function timeout(delay: number | null): Timeout {
  if (delay !== null && typeof delay !== "number") {
    throw new TypeError(`timeout() delay must be a number of seconds or null, got ${typeof delay}`);
  }
  return new Timeout(delay === null ? null : getRunningLoop().time() + delay);
}

/**
 * A timeout scope that expires at the absolute loop time `when` (seconds; null: never).
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.timeout_at
 */
export function timeoutAt(when: number | null): Timeout {
  return new Timeout(when);
}
