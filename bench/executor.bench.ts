// Executor throughput: n tiny jobs `(a, b) => a + b` on 2 worker threads, all submitted at once
// and gathered. `cold` times a fresh pool (its workers start on demand) to the last result;
// `warm` a second batch on the same pool.
import { Piscina } from "piscina";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, type Metrics, msSince, now } from "./_harness.ts";
import { RawPool } from "./_raw-pool.ts";

const WORKERS = 2;
const JOBS = new URL("./_workers.ts", import.meta.url).href;

const add = (a: number, b: number): number => a + b;

function check(results: readonly number[], n: number): void {
  let sum = 0;
  for (const r of results) sum += r;
  if (results.length !== n || sum !== n * (n - 1)) throw new Error(`wrong results for n = ${n}`);
}

/** Time `batch()` twice (a fresh pool, then warm) around `open` and `close`. */
async function coldWarm<P>(
  open: () => P,
  batch: (pool: P) => Promise<number[]>,
  close: (pool: P) => Promise<void>,
  n: number,
): Promise<Metrics> {
  let t0 = now();
  const pool = open();
  check(await batch(pool), n);
  const cold = msSince(t0);
  t0 = now();
  check(await batch(pool), n);
  const warm = msSince(t0);
  await close(pool);
  return { cold, warm };
}

/** What the benchmarks need of an executor (ThreadPoolExecutor, ProcessPoolExecutor). */
export interface ExecutorLike {
  submit(fn: asyncio.ExecutorFn<never[]>, ...args: unknown[]): asyncio.Future;
  shutdown(): Promise<void>;
}

/**
 * ProcessPoolExecutor, when src/ has it (another change adds it): looked up at run time, so that
 * this benchmark type-checks and runs without it.
 */
export const ProcessPoolExecutor = (asyncio as unknown as Record<string, unknown>).ProcessPoolExecutor as
  (new (maxWorkers: number) => ExecutorLike) | undefined;

function processPoolExecutor(n: number): Promise<Metrics> {
  const Pool = ProcessPoolExecutor;
  if (Pool === undefined) throw new Error("no ProcessPoolExecutor in src/");
  return asyncio.run(() =>
    coldWarm(
      () => new Pool(WORKERS),
      async (pool) => {
        const futures: asyncio.Future[] = new Array<asyncio.Future>(n);
        for (let i = 0; i < n; i++) futures[i] = pool.submit(add, i, i);
        return (await asyncio.gather(...futures)) as number[];
      },
      (pool) => pool.shutdown(),
      n,
    ),
  );
}

function asyncioExecutor(n: number, fn: asyncio.ExecutorFn<[number, number], number>): Promise<Metrics> {
  return asyncio.run(() => {
    const loop = asyncio.getRunningLoop();
    return coldWarm(
      () => new asyncio.ThreadPoolExecutor(WORKERS),
      async (pool) => {
        const futures: asyncio.Future<number>[] = new Array<asyncio.Future<number>>(n);
        for (let i = 0; i < n; i++) futures[i] = loop.runInExecutor(pool, fn, i, i);
        const results: number[] = await asyncio.gather(...futures);
        return results;
      },
      (pool) => pool.shutdown(),
      n,
    );
  });
}

export const bench = defineBench({
  name: "executor",
  title: `{n} tiny jobs (a + b) on ${WORKERS} worker threads, submitted at once and gathered`,
  n: 10_000,
  quickN: 1_000,
  metrics: [
    { key: "cold", label: "fresh pool", unit: "ms" },
    { key: "warm", label: "warm pool", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) => asyncioExecutor(n, add),
    "asyncio-ts (ref)": (n) => asyncioExecutor(n, { module: JOBS, name: "add" }),
    raw: (n) =>
      coldWarm(
        () => new RawPool(WORKERS),
        (pool) => {
          const ps: Promise<number>[] = new Array<Promise<number>>(n);
          for (let i = 0; i < n; i++) ps[i] = pool.run(add, i, i);
          return Promise.all(ps);
        },
        (pool) => pool.close(),
        n,
      ),
    piscina: (n) =>
      coldWarm(
        () =>
          new Piscina<[number, number], number>({ filename: JOBS, minThreads: WORKERS, maxThreads: WORKERS }),
        (pool) => {
          const ps: Promise<number>[] = new Array<Promise<number>>(n);
          for (let i = 0; i < n; i++) ps[i] = pool.run([i, i], { name: "addPair" });
          return Promise.all(ps);
        },
        (pool) => pool.destroy(),
        n,
      ),
    ...(ProcessPoolExecutor === undefined ? {} : { ProcessPoolExecutor: processPoolExecutor }),
  },
  targets: [
    {
      text: "10k tiny jobs, fresh pool: within 1.5x piscina",
      metric: "cold",
      kind: "within",
      vs: "piscina",
      factor: 1.5,
    },
    {
      text: "10k tiny jobs, warm pool: within 1.5x piscina",
      metric: "warm",
      kind: "within",
      vs: "piscina",
      factor: 1.5,
    },
  ],
  notes: [
    "asyncio-ts: ThreadPoolExecutor(2), `loop.runInExecutor(pool, (a, b) => a + b, i, i)` × n " +
      "(the function sent by source), gather(); (ref): the same function as { module, name }",
    "piscina: { minThreads: 2, maxThreads: 2 }, `run([i, i], { name: 'addPair' })` × n, Promise.all",
    "raw: 2 eval'd worker_threads Workers, one job at a time each, a ring-buffer queue, results by id " +
      "(bench/_raw-pool.ts)",
    "cpython: concurrent.futures.ThreadPoolExecutor(2), `loop.run_in_executor(pool, add, i, i)` × n, gather() " +
      "(threads share the heap there: no copies, but the GIL)",
    "ProcessPoolExecutor (when src/ has it; no target): asyncio-ts ProcessPoolExecutor(2), " +
      "`submit((a, b) => a + b, i, i)` × n over the IPC channel, gather()",
  ],
});

if (import.meta.main) await benchMain(bench);
