/**
 * A FIFO ring buffer: O(1) push and shift, no allocation once it has grown.
 * The loop's ready queue (CPython uses collections.deque).
 */
export class Deque<T> {
  #buf: (T | undefined)[];
  #mask: number;
  #head = 0;
  #size = 0;

  constructor(capacity = 64) {
    let cap = 16;
    while (cap < capacity) cap *= 2;
    this.#buf = new Array<T | undefined>(cap);
    this.#mask = cap - 1;
  }

  get length(): number {
    return this.#size;
  }

  push(item: T): void {
    if (this.#size > this.#mask) this.#grow();
    this.#buf[(this.#head + this.#size) & this.#mask] = item;
    this.#size++;
  }

  /** Removes and returns the first item; the caller checks `length` first. */
  shift(): T {
    const buf = this.#buf;
    const item = buf[this.#head] as T;
    buf[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#size--;
    return item;
  }

  /** Removes the first occurrence of `item` (O(1) at the head); returns whether it was found. */
  remove(item: T): boolean {
    const buf = this.#buf;
    const mask = this.#mask;
    for (let i = 0; i < this.#size; i++) {
      if (buf[(this.#head + i) & mask] !== item) continue;
      if (i === 0) {
        this.shift();
        return true;
      }
      for (let j = i; j < this.#size - 1; j++)
        buf[(this.#head + j) & mask] = buf[(this.#head + j + 1) & mask];
      buf[(this.#head + this.#size - 1) & mask] = undefined;
      this.#size--;
      return true;
    }
    return false;
  }

  /** Removes and returns the last item (LIFO); the caller checks `length` first. */
  pop(): T {
    const i = (this.#head + this.#size - 1) & this.#mask;
    const item = this.#buf[i] as T;
    this.#buf[i] = undefined;
    this.#size--;
    return item;
  }

  /** The i-th item from the head (0 <= i < length). */
  at(i: number): T {
    return this.#buf[(this.#head + i) & this.#mask] as T;
  }

  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#buf[this.#head];
  }

  clear(): void {
    this.#buf.fill(undefined);
    this.#head = 0;
    this.#size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.#size; i++) yield this.#buf[(this.#head + i) & this.#mask] as T;
  }

  #grow(): void {
    const old = this.#buf;
    const cap = old.length * 2;
    const buf = new Array<T | undefined>(cap);
    for (let i = 0; i < this.#size; i++) buf[i] = old[(this.#head + i) & this.#mask];
    this.#buf = buf;
    this.#head = 0;
    this.#mask = cap - 1;
  }
}
