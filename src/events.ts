/**
 * Handles of scheduled callbacks, and the running-loop registry.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#callback-handles
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { RuntimeError } from "./exceptions.ts";
import { callbackName, inspectCustom, reprValue } from "./internal/repr.ts";
import { kRun, kTimerCancelled } from "./internal/symbols.ts";

/**
 * A callback wrapper returned by `loop.callSoon()`.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.Handle
 */
export class Handle {
  /** @internal */
  _callback: ((...args: never[]) => unknown) | null;
  /** @internal */
  _args: readonly unknown[] | null;
  /** @internal */
  _cancelled = false;
  /** @internal */
  readonly _loop: BaseEventLoop;

  constructor(callback: (...args: never[]) => unknown, args: readonly unknown[] | null, loop: BaseEventLoop) {
    this._callback = callback;
    this._args = args;
    this._loop = loop;
  }

  /** Cancel the callback. If it has already run or been cancelled, nothing happens. */
  cancel(): void {
    if (!this._cancelled) {
      this._cancelled = true;
      // Drop references at once, as CPython does, so cancelled handles keep nothing alive.
      this._callback = null;
      this._args = null;
    }
  }

  /** Whether the callback was cancelled. */
  cancelled(): boolean {
    return this._cancelled;
  }

  /** @internal run by the loop, which makes sure no task is current */
  [kRun](): void {
    const cb = this._callback as ((...args: unknown[]) => unknown) | null;
    if (cb === null) return;
    const args = this._args;
    if (args === null || args.length === 0) cb();
    else if (args.length === 1) cb(args[0]);
    else cb(...args);
  }

  /**
   * @internal The callback as CPython's exception context shows it: `name()`, with the arguments
   * in debug mode only (they may be sensitive), as `format_helpers._format_callback` does.
   */
  _formatCallback(debug: boolean): string {
    const cb = this._callback;
    if (cb === null) return this[inspectCustom]();
    const name = cb.name === "" ? "<anonymous>" : cb.name;
    if (!debug || this._args === null) return `${name}()`;
    return `${name}(${this._args.map((a) => reprValue(a)).join(", ")})`;
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const info = [this.constructor.name];
    if (this._cancelled) info.push("cancelled");
    if (this._callback !== null) info.push(callbackName(this._callback));
    return `<${info.join(" ")}>`;
  }
}

/**
 * A handle returned by `loop.callLater()` and `loop.callAt()`.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.TimerHandle
 */
export class TimerHandle extends Handle {
  /** @internal the heap key: absolute loop time in seconds */
  _when: number;
  /** @internal scheduling order, the heap's tie-breaker (set by the loop that schedules it) */
  _seq = 0;
  /** @internal true while in the loop's heap */
  _scheduled = true;

  /** `new TimerHandle(when, callback, args, loop)`, as Python's `TimerHandle(when, callback, args, loop)`. */
  constructor(
    when: number,
    callback: (...args: never[]) => unknown,
    args: readonly unknown[] | null,
    loop: BaseEventLoop,
  ) {
    super(callback, args, loop);
    this._when = when;
  }

  /** The scheduled callback time, in loop seconds (`loop.time()`'s clock). */
  when(): number {
    return this._when;
  }

  override cancel(): void {
    if (!this._cancelled && this._scheduled) this._loop[kTimerCancelled]();
    super.cancel();
  }

  override [inspectCustom](): string {
    const info = [this.constructor.name];
    if (this._cancelled) info.push("cancelled");
    info.push(`when=${this._when}`);
    if (this._callback !== null) info.push(callbackName(this._callback));
    return `<${info.join(" ")}>`;
  }
}

let runningLoop: BaseEventLoop | null = null;

/** @internal */
export function setRunningLoop(loop: BaseEventLoop | null): void {
  runningLoop = loop;
}

/** The running loop or null (CPython's `_get_running_loop`). */
export function peekRunningLoop(): BaseEventLoop | null {
  return runningLoop;
}

/**
 * Return the running event loop.
 * @throws {RuntimeError} `no running event loop` outside a running loop.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.get_running_loop
 */
export function getRunningLoop(): BaseEventLoop {
  if (runningLoop === null) throw new RuntimeError("no running event loop");
  return runningLoop;
}

/**
 * Return the running event loop. Unlike Python 3.13 there is no policy loop to fall back on:
 * outside a running loop this throws as `getRunningLoop()` does (Python 3.14's behaviour).
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.get_event_loop
 */
export function getEventLoop(): BaseEventLoop {
  return getRunningLoop();
}
