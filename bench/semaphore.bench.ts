// Semaphore-limited fan-out: n jobs gathered at once, at most 100 running at a time under a
// Semaphore(100); each job awaits sleep(0) once while it holds its permit.
import pLimit from "p-limit";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";
import { rawLimiter } from "./_raw.ts";

const LIMIT = 100;

function check(results: readonly number[], n: number): void {
  if (results.length !== n || results[n - 1] !== n - 1) throw new Error("wrong gather result");
}

/** Checks that at most LIMIT jobs hold a permit at once. */
class Gauge {
  active = 0;
  peak = 0;
  enter(): void {
    if (++this.active > LIMIT) throw new Error(`${this.active} jobs inside a limit of ${LIMIT}`);
    if (this.active > this.peak) this.peak = this.active;
  }
  leave(): void {
    this.active--;
  }
}

// ---- asyncio-ts: gather(*(job(i) for i in range(n))), `async with sem: await sleep(0)` ------------

async function asyncioSemaphore(n: number): Promise<number> {
  const sem = new asyncio.Semaphore(LIMIT);
  const gauge = new Gauge();
  const job = asyncio.coroutine(async (i: number): Promise<number> =>
    sem.with(async () => {
      gauge.enter();
      await asyncio.sleep(0);
      gauge.leave();
      return i;
    }),
  );
  const t0 = now();
  const jobs = new Array<asyncio.Coroutine<number>>(n);
  for (let i = 0; i < n; i++) jobs[i] = job(i);
  const results = await asyncio.gather(...jobs);
  const ms = msSince(t0);
  check(results, n);
  return ms;
}

// ---- p-limit(100) with Promise.all, `await null` inside ------------------------------------------

async function pLimitJobs(n: number): Promise<number> {
  const limit = pLimit(LIMIT);
  const gauge = new Gauge();
  const body = async (i: number): Promise<number> => {
    gauge.enter();
    // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask: the raw sleep(0)
    await null;
    gauge.leave();
    return i;
  };
  const t0 = now();
  const jobs = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) jobs[i] = limit(body, i);
  const results = await Promise.all(jobs);
  const ms = msSince(t0);
  check(results, n);
  return ms;
}

// ---- raw: a hand-written FIFO limiter with Promise.all, `await null` inside -----------------------

async function rawJobs(n: number): Promise<number> {
  const limit = rawLimiter(LIMIT);
  const gauge = new Gauge();
  const body = async (i: number): Promise<number> => {
    gauge.enter();
    // eslint-disable-next-line @typescript-eslint/await-thenable -- one microtask: the raw sleep(0)
    await null;
    gauge.leave();
    return i;
  };
  const t0 = now();
  const jobs = new Array<Promise<number>>(n);
  for (let i = 0; i < n; i++) jobs[i] = limit(body, i);
  const results = await Promise.all(jobs);
  const ms = msSince(t0);
  check(results, n);
  return ms;
}

export const bench = defineBench({
  name: "semaphore",
  title: `{n} jobs gathered under Semaphore(${LIMIT}), each awaiting sleep(0)`,
  n: 100_000,
  quickN: 5_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) => asyncio.run(async (): Promise<Metrics> => ({ time: await asyncioSemaphore(n) })),
    "p-limit": async (n) => ({ time: await pLimitJobs(n) }),
    raw: async (n) => ({ time: await rawJobs(n) }),
  },
  targets: [
    {
      text: "Semaphore(100) + gather ≥ 1.5x faster than p-limit",
      metric: "time",
      kind: "faster",
      vs: "p-limit",
      factor: 1.5,
    },
  ],
  notes: [
    "asyncio-ts and CPython: gather() over n coroutines (n Tasks), each `sem.with(...)` / `async with sem:` " +
      "around `await sleep(0)` (a loop iteration)",
    "p-limit: limit(body, i) for each job, Promise.all; raw: a hand-written FIFO limiter (bench/_raw.ts) " +
      "handing the slot straight to the next job; both `await null` (one microtask) instead of sleep(0)",
  ],
});

if (import.meta.main) await benchMain(bench);
