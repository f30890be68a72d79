// Bytes per parked task: n tasks each awaiting its own never-resolved future; V8 heap in use
// (after a full GC) before and after, divided by n. Every contender keeps the n task handles and
// the n futures (or resolvers) in two arrays (8 bytes each per task), as a program that wakes and
// joins them later would; the futures are resolved afterwards (cheaper than n cancellations).
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { C3Future, C3Task, runFloor, sleep0 } from "./_floor-c3.ts";
import { benchMain, defineBench, heapUsedAfterGc, type Metrics } from "./_harness.ts";

const futures: asyncio.Future<undefined>[] = [];

async function parked(): Promise<void> {
  const fut = asyncio.getRunningLoop().createFuture<undefined>();
  futures.push(fut);
  await fut;
}

const c3Futures: C3Future[] = [];

async function c3Parked(): Promise<void> {
  const fut = new C3Future();
  c3Futures.push(fut);
  await fut;
}

const resolvers: ((value: undefined) => void)[] = [];

async function rawParked(): Promise<void> {
  await new Promise<undefined>((resolve) => {
    resolvers.push(resolve);
  });
}

export const bench = defineBench({
  name: "memory",
  title: "heap bytes per parked task ({n} tasks, each awaiting a never-resolved future)",
  n: 100_000,
  quickN: 2_000,
  metrics: [{ key: "bytes", label: "bytes/task", unit: "B", scaling: "per-item" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => {
        await asyncio.sleep(0);
        const before = heapUsedAfterGc();
        const tasks = new Array<asyncio.Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = asyncio.createTask(parked);
        await asyncio.sleep(0);
        await asyncio.sleep(0);
        const after = heapUsedAfterGc();
        for (const fut of futures) fut.setResult(undefined);
        futures.length = 0;
        for (const t of tasks) await t;
        return { bytes: (after - before) / n };
      }),
    c3: (n) =>
      runFloor(async (): Promise<Metrics> => {
        await sleep0();
        const before = heapUsedAfterGc();
        const tasks = new Array<C3Task>(n);
        for (let i = 0; i < n; i++) tasks[i] = new C3Task(c3Parked);
        await sleep0();
        await sleep0();
        const after = heapUsedAfterGc();
        for (const fut of c3Futures) fut.setResult(undefined);
        c3Futures.length = 0;
        for (const t of tasks) await t;
        return { bytes: (after - before) / n };
      }),
    raw: async (n) => {
      // eslint-disable-next-line @typescript-eslint/await-thenable -- the raw floor: one microtask
      await null;
      const before = heapUsedAfterGc();
      const ps = new Array<Promise<void>>(n);
      for (let i = 0; i < n; i++) ps[i] = rawParked();
      await new Promise((resolve) => setImmediate(resolve));
      const after = heapUsedAfterGc();
      for (const resolve of resolvers) resolve(undefined);
      resolvers.length = 0;
      for (const p of ps) await p;
      return { bytes: (after - before) / n };
    },
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        const before = heapUsedAfterGc();
        const tasks = new Array<effection.Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = yield* effection.spawn(effection.suspend);
        yield* effection.sleep(0);
        const after = heapUsedAfterGc();
        // Leaving the scope halts them all.
        return { bytes: (after - before) / n };
      }),
  },
  targets: [
    { text: "≤ 1,100 bytes of heap per parked task (issue 14)", metric: "bytes", kind: "max", amount: 1100 },
    { text: "≤ 800 bytes of heap per parked task", metric: "bytes", kind: "max", amount: 800 },
  ],
  notes: [
    "c3: the floor of the design (bench/_floor-c3.ts), the same program on its tasks and futures",
    "V8 heapUsed after gc() (--expose-gc); CPython: tracemalloc's traced memory (the twin's figure)",
    "raw: an async function per task awaiting a pending promise whose resolver is kept in an array",
    "effection: spawn(suspend), halted by leaving the scope",
  ],
  warmup: 0,
  limits: { effection: { reps: 1, n: 10_000 } },
});

if (import.meta.main) await benchMain(bench);
