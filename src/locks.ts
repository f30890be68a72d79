/**
 * Synchronization primitives (CPython's locks.py). Event comes first, for the core's benchmarks;
 * the rest land with the synchronization issue.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { peekRunningLoop } from "./events.ts";
import { RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";

/**
 * Binds a primitive to the first loop it blocks on (CPython's `_LoopBoundMixin`).
 * @internal
 */
export class LoopBound {
  #loop: BaseEventLoop | null = null;

  /** @internal */
  protected getLoop(): BaseEventLoop {
    const loop = peekRunningLoop();
    if (loop === null) throw new RuntimeError("no running event loop");
    this.#loop ??= loop;
    if (loop !== this.#loop) throw new RuntimeError(`${reprValue(this)} is bound to a different event loop`);
    return loop;
  }
}

/**
 * An event: a flag that tasks can wait to become true. `set()` wakes every waiter.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Event
 */
export class Event extends LoopBound {
  #waiters: Future<true>[] = [];
  #value = false;

  /** Return true if the internal flag is set. */
  isSet(): boolean {
    return this.#value;
  }

  /** Set the flag: every waiting task wakes, even if `clear()` follows at once. */
  set(): void {
    if (!this.#value) {
      this.#value = true;
      for (const fut of this.#waiters) if (!fut.done()) fut.setResult(true);
    }
  }

  /** Clear the flag: later `wait()` calls block until `set()`. */
  clear(): void {
    this.#value = false;
  }

  /** Wait until the flag is set; return true. Returns without yielding when it is already set. */
  async wait(): Promise<true> {
    if (this.#value) return true;
    const fut = this.getLoop().createFuture<true>();
    this.#waiters.push(fut);
    try {
      await fut;
      return true;
    } finally {
      const i = this.#waiters.indexOf(fut);
      if (i >= 0) this.#waiters.splice(i, 1);
    }
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    let extra = this.#value ? "set" : "unset";
    if (this.#waiters.length > 0) extra += `, waiters:${this.#waiters.length}`;
    return `<asyncio.locks.Event object [${extra}]>`;
  }
}
