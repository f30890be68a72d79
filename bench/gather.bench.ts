// gather fan-out: `rounds` gathers of `width` children each (n = rounds × width children in all);
// each child awaits sleep(0) once and returns its index.
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";

const WIDTH = 1000;

const child = asyncio.coroutine(async (i: number): Promise<number> => {
  await asyncio.sleep(0);
  return i;
});

async function rawChild(i: number): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/await-thenable -- the raw floor: one microtask
  await null;
  return i;
}

function* effectionChild(i: number): effection.Operation<number> {
  yield* effection.sleep(0);
  return i;
}

function check(results: readonly number[]): void {
  if (results.length !== WIDTH || results[WIDTH - 1] !== WIDTH - 1) throw new Error("wrong gather result");
}

export const bench = defineBench({
  name: "gather",
  title: `gather fan-out: {n} children in gathers of ${WIDTH}, each awaiting sleep(0)`,
  n: 100_000,
  quickN: 2_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => {
        const t0 = now();
        for (let r = 0; r < n / WIDTH; r++) {
          const children = new Array<asyncio.Coroutine<number>>(WIDTH);
          for (let i = 0; i < WIDTH; i++) children[i] = child(i);
          check(await asyncio.gather(...children));
        }
        return { time: msSince(t0) };
      }),
    raw: async (n) => {
      const t0 = now();
      for (let r = 0; r < n / WIDTH; r++) {
        const children = new Array<Promise<number>>(WIDTH);
        for (let i = 0; i < WIDTH; i++) children[i] = rawChild(i);
        check(await Promise.all(children));
      }
      return { time: msSince(t0) };
    },
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        const t0 = now();
        for (let r = 0; r < n / WIDTH; r++) {
          const children = new Array<effection.Operation<number>>(WIDTH);
          for (let i = 0; i < WIDTH; i++) children[i] = effectionChild(i);
          check(yield* effection.all(children));
        }
        return { time: msSince(t0) };
      }),
  },
  notes: [
    "raw: Promise.all over async functions doing `await null`",
    "effection: all() over operations doing sleep(0), a setTimeout(0) (≥ 1 ms) per round",
  ],
  limits: { effection: { reps: 3, n: 10_000 } },
});

if (import.meta.main) await benchMain(bench);
