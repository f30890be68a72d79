/**
 * A list of waiter futures, woken together: the "wait on a list of futures" pattern of the drain
 * and close waiters of streams and pipes, a process's exit, a server's close, an event (issue 13
 * item 6). A waiter leaves the list when it settles, however it settles (woken, cancelled), so a
 * list whose waiters are cancelled does not grow.
 * @module
 */
import type { BaseEventLoop } from "../base-events.ts";
import type { Future } from "../futures.ts";

/** The key of an object's count of waiters, for tests. @internal */
export const kWaiterCount: unique symbol = Symbol("asyncio-ts.waiterCount");

/** Waiter futures in the order they were added. @internal */
export class Waiters<T = null> {
  readonly #set = new Set<Future<T>>();

  /** How many waiters are in the list. */
  get size(): number {
    return this.#set.size;
  }

  /** Add `fut` to the list; the caller removes it with {@link remove} once it has settled. */
  add(fut: Future<T>): void {
    this.#set.add(fut);
  }

  /** Remove `fut` from the list (no-op if it is not there). */
  remove(fut: Future<T>): void {
    this.#set.delete(fut);
  }

  /**
   * Wait on a new future of `loop` in the list until a wake (its value) or a fail (its error);
   * the future leaves the list however the wait ends, cancelled too.
   */
  async wait(loop: BaseEventLoop): Promise<T> {
    const fut = loop.createFuture<T>();
    this.#set.add(fut);
    try {
      return await fut;
    } finally {
      this.#set.delete(fut);
    }
  }

  /** Wake every waiter not done yet with `value`, and empty the list. */
  wakeAll(value: T): void {
    const all = [...this.#set];
    this.#set.clear();
    for (const fut of all) if (!fut.done()) fut.setResult(value);
  }

  /**
   * Wake every waiter not done yet with `value`, leaving them in the list: each leaves when its
   * waiter calls {@link remove} (CPython's Event keeps its waiters until they resume).
   */
  wakeEach(value: T): void {
    for (const fut of this.#set) if (!fut.done()) fut.setResult(value);
  }

  /** Wake the first waiter not done yet with `value` (it leaves the list); false if there is none. */
  wakeOne(value: T): boolean {
    for (const fut of this.#set) {
      this.#set.delete(fut);
      if (fut.done()) continue;
      fut.setResult(value);
      return true;
    }
    return false;
  }

  /** Fail every waiter not done yet with `exc`, and empty the list. */
  failAll(exc: unknown): void {
    const all = [...this.#set];
    this.#set.clear();
    for (const fut of all) if (!fut.done()) fut.setException(exc);
  }

  /** Wake every waiter with `value` when `exc` is null, else fail them with it. */
  settleAll(exc: unknown, value: T): void {
    if (exc === null) this.wakeAll(value);
    else this.failAll(exc);
  }
}
