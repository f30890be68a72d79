/**
 * An entry of the timer heap: ordered by `when`, then by scheduling order (`seq`).
 * @internal
 */
export interface HeapEntry {
  _when: number;
  _seq: number;
}

function less(a: HeapEntry, b: HeapEntry): boolean {
  return a._when < b._when || (a._when === b._when && a._seq < b._seq);
}

/**
 * A binary min-heap of timers. Ties on `when` come out in scheduling order (FIFO),
 * which CPython's heapq does not promise (see docs/differences.md#equal-timers-fifo).
 */
export class Heap<T extends HeapEntry> {
  items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const a = this.items;
    let i = a.length;
    a.push(item);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = a[p] as T;
      if (!less(item, parent)) break;
      a[i] = parent;
      i = p;
    }
    a[i] = item;
  }

  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) this.#siftDown(last, 0);
    return top;
  }

  /**
   * Rebuilds the heap keeping only the items for which `keep` is true, in place (no new array),
   * in O(n).
   */
  filter(keep: (item: T) => boolean): void {
    const a = this.items;
    const n = a.length;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const item = a[i] as T;
      if (keep(item)) a[kept++] = item;
    }
    a.length = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.#siftDown(a[i] as T, i);
  }

  #siftDown(item: T, i: number): void {
    const a = this.items;
    const n = a.length;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const right = c + 1;
      if (right < n && less(a[right] as T, a[c] as T)) c = right;
      const child = a[c] as T;
      if (!less(child, item)) break;
      a[i] = child;
      i = c;
    }
    a[i] = item;
  }
}
