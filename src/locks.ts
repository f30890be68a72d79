/**
 * Synchronization primitives (CPython's locks.py): Lock, Event, Condition, Semaphore,
 * BoundedSemaphore, Barrier. Not thread-safe; usable from any task of the loop they first block on.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { peekRunningLoop } from "./events.ts";
import { type Coroutine, libraryCoroutine, NOT_FAST, type Settle, waitingCoroutine } from "./coroutines.ts";
import { BrokenBarrierError, CancelledError, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { Deque } from "./internal/deque.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kTryAcquire } from "./internal/symbols.ts";
import { Waiters } from "./internal/waiters.ts";

/**
 * Binds a primitive to the first loop it blocks on (CPython's `_LoopBoundMixin`).
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

  /** The extra of the repr: `[locked, waiters:2]`. @internal */
  protected reprExtra(): string {
    return "";
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    return `<asyncio.locks.${this.constructor.name} object [${this.reprExtra()}]>`;
  }
}

/**
 * `with(body)` for the primitives that acquire and release (CPython's
 * `_ContextManagerMixin`).
 */
export abstract class ContextManager extends LoopBound {
  abstract acquire(): Coroutine<true>;
  abstract release(): void;
  /** @internal acquire at once if no wait is needed (the fast path of `acquire()`) */
  abstract [kTryAcquire](): boolean;

  /**
   * Run `body` holding the primitive (Python's `async with x:`); return its result. Lazy, as
   * `async with` is: nothing is acquired until the returned coroutine is awaited or wrapped.
   */
  with<R>(body: () => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function") throw new TypeError(`with() needs a function, got ${reprValue(body)}`);
    return libraryCoroutine(`${this.constructor.name}.with`, this, withBody, null, [body]);
  }
}

async function withBody<R>(this: ContextManager, body: () => R | PromiseLike<R>): Promise<R> {
  // Uncontended: taken here, without a second coroutine to await.
  if (!this[kTryAcquire]()) await this.acquire();
  try {
    return await body();
  } finally {
    this.release();
  }
}

function withWaiters(extra: string, n: number): string {
  return n > 0 ? `${extra}, waiters:${n}` : extra;
}

/**
 * A mutex lock, not owned by a task. FIFO: `release()` wakes the first waiter without handing
 * the lock over, so a newcomer still queues behind it; a woken waiter that is cancelled passes
 * the wake-up on.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Lock
 */
export class Lock extends ContextManager {
  #waiters: Deque<Future<true>> | null = null;
  #locked = false;

  /** Return true if the lock is acquired. */
  locked(): boolean {
    return this.#locked;
  }

  /** Acquire the lock, waiting (FIFO) while it is held; return true. Lazy, as every coroutine. */
  acquire(): Coroutine<true> {
    return waitingCoroutine("Lock.acquire", this, this.#acquireWait, this.#acquireFast);
  }

  /** @internal */
  [kTryAcquire](): boolean {
    return this.#acquireFast() !== NOT_FAST;
  }

  // Uncontended: no async frame, and no loop iteration either way (CPython's fast path).
  #acquireFast(): true | typeof NOT_FAST {
    if (!this.#locked && (this.#waiters === null || allCancelled(this.#waiters))) {
      this.#locked = true;
      return true;
    }
    return NOT_FAST;
  }

  // CPython 3.13 Lock.acquire, after `await fut` (these reactions run when the task resumes).
  #acquireWait(settle: Settle<true>): void {
    const waiters = (this.#waiters ??= new Deque());
    const fut = this.getLoop().createFuture<true>();
    waiters.push(fut);
    void fut.then(
      () => {
        waiters.remove(fut);
        this.#locked = true;
        settle.succeed(true);
      },
      (e: unknown) => {
        waiters.remove(fut);
        // Not taking the lock: make sure the first waiter left will run.
        if (e instanceof CancelledError && !this.#locked) this.#wakeUpFirst();
        settle.fail(e);
      },
    );
  }

  /**
   * Release the lock and wake the first waiter.
   * @throws {RuntimeError} `Lock is not acquired.` when unlocked.
   */
  release(): void {
    if (!this.#locked) throw new RuntimeError("Lock is not acquired.");
    this.#locked = false;
    this.#wakeUpFirst();
  }

  #wakeUpFirst(): void {
    const fut = this.#waiters?.peek();
    if (fut !== undefined && !fut.done()) fut.setResult(true);
  }

  protected override reprExtra(): string {
    return withWaiters(this.#locked ? "locked" : "unlocked", this.#waiters?.length ?? 0);
  }
}

function allCancelled(waiters: Deque<Future<true>>): boolean {
  for (let i = 0, n = waiters.length; i < n; i++) if (!waiters.at(i).cancelled()) return false;
  return true;
}

/**
 * An event: a flag that tasks can wait to become true. `set()` wakes every waiter.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Event
 */
export class Event extends LoopBound {
  readonly #waiters = new Waiters<true>();
  #value = false;

  /** Return true if the internal flag is set. */
  isSet(): boolean {
    return this.#value;
  }

  /** Set the flag: every waiting task wakes, even if `clear()` follows at once. */
  set(): void {
    if (!this.#value) {
      this.#value = true;
      this.#waiters.wakeEach(true);
    }
  }

  /** Clear the flag: later `wait()` calls block until `set()`. */
  clear(): void {
    this.#value = false;
  }

  /** Wait until the flag is set; return true. Returns without yielding when it is already set. */
  wait(): Coroutine<true> {
    return waitingCoroutine("Event.wait", this, this.#waitSlow, this.#waitFast);
  }

  #waitFast(): true | typeof NOT_FAST {
    return this.#value ? true : NOT_FAST;
  }

  #waitSlow(settle: Settle<true>): void {
    const fut = this.getLoop().createFuture<true>();
    this.#waiters.add(fut);
    const remove = (): void => {
      this.#waiters.remove(fut);
    };
    void fut.then(
      () => {
        remove();
        settle.succeed(true);
      },
      (e: unknown) => {
        remove();
        settle.fail(e);
      },
    );
  }

  protected override reprExtra(): string {
    return withWaiters(this.#value ? "set" : "unset", this.#waiters.size);
  }
}

/**
 * A condition variable: tasks wait until notified, holding the (possibly shared) lock around it.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Condition
 */
export class Condition extends ContextManager {
  readonly #lock: Lock;
  readonly #waiters = new Deque<Future<boolean>>();

  /**
   * @param lock the underlying lock; a new Lock by default.
   * @throws {TypeError} when `lock` is not a Lock.
   */
  constructor(lock?: Lock | null) {
    super();
    if (lock !== undefined && lock !== null && !(lock instanceof Lock)) {
      throw new TypeError(`Condition() lock must be an asyncio Lock, got ${reprValue(lock)}`);
    }
    this.#lock = lock ?? new Lock();
  }

  /** Return true if the underlying lock is acquired. */
  locked(): boolean {
    return this.#lock.locked();
  }

  /** Acquire the underlying lock. */
  acquire(): Coroutine<true> {
    return this.#lock.acquire();
  }

  /** @internal */
  [kTryAcquire](): boolean {
    return this.#lock[kTryAcquire]();
  }

  /** Release the underlying lock. */
  release(): void {
    this.#lock.release();
  }

  /**
   * Release the lock, wait until notified, then re-acquire the lock — always, even when
   * cancelled — and return true.
   * @throws {RuntimeError} `cannot wait on un-acquired lock`.
   */
  wait(): Coroutine<true> {
    return libraryCoroutine("Condition.wait", this, this.#wait);
  }

  async #wait(): Promise<true> {
    if (!this.locked()) throw new RuntimeError("cannot wait on un-acquired lock");
    const fut = this.getLoop().createFuture<boolean>();
    this.release();
    try {
      try {
        this.#waiters.push(fut);
        try {
          await fut;
          return true;
        } finally {
          this.#waiters.remove(fut);
        }
      } finally {
        // CPython 3.13 Condition.wait: re-acquire before leaving, retrying through cancellations,
        // then re-raise the most recent cancellation.
        const err = await this.#reacquire();
        // eslint-disable-next-line no-unsafe-finally -- the lock is held again; now the cancel may leave
        if (err !== null) throw err;
      }
    } catch (e) {
      // Woken and then failed: pass the notification on, so none is lost.
      this.#notify(1);
      throw e;
    }
  }

  async #reacquire(): Promise<CancelledError | null> {
    let err: CancelledError | null = null;
    for (;;) {
      try {
        await this.acquire();
        return err;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        err = e;
      }
    }
  }

  /** Wait until `predicate()` is truthy (checked before each wait); return its value. */
  waitFor<T>(predicate: () => T): Coroutine<T> {
    if (typeof predicate !== "function") {
      throw new TypeError(`waitFor() needs a predicate function, got ${reprValue(predicate)}`);
    }
    return libraryCoroutine("Condition.wait_for", this, this.#waitFor, null, [predicate]);
  }

  async #waitFor<T>(predicate: () => T): Promise<T> {
    let result = predicate();
    while (!result) {
      await this.wait();
      result = predicate();
    }
    return result;
  }

  /**
   * Wake up to `n` waiters (FIFO); they resume once the lock is released.
   * @throws {RuntimeError} `cannot notify on un-acquired lock`.
   */
  notify(n = 1): void {
    if (!this.locked()) throw new RuntimeError("cannot notify on un-acquired lock");
    this.#notify(n);
  }

  /** Wake up every waiter. */
  notifyAll(): void {
    this.notify(this.#waiters.length);
  }

  #notify(n: number): void {
    let idx = 0;
    for (const fut of this.#waiters) {
      if (idx >= n) break;
      if (!fut.done()) {
        idx++;
        fut.setResult(false);
      }
    }
  }

  protected override reprExtra(): string {
    return withWaiters(this.locked() ? "locked" : "unlocked", this.#waiters.length);
  }
}

/**
 * A semaphore: a counter of available permits. FIFO; `locked()` is true while the value is 0 or
 * any non-cancelled task waits, so a newcomer never jumps the queue.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Semaphore
 */
export class Semaphore extends ContextManager {
  #waiters: Deque<Future<true>> | null = null;
  /** @internal */
  protected value: number;

  /**
   * @param value the initial number of permits (>= 0).
   * @throws {RangeError} `Semaphore initial value must be >= 0`.
   */
  constructor(value = 1) {
    super();
    if (typeof value !== "number" || Number.isNaN(value)) {
      throw new TypeError(`Semaphore value must be a number, got ${reprValue(value)}`);
    }
    if (value < 0) throw new RangeError("Semaphore initial value must be >= 0");
    this.value = value;
  }

  /** Return true if `acquire()` would wait. */
  locked(): boolean {
    if (this.value === 0) return true;
    const waiters = this.#waiters;
    if (waiters !== null)
      for (let i = 0, n = waiters.length; i < n; i++) if (!waiters.at(i).cancelled()) return true;
    return false;
  }

  /** Take a permit, waiting (FIFO) while none is free; return true. */
  acquire(): Coroutine<true> {
    return waitingCoroutine("Semaphore.acquire", this, this.#acquireWait, this.#acquireFast);
  }

  /** @internal */
  [kTryAcquire](): boolean {
    return this.#acquireFast() !== NOT_FAST;
  }

  #acquireFast(): true | typeof NOT_FAST {
    if (this.locked()) return NOT_FAST;
    this.value--;
    return true;
  }

  // CPython 3.13 Semaphore.acquire, after `await fut` (these reactions run when the task resumes).
  #acquireWait(settle: Settle<true>): void {
    const waiters = (this.#waiters ??= new Deque());
    const fut = this.getLoop().createFuture<true>();
    waiters.push(fut);
    void fut.then(
      () => {
        waiters.remove(fut);
        this.#wakeUpWhileFree();
        settle.succeed(true);
      },
      (e: unknown) => {
        waiters.remove(fut);
        // Woken (a permit was taken for us) and then cancelled: give the permit back.
        if (e instanceof CancelledError && fut.done() && !fut.cancelled()) this.value++;
        this.#wakeUpWhileFree();
        settle.fail(e);
      },
    );
  }

  // New waiters may have queued behind us (FIFO): wake as many as there are permits.
  #wakeUpWhileFree(): void {
    while (this.value > 0) if (!this.#wakeUpNext()) break;
  }

  /** Give a permit back, waking the first waiter. */
  release(): void {
    this.value++;
    this.#wakeUpNext();
  }

  #wakeUpNext(): boolean {
    const waiters = this.#waiters;
    if (waiters === null) return false;
    for (let i = 0, n = waiters.length; i < n; i++) {
      const fut = waiters.at(i);
      if (!fut.done()) {
        this.value--;
        fut.setResult(true);
        return true;
      }
    }
    return false;
  }

  protected override reprExtra(): string {
    return withWaiters(
      this.locked() ? "locked" : `unlocked, value:${this.value}`,
      this.#waiters?.length ?? 0,
    );
  }
}

/**
 * A semaphore that refuses to be released above its initial value.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.BoundedSemaphore
 */
export class BoundedSemaphore extends Semaphore {
  readonly #bound: number;

  constructor(value = 1) {
    super(value);
    this.#bound = value;
  }

  /** @throws {RangeError} `BoundedSemaphore released too many times`. */
  override release(): void {
    if (this.value >= this.#bound) throw new RangeError("BoundedSemaphore released too many times");
    super.release();
  }
}

type BarrierState = "filling" | "draining" | "resetting" | "broken";

/**
 * A barrier: `parties` tasks wait until all have arrived, then all go on.
 * @see https://docs.python.org/3.13/library/asyncio-sync.html#asyncio.Barrier
 */
export class Barrier extends LoopBound {
  readonly #cond = new Condition();
  readonly #parties: number;
  #state: BarrierState = "filling";
  #count = 0;

  /** @throws {RangeError} `parties must be > 0`. */
  constructor(parties: number) {
    super();
    if (!(parties >= 1)) throw new RangeError("parties must be > 0");
    this.#parties = parties;
  }

  /** Wait until all parties arrived; return this task's arrival index (0 to parties - 1). */
  wait(): Coroutine<number> {
    return libraryCoroutine("Barrier.wait", this, this.#waitAll);
  }

  #waitAll(): Coroutine<number> {
    return this.#cond.with(async () => {
      await this.#block();
      try {
        const index = this.#count;
        this.#count++;
        if (index + 1 === this.#parties) this.#release();
        else await this.#wait();
        return index;
      } finally {
        this.#count--;
        this.#exit();
      }
    });
  }

  /** Run `body` with the arrival index once all arrived (Python's `async with barrier as i:`). */
  with<R>(body: (index: number) => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function") throw new TypeError(`with() needs a function, got ${reprValue(body)}`);
    return libraryCoroutine("Barrier.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (index: number) => R | PromiseLike<R>): Promise<R> {
    return body(await this.wait());
  }

  /** Return the barrier to the empty state; tasks waiting get BrokenBarrierError. */
  reset(): Coroutine<void> {
    return libraryCoroutine("Barrier.reset", this, this.#reset);
  }

  async #reset(): Promise<void> {
    await this.#cond.with(() => {
      if (this.#count > 0) {
        if (this.#state !== "resetting") this.#state = "resetting";
      } else {
        this.#state = "filling";
      }
      this.#cond.notifyAll();
    });
  }

  /** Break the barrier for good: current and future `wait()` calls get BrokenBarrierError. */
  abort(): Coroutine<void> {
    return libraryCoroutine("Barrier.abort", this, this.#abort);
  }

  async #abort(): Promise<void> {
    await this.#cond.with(() => {
      this.#state = "broken";
      this.#cond.notifyAll();
    });
  }

  /** The number of tasks needed to pass the barrier. */
  get parties(): number {
    return this.#parties;
  }

  /** The number of tasks waiting while filling. */
  get nWaiting(): number {
    return this.#state === "filling" ? this.#count : 0;
  }

  /** True if the barrier is broken. */
  get broken(): boolean {
    return this.#state === "broken";
  }

  async #block(): Promise<void> {
    await this.#cond.waitFor(() => this.#state !== "draining" && this.#state !== "resetting");
    if (this.#state === "broken") throw new BrokenBarrierError("Barrier aborted");
  }

  #release(): void {
    this.#state = "draining";
    this.#cond.notifyAll();
  }

  async #wait(): Promise<void> {
    await this.#cond.waitFor(() => this.#state !== "filling");
    if (this.#state === "broken" || this.#state === "resetting") {
      throw new BrokenBarrierError("Abort or reset of barrier");
    }
  }

  #exit(): void {
    if (this.#count === 0) {
      if (this.#state === "resetting" || this.#state === "draining") this.#state = "filling";
      this.#cond.notifyAll();
    }
  }

  protected override reprExtra(): string {
    return this.broken ? this.#state : `${this.#state}, waiters:${this.nWaiting}/${this.#parties}`;
  }
}
