// The trace timeline's cost (issue 11 item 3): the switches and spawn workloads with tracing on
// (`run(main, { trace })`, the default ring of 100 000 records) against the same without it.
// The file is written when the loop closes, outside the timed part. That tracing off costs
// nothing is shown by bench/switches and bench/spawn, before and after the hooks went in.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";

const FILE = join(tmpdir(), `asyncio-ts-trace-bench-${String(process.pid)}.json`);
// Each traced repetition rewrites it; none is left behind.
process.on("exit", () => {
  rmSync(FILE, { force: true });
});

/**
 * Milliseconds of this thread's CPU since `t0` (a threadCpuUsage() reading): steadier than wall
 * time on a shared machine, where waiting for a core counts in the wall time.
 */
function cpuSince(t0: NodeJS.CpuUsage): number {
  const d = process.threadCpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** Wall and CPU milliseconds of `body`. */
async function timed(body: () => Promise<void>): Promise<[number, number]> {
  const c0 = process.threadCpuUsage();
  const t0 = now();
  await body();
  return [msSince(t0), cpuSince(c0)];
}

async function switches(n: number): Promise<[number, number]> {
  const loop = asyncio.getRunningLoop();
  const slot: [asyncio.Future<undefined> | null, asyncio.Future<undefined> | null] = [null, null];
  const side = async (me: 0 | 1, rounds: number): Promise<void> => {
    const other = (1 - me) as 0 | 1;
    for (let i = 0; i < rounds; i++) {
      const fut = loop.createFuture<undefined>();
      slot[me] = fut;
      const peer = slot[other];
      if (peer !== null) {
        slot[other] = null;
        peer.setResult(undefined);
      }
      await fut;
    }
    const peer = slot[other];
    slot[other] = null;
    peer?.setResult(undefined);
  };
  return timed(async () => {
    const a = asyncio.createTask(() => side(0, n / 2));
    const b = asyncio.createTask(() => side(1, n / 2));
    await a;
    await b;
  });
}

async function child(): Promise<void> {
  await asyncio.sleep(0);
}

async function spawn(n: number): Promise<[number, number]> {
  return timed(async () => {
    const tasks: asyncio.Task<void>[] = new Array<asyncio.Task<void>>(n);
    for (let i = 0; i < n; i++) tasks[i] = asyncio.createTask(child);
    for (const t of tasks) await t;
  });
}

function metrics(sw: [number, number], sp: [number, number]): Metrics {
  return { switches: sw[0], switchesCpu: sw[1], spawn: sp[0], spawnCpu: sp[1] };
}

function workload(n: number, options: asyncio.RunnerOptions): Promise<Metrics> {
  return asyncio.run(async (): Promise<Metrics> => metrics(await switches(n), await spawn(n / 4)), options);
}

async function rawSwitches(n: number): Promise<[number, number]> {
  const slot: [PromiseWithResolvers<undefined> | null, PromiseWithResolvers<undefined> | null] = [null, null];
  const side = async (me: 0 | 1, rounds: number): Promise<void> => {
    const other = (1 - me) as 0 | 1;
    for (let i = 0; i < rounds; i++) {
      const fut = Promise.withResolvers<undefined>();
      slot[me] = fut;
      const peer = slot[other];
      if (peer !== null) {
        slot[other] = null;
        peer.resolve(undefined);
      }
      await fut.promise;
    }
    const peer = slot[other];
    slot[other] = null;
    peer?.resolve(undefined);
  };
  return timed(async () => {
    await Promise.all([side(0, n / 2), side(1, n / 2)]);
  });
}

async function rawSpawn(n: number): Promise<[number, number]> {
  return timed(async () => {
    const ps: Promise<void>[] = new Array<Promise<void>>(n);
    for (let i = 0; i < n; i++)
      ps[i] = (async () => {
        // eslint-disable-next-line @typescript-eslint/await-thenable -- the raw floor: one microtask
        await null;
      })();
    for (const p of ps) await p;
  });
}

export const bench = defineBench({
  name: "trace",
  title: "{n} task switches, then spawn+join of n/4 tasks: trace timeline on (asyncio-ts) vs off (untraced)",
  n: 200_000,
  quickN: 8_000,
  metrics: [
    { key: "switches", label: "Future switches", unit: "ms" },
    { key: "switchesCpu", label: "Future switches, CPU", unit: "ms" },
    { key: "spawn", label: "spawn+join", unit: "ms" },
    { key: "spawnCpu", label: "spawn+join, CPU", unit: "ms" },
  ],
  python: false,
  contenders: {
    "asyncio-ts": (n) => workload(n, { trace: FILE }),
    untraced: (n) => workload(n, {}),
    raw: async (n) => metrics(await rawSwitches(n), await rawSpawn(n / 4)),
  },
  targets: [
    {
      text: "Future switches traced within 3x of untraced",
      metric: "switches",
      kind: "within",
      vs: "untraced",
      factor: 3,
    },
    {
      text: "spawn+join traced within 3x of untraced",
      metric: "spawn",
      kind: "within",
      vs: "untraced",
      factor: 3,
    },
    {
      text: "Future switches traced within 3x of untraced (CPU)",
      metric: "switchesCpu",
      kind: "within",
      vs: "untraced",
      factor: 3,
    },
    {
      text: "spawn+join traced within 3x of untraced (CPU)",
      metric: "spawnCpu",
      kind: "within",
      vs: "untraced",
      factor: 3,
    },
  ],
  notes: [
    "asyncio-ts: run(main, { trace }) with the default ring (100 000 records); untraced: run(main)",
    "the file is written when the loop closes, outside the timed part",
    "CPU: this thread's CPU time (process.threadCpuUsage), steadier than wall time on a shared machine",
  ],
});

if (import.meta.main) await benchMain(bench);
