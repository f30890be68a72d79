// Uncontended fast paths (issue 8): one task takes and gives back a free Lock n times, and gets n
// items from a queue that is never empty (each `getNowait`-able). Nothing waits: these measure
// what a lazy awaitable costs where the old eager promise resolved at once.
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";
import { RawChannel, RawMutex } from "./_raw.ts";

// ---- asyncio-ts --------------------------------------------------------------------------------

async function asyncioLock(n: number): Promise<number> {
  const lock = new asyncio.Lock();
  let count = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    count++;
    lock.release();
  }
  const ms = msSince(t0);
  if (count !== n || lock.locked()) throw new Error("lock bench went wrong");
  return ms;
}

async function asyncioGet(n: number): Promise<number> {
  const q = new asyncio.Queue<number>();
  q.putNowait(0);
  let sum = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    q.putNowait(i);
    sum += await q.get();
  }
  const ms = msSince(t0);
  if (sum !== ((n - 2) * (n - 1)) / 2 || q.qsize() !== 1) throw new Error(`wrong sum ${sum}`);
  return ms;
}

// ---- raw: the hand-written mutex and channel (bench/_raw.ts), awaited the same way ---------------

async function rawLock(n: number): Promise<number> {
  const mutex = new RawMutex();
  let count = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await mutex.acquire();
    count++;
    mutex.release();
  }
  const ms = msSince(t0);
  if (count !== n) throw new Error("raw lock bench went wrong");
  return ms;
}

async function rawGet(n: number): Promise<number> {
  const ch = new RawChannel<number>(0);
  void ch.put(0);
  let sum = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    void ch.put(i); // unbounded: never waits
    sum += await ch.get();
  }
  const ms = msSince(t0);
  if (sum !== ((n - 2) * (n - 1)) / 2) throw new Error(`wrong sum ${sum}`);
  return ms;
}

// ---- thenable: the cheapest lazy design (a thenable whose then() completes at once) --------------

/** A lock whose acquire() returns a thenable that takes the lock only when awaited. */
class ThenableLock {
  locked = false;
  acquire(): PromiseLike<true> {
    return new LazyAcquire(this);
  }
  release(): void {
    this.locked = false;
  }
}

class LazyAcquire implements PromiseLike<true> {
  readonly #lock: ThenableLock;
  constructor(lock: ThenableLock) {
    this.#lock = lock;
  }
  then<R1 = true, R2 = never>(
    onFulfilled?: ((value: true) => R1 | PromiseLike<R1>) | null,
  ): PromiseLike<R1 | R2> {
    if (this.#lock.locked) throw new Error("the benchmark never contends");
    this.#lock.locked = true;
    onFulfilled?.(true);
    return this as unknown as PromiseLike<R1 | R2>;
  }
}

async function thenableLock(n: number): Promise<number> {
  const lock = new ThenableLock();
  let count = 0;
  const t0 = now();
  for (let i = 0; i < n; i++) {
    await lock.acquire();
    count++;
    lock.release();
  }
  const ms = msSince(t0);
  if (count !== n) throw new Error("thenable lock bench went wrong");
  return ms;
}

export const bench = defineBench({
  name: "fastpath",
  title: "{n} uncontended awaits in one task: Lock acquire/release, get() from a non-empty Queue",
  n: 1_000_000,
  quickN: 20_000,
  metrics: [
    { key: "lock", label: "await lock.acquire(); release()", unit: "ms" },
    { key: "get", label: "putNowait(); await q.get()", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => ({ lock: await asyncioLock(n), get: await asyncioGet(n) })),
    raw: async (n) => ({ lock: await rawLock(n), get: await rawGet(n) }),
    thenable: async (n) => ({ lock: await thenableLock(n) }),
  },
  notes: [
    "raw: bench/_raw.ts's mutex and channel, awaited the same way (an uncontended acquire returns undefined)",
    "thenable: the cheapest lazy design, a fresh thenable whose then() takes the lock at once (no library)",
  ],
});

if (import.meta.main) await benchMain(bench);
