// Parallel speed-up: 2 CPU-bound jobs (n steps of the logistic map each, ~0.7 s apiece) on a 2-worker
// ThreadPoolExecutor versus the same 2 jobs on a 1-worker pool (one after the other). The pools
// are started (a tiny job on each worker) before the clock starts.
import { Piscina } from "piscina";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, type Metrics, msSince, now } from "./_harness.ts";
import { ProcessPoolExecutor } from "./executor.bench.ts";
import { RawPool } from "./_raw-pool.ts";
import { spin } from "./_workers.ts";

const JOBS = 2;
const MODULE = new URL("./_workers.ts", import.meta.url).href;

/** Every job computed the same checksum. */
function check(results: readonly number[]): void {
  if (results.length !== JOBS || results.some((r) => typeof r !== "number" || r !== results[0])) {
    throw new Error(`wrong results ${results.join(", ")}`);
  }
}

function asyncioPool(workers: number) {
  return (n: number): Promise<Metrics> =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await using pool = new asyncio.ThreadPoolExecutor(workers);
      await asyncio.gather(...Array.from({ length: workers }, () => loop.runInExecutor(pool, () => 0)));
      const t0 = now();
      const futures = Array.from({ length: JOBS }, () => loop.runInExecutor(pool, spin, n));
      const results: number[] = await asyncio.gather(...futures);
      const ms = msSince(t0);
      check(results);
      return { time: ms };
    });
}

export const bench = defineBench({
  name: "cpu",
  title: `${JOBS} CPU-bound jobs of {n} logistic-map steps each (~0.7 s apiece at the default n)`,
  n: 350_000_000,
  quickN: 35_000_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": asyncioPool(2),
    "asyncio-ts 1 worker": asyncioPool(1),
    raw: async (n) => {
      const pool = new RawPool(2);
      await Promise.all([pool.run(() => 0), pool.run(() => 0)]);
      const t0 = now();
      const results = await Promise.all(Array.from({ length: JOBS }, () => pool.run(spin, n)));
      const ms = msSince(t0);
      await pool.close();
      check(results);
      return { time: ms };
    },
    piscina: async (n) => {
      const pool = new Piscina<number, number>({ filename: MODULE, minThreads: 2, maxThreads: 2 });
      await Promise.all([pool.run(1, { name: "spin" }), pool.run(1, { name: "spin" })]);
      const t0 = now();
      const results = await Promise.all(Array.from({ length: JOBS }, () => pool.run(n, { name: "spin" })));
      const ms = msSince(t0);
      await pool.destroy();
      check(results);
      return { time: ms };
    },
    ...(ProcessPoolExecutor === undefined
      ? {}
      : {
          ProcessPoolExecutor: (n: number): Promise<Metrics> =>
            asyncio.run(async () => {
              const Pool = ProcessPoolExecutor;
              if (Pool === undefined) throw new Error("no ProcessPoolExecutor in src/");
              const pool = new Pool(2);
              try {
                await asyncio.gather(
                  pool.submit(() => 0),
                  pool.submit(() => 0),
                );
                const t0 = now();
                const results = (await asyncio.gather(
                  ...Array.from({ length: JOBS }, () => pool.submit(spin as asyncio.ExecutorFn<never[]>, n)),
                )) as number[];
                const ms = msSince(t0);
                check(results);
                return { time: ms };
              } finally {
                await pool.shutdown();
              }
            }),
        }),
    "main thread": async (n) => {
      await Promise.resolve();
      const t0 = now();
      const results = Array.from({ length: JOBS }, () => spin(n));
      const ms = msSince(t0);
      check(results);
      return { time: ms };
    },
  },
  targets: [
    {
      text: "2 jobs on 2 workers ≥ 1.8x faster than on 1 worker (speed-up)",
      metric: "time",
      kind: "faster",
      vs: "asyncio-ts 1 worker",
      factor: 1.8,
    },
  ],
  notes: [
    "asyncio-ts: ThreadPoolExecutor(2), `gather(runInExecutor(pool, spin, n) × 2)` (spin sent " +
      "by source); asyncio-ts 1 worker: the same on maxWorkers 1, so the jobs run one after the other",
    "raw: 2 eval'd worker_threads Workers (bench/_raw-pool.ts); piscina: minThreads = maxThreads = 2; " +
      "main thread: the 2 jobs in sequence, no worker; ProcessPoolExecutor (when src/ has it; no target): " +
      "asyncio-ts ProcessPoolExecutor(2), the same 2 jobs",
    "a shared 2-core machine: any other load during the run takes a core from the 2 workers and the speed-up with it",
    "speed-up = (asyncio-ts 1 worker) ÷ (asyncio-ts); the target line shows it as 'x faster'",
    "cpython: ProcessPoolExecutor(2) on the same loop (bench/py/cpu.py) at a smaller n; the CPy÷ column compares " +
      "time per step",
  ],
  limits: { cpython: { n: 10_000_000, reps: 3 } },
});

if (import.meta.main) await benchMain(bench);
