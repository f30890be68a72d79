// The raw-promise floors of the queue, ping-pong, lock and semaphore benchmarks: the best
// hand-written versions over bare promises, with none of asyncio's semantics (no loop, no
// cancellation, no join()). Each hands the item, the lock or the permit straight to the first
// waiter, answers synchronously (no promise at all) when it need not wait, and keeps its waiters
// in a ring buffer.

/** A growable FIFO ring buffer (power-of-two capacity). */
export class Ring<T> {
  #buf: (T | undefined)[];
  #mask: number;
  #head = 0;
  length = 0;

  constructor(capacity = 16) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#buf = new Array<T | undefined>(cap);
    this.#mask = cap - 1;
  }

  push(item: T): void {
    if (this.length > this.#mask) this.#grow();
    this.#buf[(this.#head + this.length) & this.#mask] = item;
    this.length++;
  }

  /** Removes and returns the first item; the caller checks `length` first. */
  shift(): T {
    const item = this.#buf[this.#head] as T;
    this.#buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.length--;
    return item;
  }

  #grow(): void {
    const old = this.#buf;
    const buf = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.length; i++) buf[i] = old[(this.#head + i) & this.#mask];
    this.#buf = buf;
    this.#head = 0;
    this.#mask = buf.length - 1;
  }
}

/**
 * A promise channel: a bounded (maxsize > 0) or unbounded buffer, with resolver queues for
 * blocked getters and putters. `put` returns undefined and `get` the item itself when they need
 * not wait; an item put while a getter waits goes straight to that getter.
 */
export class RawChannel<T> {
  readonly #maxsize: number;
  readonly #items = new Ring<T>();
  readonly #getters = new Ring<(item: T) => void>();
  readonly #putItems = new Ring<T>();
  readonly #putters = new Ring<() => void>();

  constructor(maxsize = 0) {
    this.#maxsize = maxsize;
  }

  put(item: T): Promise<void> | undefined {
    if (this.#getters.length > 0) {
      this.#getters.shift()(item);
      return undefined;
    }
    if (this.#maxsize <= 0 || this.#items.length < this.#maxsize) {
      this.#items.push(item);
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.#putItems.push(item);
      this.#putters.push(resolve);
    });
  }

  get(): T | Promise<T> {
    if (this.#items.length > 0) {
      const item = this.#items.shift();
      if (this.#putters.length > 0) {
        this.#items.push(this.#putItems.shift());
        this.#putters.shift()();
      }
      return item;
    }
    return new Promise<T>((resolve) => {
      this.#getters.push(resolve);
    });
  }
}

/** A FIFO mutex: `release()` hands the lock straight to the first waiter. */
export class RawMutex {
  #locked = false;
  readonly #waiters = new Ring<() => void>();

  acquire(): Promise<void> | undefined {
    if (!this.#locked) {
      this.#locked = true;
      return undefined;
    }
    return new Promise<void>((resolve) => {
      this.#waiters.push(resolve);
    });
  }

  release(): void {
    if (this.#waiters.length > 0) this.#waiters.shift()();
    else this.#locked = false;
  }
}

/** A FIFO concurrency limiter (p-limit's job, in 20 lines): a finished job hands its slot on. */
export function rawLimiter(limit: number): <A, R>(fn: (arg: A) => Promise<R>, arg: A) => Promise<R> {
  let active = 0;
  const waiters = new Ring<() => void>();
  return async <A, R>(fn: (arg: A) => Promise<R>, arg: A): Promise<R> => {
    if (active < limit) active++;
    else
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
      });
    try {
      return await fn(arg);
    } finally {
      if (waiters.length > 0) waiters.shift()();
      else active--;
    }
  };
}
