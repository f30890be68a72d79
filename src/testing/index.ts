/**
 * `asyncio-ts/testing`: a virtual-time event loop. Sleeps of hours finish at once, in order;
 * `loop.time()` starts at 0 and never reads a real clock.
 * @module
 */
import { BaseEventLoop } from "../base-events.ts";
import { setImmediate } from "../internal/clock.ts";
import { RuntimeError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { reprValue } from "../internal/repr.ts";
import {
  kArmTimer,
  kKeepAlive,
  kIsIdle,
  kNextTimer,
  kTimerFired,
  kUnretrieved,
} from "../internal/symbols.ts";
import { Runner } from "../runners.ts";

/** Options of {@link VirtualTimeLoop}. */
export interface VirtualTimeOptions {
  /**
   * Jump to the next timer whenever the loop has nothing ready and microtasks have drained
   * (default true). With false, only `advance()` moves time.
   */
  autojump?: boolean;
}

/**
 * An event loop on a virtual clock (trio's MockClock with autojump, CPython's TestLoop).
 */
export class VirtualTimeLoop extends BaseEventLoop {
  #now = 0;
  #autojump: boolean;
  #jumpScheduled = false;
  #pendingWhen: number | null = null;
  /** @internal A main task waiting on nothing is a deadlock here: let Node exit and say so. */
  override [kKeepAlive](_on: boolean): void {
    // No keep-alive: nothing real can wake this loop, so a stuck test should end, not hang.
  }

  constructor(options?: VirtualTimeOptions) {
    super();
    this.#autojump = options?.autojump ?? true;
    // CPython: a timer is due when `when < time() + clock_resolution` (1e-9 s on Linux).
    this.clockResolution = 1e-9;
    this[kUnretrieved] = new Set<Future>();
  }

  /** Virtual seconds since the loop was created. */
  override time(): number {
    return this.#now;
  }

  /**
   * Move the clock forward by `seconds` and run what became due (manual mode). Resolves once the
   * loop is idle again.
   */
  async advance(seconds: number): Promise<void> {
    if (seconds < 0) throw new RangeError(`advance() needs seconds >= 0, got ${seconds}`);
    const target = this.#now + seconds;
    for (;;) {
      await this.runUntilIdle();
      const next = this[kNextTimer]();
      if (next === null || next > target) break;
      this.#now = Math.max(this.#now, next);
      this[kTimerFired]();
    }
    this.#now = target;
    this[kTimerFired]();
    await this.runUntilIdle();
  }

  /** Resolve when the loop has nothing ready to run (microtasks and immediates drained). */
  async runUntilIdle(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await new Promise<void>((resolve) => {
        setImmediate(resolve);
      });
      if (!this.isRunning() || this[kIsIdle]()) return;
    }
    throw new RuntimeError("the loop did not become idle after 1000 turns");
  }

  /** @internal instead of a Node timer: jump the clock once everything else has settled. */
  override [kArmTimer](when: number | null): void {
    this.#pendingWhen = when;
    if (!this.#autojump || when === null || this.#jumpScheduled) return;
    this.#jumpScheduled = true;
    setImmediate(() => {
      this.#jumpScheduled = false;
      const target = this.#pendingWhen;
      if (target === null || !this[kIsIdle]()) return;
      if (target > this.#now) this.#now = target;
      this[kTimerFired]();
    });
  }

  /**
   * Close strictly: fail if tasks are still pending, timers still scheduled, or exceptions were
   * never retrieved.
   */
  override close(): void {
    const problems: string[] = [];
    if (!this.isClosed() && !this.isRunning()) {
      const tasks = [...this._allTasks()];
      if (tasks.length > 0) problems.push(`pending tasks: ${tasks.map((t) => reprValue(t)).join(", ")}`);
      if (this[kNextTimer]() !== null) problems.push("timers still scheduled");
      const unretrieved = this[kUnretrieved];
      if (unretrieved !== null && unretrieved.size > 0) {
        problems.push(`exceptions never retrieved: ${[...unretrieved].map((f) => reprValue(f)).join(", ")}`);
      }
    }
    super.close();
    if (problems.length > 0) throw new RuntimeError(`VirtualTimeLoop closed with ${problems.join("; ")}`);
  }
}

/**
 * Run `main(loop)` as the main task on a fresh {@link VirtualTimeLoop}, as `asyncio.run` does,
 * then close the loop strictly.
 * @example await runVirtual(async (loop) => { await asyncio.sleep(3600); assert.equal(loop.time(), 3600); });
 */
export async function runVirtual<T>(
  main: (loop: VirtualTimeLoop) => T | PromiseLike<T>,
  options?: VirtualTimeOptions & { debug?: boolean },
): Promise<T> {
  const loop = new VirtualTimeLoop(options);
  const runner = new Runner({
    loopFactory: () => loop,
    ...(options?.debug !== undefined ? { debug: options.debug } : {}),
  });
  try {
    return await runner.run(() => main(loop));
  } finally {
    await runner.close();
  }
}
