// Lock contention: 1,000 tasks each take one Lock n / 1,000 times (n acquisitions in all), yielding
// once inside the critical section, so every release finds ~999 waiters queued.
import { Mutex } from "async-mutex";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";
import { RawMutex } from "./_raw.ts";

const TASKS = 1000;

/** Counts the acquisitions and checks that no two bodies overlap. */
class Tally {
  inside = false;
  count = 0;
  enter(): void {
    if (this.inside) throw new Error("two tasks inside the lock");
    this.inside = true;
  }
  leave(): void {
    this.inside = false;
    this.count++;
  }
  check(n: number): void {
    if (this.count !== n) throw new Error(`${this.count} acquisitions, expected ${n}`);
  }
}

// ---- asyncio-ts: `async with lock: await asyncio.sleep(0)` -------------------------------------

async function asyncioLock(n: number): Promise<number> {
  const lock = new asyncio.Lock();
  const tally = new Tally();
  const per = n / TASKS;
  const body = async (): Promise<void> => {
    tally.enter();
    await asyncio.sleep(0);
    tally.leave();
  };
  const worker = asyncio.coroutine(async (): Promise<void> => {
    for (let i = 0; i < per; i++) await lock.with(body);
  });
  const t0 = now();
  const workers = new Array<asyncio.Coroutine<void>>(TASKS);
  for (let t = 0; t < TASKS; t++) workers[t] = worker();
  await asyncio.gather(...workers);
  const ms = msSince(t0);
  tally.check(n);
  return ms;
}

// ---- async-mutex: Mutex.runExclusive, `await null` inside ----------------------------------------

async function asyncMutex(n: number): Promise<number> {
  const mutex = new Mutex();
  const tally = new Tally();
  const per = n / TASKS;
  const body = async (): Promise<void> => {
    tally.enter();
    // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask: the raw sleep(0)
    await null;
    tally.leave();
  };
  const worker = async (): Promise<void> => {
    for (let i = 0; i < per; i++) await mutex.runExclusive(body);
  };
  const t0 = now();
  const workers = new Array<Promise<void>>(TASKS);
  for (let t = 0; t < TASKS; t++) workers[t] = worker();
  await Promise.all(workers);
  const ms = msSince(t0);
  tally.check(n);
  return ms;
}

// ---- raw: a hand-written FIFO promise mutex, `await null` inside ---------------------------------

async function rawLock(n: number): Promise<number> {
  const mutex = new RawMutex();
  const tally = new Tally();
  const per = n / TASKS;
  const worker = async (): Promise<void> => {
    for (let i = 0; i < per; i++) {
      await mutex.acquire();
      try {
        tally.enter();
        // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask: the raw sleep(0)
        await null;
        tally.leave();
      } finally {
        mutex.release();
      }
    }
  };
  const t0 = now();
  const workers = new Array<Promise<void>>(TASKS);
  for (let t = 0; t < TASKS; t++) workers[t] = worker();
  await Promise.all(workers);
  const ms = msSince(t0);
  tally.check(n);
  return ms;
}

export const bench = defineBench({
  name: "lock",
  title: `{n} acquisitions of one Lock by ${TASKS.toLocaleString("en-US")} tasks, sleep(0) inside`,
  n: 100_000,
  quickN: 10_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) => asyncio.run(async (): Promise<Metrics> => ({ time: await asyncioLock(n) })),
    "async-mutex": async (n) => ({ time: await asyncMutex(n) }),
    raw: async (n) => ({ time: await rawLock(n) }),
  },
  targets: [
    {
      text: "Lock ≥ 3x faster than async-mutex",
      metric: "time",
      kind: "faster",
      vs: "async-mutex",
      factor: 3,
    },
  ],
  notes: [
    "asyncio-ts and CPython: `lock.with(body)` / `async with lock:` around `await sleep(0)` (a loop iteration), " +
      "tasks gathered",
    "async-mutex: Mutex.runExclusive(body); raw: a hand-written FIFO mutex (bench/_raw.ts) handing the lock " +
      "straight to the first waiter; both `await null` (one microtask) instead of sleep(0), as they have no loop",
  ],
});

if (import.meta.main) await benchMain(bench);
