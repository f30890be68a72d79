// callSoon throughput: a chain of n callbacks, each scheduling the next (one per loop iteration),
// and a batch of n callbacks scheduled at once (one iteration runs them all).
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";

async function asyncioChain(n: number): Promise<number> {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture<undefined>();
  let left = n;
  const step = (): void => {
    if (--left > 0) loop.callSoon(step);
    else done.setResult(undefined);
  };
  const t0 = now();
  loop.callSoon(step);
  await done;
  return msSince(t0);
}

async function asyncioBatch(n: number): Promise<number> {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture<undefined>();
  let left = n;
  const step = (): void => {
    if (--left === 0) done.setResult(undefined);
  };
  const t0 = now();
  for (let i = 0; i < n; i++) loop.callSoon(step);
  await done;
  return msSince(t0);
}

async function rawChain(n: number): Promise<number> {
  const { promise, resolve } = Promise.withResolvers<undefined>();
  let left = n;
  const step = (): void => {
    if (--left > 0) queueMicrotask(step);
    else resolve(undefined);
  };
  const t0 = now();
  queueMicrotask(step);
  await promise;
  return msSince(t0);
}

async function rawBatch(n: number): Promise<number> {
  const { promise, resolve } = Promise.withResolvers<undefined>();
  let left = n;
  const step = (): void => {
    if (--left === 0) resolve(undefined);
  };
  const t0 = now();
  for (let i = 0; i < n; i++) queueMicrotask(step);
  await promise;
  return msSince(t0);
}

export const bench = defineBench({
  name: "callsoon",
  title: "{n} callSoon callbacks",
  n: 300_000,
  quickN: 20_000,
  metrics: [
    { key: "chain", label: "chain", unit: "ms" },
    { key: "batch", label: "batch", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => ({
        chain: await asyncioChain(n),
        batch: await asyncioBatch(n),
      })),
    raw: async (n) => ({ chain: await rawChain(n), batch: await rawBatch(n) }),
  },
  notes: [
    "chain: each callback schedules the next, so every callback is a loop iteration; batch: n scheduled, then run",
    "raw: queueMicrotask; effection has no callback scheduler (n/a)",
  ],
});

if (import.meta.main) await benchMain(bench);
