// Timers: n tasks each sleep a delay of 0–100 ms (spread evenly, the same for every contender);
// total time, and how late each sleep returned (p50, p99). The sleepers are started in batches of
// BATCH, yielding to the loop between batches: started all at once, the first sleepers' lateness
// would only measure how long it takes to start the other 100k (about 1 s, GC-bound, for raw
// promises as much as for us) and not the timers.
import { performance } from "node:perf_hooks";
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, percentile, type Metrics } from "./_harness.ts";

/** Milliseconds the i-th sleeper sleeps: 0..100, spread evenly (the Python twin uses the same). */
function delayMs(i: number): number {
  return (i * 7919) % 101;
}

const BATCH = 1000;
/** The light-load run: this many sleepers, started at once, measure the timers' own precision. */
const LIGHT = 1000;

function summary(total: number, late: Float64Array, light: Float64Array): Metrics {
  return {
    total,
    p50: percentile(late, 50),
    p99: percentile(late, 99),
    lightP50: percentile(light, 50),
    lightP99: percentile(light, 99),
  };
}

async function asyncioSleeper(i: number, late: Float64Array): Promise<void> {
  const d = delayMs(i);
  const t0 = performance.now();
  await asyncio.sleep(d / 1000);
  late[i] = performance.now() - t0 - d;
}

async function rawSleeper(i: number, late: Float64Array): Promise<void> {
  const d = delayMs(i);
  const t0 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, d));
  late[i] = performance.now() - t0 - d;
}

function* effectionSleeper(i: number, late: Float64Array): effection.Operation<void> {
  const d = delayMs(i);
  const t0 = performance.now();
  yield* effection.sleep(d);
  late[i] = performance.now() - t0 - d;
}

export const bench = defineBench({
  name: "timers",
  title: "{n} concurrent sleeps of 0–100 ms",
  n: 100_000,
  quickN: 2_000,
  metrics: [
    { key: "total", label: "total time", unit: "ms", scaling: "none" },
    { key: "p50", label: "lateness p50", unit: "ms", scaling: "none", compare: "difference" },
    { key: "p99", label: "lateness p99", unit: "ms", scaling: "none", compare: "difference" },
    {
      key: "lightP50",
      label: `lateness p50, ${LIGHT} sleepers`,
      unit: "ms",
      scaling: "per-item",
      compare: "difference",
    },
    {
      key: "lightP99",
      label: `lateness p99, ${LIGHT} sleepers`,
      unit: "ms",
      scaling: "per-item",
      compare: "difference",
    },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => {
        const light = new Float64Array(Math.min(LIGHT, n));
        const few = new Array<asyncio.Task<void>>(light.length);
        for (let i = 0; i < light.length; i++) few[i] = asyncio.createTask(() => asyncioSleeper(i, light));
        for (const t of few) await t;
        const late = new Float64Array(n);
        const t0 = now();
        const tasks = new Array<asyncio.Task<void>>(n);
        for (let i = 0; i < n; i++) {
          if (i % BATCH === 0 && i > 0) await asyncio.sleep(0);
          tasks[i] = asyncio.createTask(() => asyncioSleeper(i, late));
        }
        for (const t of tasks) await t;
        return summary(msSince(t0), late, light);
      }),
    raw: async (n) => {
      const light = new Float64Array(Math.min(LIGHT, n));
      const few = new Array<Promise<void>>(light.length);
      for (let i = 0; i < light.length; i++) few[i] = rawSleeper(i, light);
      for (const p of few) await p;
      const late = new Float64Array(n);
      const t0 = now();
      const ps = new Array<Promise<void>>(n);
      for (let i = 0; i < n; i++) {
        if (i % BATCH === 0 && i > 0) await new Promise((resolve) => setImmediate(resolve));
        ps[i] = rawSleeper(i, late);
      }
      for (const p of ps) await p;
      return summary(msSince(t0), late, light);
    },
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        const light = new Float64Array(Math.min(LIGHT, n));
        const few = new Array<effection.Task<void>>(light.length);
        for (let i = 0; i < light.length; i++)
          few[i] = yield* effection.spawn(() => effectionSleeper(i, light));
        for (const t of few) yield* t;
        const late = new Float64Array(n);
        const t0 = now();
        const tasks = new Array<effection.Task<void>>(n);
        for (let i = 0; i < n; i++) {
          if (i % BATCH === 0 && i > 0) yield* effection.sleep(0);
          tasks[i] = yield* effection.spawn(() => effectionSleeper(i, late));
        }
        for (const t of tasks) yield* t;
        return summary(msSince(t0), late, light);
      }),
  },
  targets: [
    {
      text: "timer lateness p99 ≤ raw setTimeout's p99 + 1 ms",
      metric: "p99",
      kind: "plus",
      vs: "raw",
      amount: 1,
    },
    {
      text: `(same, with ${LIGHT} sleepers: the timers' own precision)`,
      metric: "lightP99",
      kind: "plus",
      vs: "raw",
      amount: 1,
    },
  ],
  notes: [
    "lateness = when the sleep returned − when it was asked for − its delay; with 100k sleepers p99 is set by GC pauses",
    `first, ${LIGHT} sleepers started at once measure lateness under light load (same delays)`,
    `sleepers start in batches of ${BATCH}, with a turn of the loop between batches (raw: setImmediate)`,
    "raw: setTimeout in a promise; effection: sleep(), which is setTimeout",
  ],
  limits: { effection: { reps: 1, n: 10_000 } },
});

if (import.meta.main) await benchMain(bench);
