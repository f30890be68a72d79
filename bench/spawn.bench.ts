// Spawn and join: n tasks each awaiting `sleep(0)`, created all at once, then joined in order.
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { C3Task, runFloor, sleep0 } from "./_floor-c3.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";

async function child(): Promise<void> {
  await asyncio.sleep(0);
}

async function rawChild(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/await-thenable -- the raw floor: one microtask
  await null;
}

async function c3Child(): Promise<void> {
  await sleep0();
}

function* effectionChild(): effection.Operation<void> {
  yield* effection.sleep(0);
}

export const bench = defineBench({
  name: "spawn",
  title: "spawn+join of {n} tasks, each awaiting sleep(0)",
  n: 100_000,
  quickN: 2_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => {
        const t0 = now();
        const tasks: asyncio.Task<void>[] = new Array<asyncio.Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = asyncio.createTask(child);
        for (const t of tasks) await t;
        return { time: msSince(t0) };
      }),
    c3: (n) =>
      runFloor(async (): Promise<Metrics> => {
        const t0 = now();
        const tasks = new Array<C3Task>(n);
        for (let i = 0; i < n; i++) tasks[i] = new C3Task(c3Child);
        for (const t of tasks) await t;
        return { time: msSince(t0) };
      }),
    raw: async (n) => {
      const t0 = now();
      const ps: Promise<void>[] = new Array<Promise<void>>(n);
      for (let i = 0; i < n; i++) ps[i] = rawChild();
      for (const p of ps) await p;
      return { time: msSince(t0) };
    },
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        const t0 = now();
        const tasks: effection.Task<void>[] = new Array<effection.Task<void>>(n);
        for (let i = 0; i < n; i++) tasks[i] = yield* effection.spawn(effectionChild);
        for (const t of tasks) yield* t;
        return { time: msSince(t0) };
      }),
  },
  targets: [
    {
      text: "spawn+join ≥ 20x faster than CPython 3.13",
      metric: "time",
      kind: "faster",
      vs: "cpython",
      factor: 20,
    },
    {
      text: "spawn+join within 1.15x of the c3 floor",
      metric: "time",
      kind: "within",
      vs: "c3",
      factor: 1.15,
    },
    {
      text: "spawn+join within 3x of raw `await null`",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 3,
    },
  ],
  notes: [
    "c3: the floor of the design (bench/_floor-c3.ts): a thenable future and one AsyncLocalStorage frame per task, CPython's order",
    "raw: an async function per task doing `await null`, joined by awaiting each promise",
    "effection: spawn + sleep(0), which is a setTimeout(0) (≥ 1 ms) in effection",
  ],
  warmup: 5,
  limits: { effection: { reps: 3, warmup: 1, n: 10_000 } },
});

if (import.meta.main) await benchMain(bench);
