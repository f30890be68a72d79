/**
 * The total timeouts of a loop's requests on one loop timer. A TimerHandle per request costs a heap
 * insertion, a cancellation and a purge for every request (a third of the client's CPU time in
 * bench/http.bench.ts); requests with the same timeout expire in the order they started, so each
 * timeout length keeps a linked list in deadline order, and one timer is armed for the earliest
 * head. A finished request unlinks itself in O(1); the timer, armed no later than any deadline, is
 * re-armed only when it fires (or when a request needs an earlier one). It is not cancelled when
 * the last request finishes (arming it again for the next one would cost what this saves): it fires
 * once, finds nothing due, and is not re-armed.
 * @internal
 * @module
 */
import type { BaseEventLoop } from "../base-events.ts";
import type { TimerHandle } from "../events.ts";

/** One request's deadline. */
export interface Deadline {
  readonly at: number;
  readonly fire: () => void;
  prev: Deadline | null;
  next: Deadline | null;
  list: DeadlineList | null;
}

interface DeadlineList {
  head: Deadline | null;
  tail: Deadline | null;
}

const byLoop = new WeakMap<BaseEventLoop, Deadlines>();

/** The deadlines of one loop. */
export class Deadlines {
  readonly #loop: BaseEventLoop;
  readonly #lists = new Map<number, DeadlineList>();
  #timer: TimerHandle | null = null;
  #timerAt = Infinity;

  private constructor(loop: BaseEventLoop) {
    this.#loop = loop;
  }

  /** The deadlines of `loop`. */
  static of(loop: BaseEventLoop): Deadlines {
    let d = byLoop.get(loop);
    if (d === undefined) {
      d = new Deadlines(loop);
      byLoop.set(loop, d);
    }
    return d;
  }

  /** Call `fire()` in `delay` seconds unless removed before. */
  add(delay: number, fire: () => void): Deadline {
    const at = this.#loop.time() + delay;
    let list = this.#lists.get(delay);
    if (list === undefined) {
      list = { head: null, tail: null };
      this.#lists.set(delay, list);
    }
    const entry: Deadline = { at, fire, prev: list.tail, next: null, list };
    if (list.tail === null) list.head = entry;
    else list.tail.next = entry;
    list.tail = entry;
    if (at < this.#timerAt) this.#arm(at);
    return entry;
  }

  /** Forget `entry` (its request finished). */
  remove(entry: Deadline): void {
    const list = entry.list;
    if (list === null) return;
    if (entry.prev === null) list.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) list.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = entry.next = null;
    entry.list = null;
  }

  #arm(at: number): void {
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = this.#loop.callAt(at, this.#check);
  }

  readonly #check = (): void => {
    this.#timer = null;
    this.#timerAt = Infinity;
    // The loop runs a timer up to its clock resolution early.
    const now = this.#loop.time() + 1e-3;
    const due: Deadline[] = [];
    let next = Infinity;
    for (const [delay, list] of this.#lists) {
      let head = list.head;
      while (head !== null && head.at <= now) {
        due.push(head);
        this.remove(head);
        head = list.head;
      }
      if (head === null) this.#lists.delete(delay);
      else if (head.at < next) next = head.at;
    }
    if (next !== Infinity) this.#arm(next);
    for (const entry of due) entry.fire();
  };
}
