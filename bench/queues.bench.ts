// Queue throughput: one producer puts n items, one consumer gets them, through a Queue(100) and
// through an unbounded Queue.
import * as effection from "effection";
import PQueue from "p-queue";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";
import { RawChannel } from "./_raw.ts";

const MAXSIZE = 100;

function check(sum: number, n: number): void {
  if (sum !== (n * (n - 1)) / 2) throw new Error(`wrong sum ${sum} for n = ${n}`);
}

// ---- asyncio-ts --------------------------------------------------------------------------------

async function asyncioQueue(n: number, maxsize: number): Promise<number> {
  const q = new asyncio.Queue<number>(maxsize);
  const t0 = now();
  const producer = asyncio.createTask(async () => {
    for (let i = 0; i < n; i++) await q.put(i);
  });
  const consumer = asyncio.createTask(async () => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += await q.get();
      q.taskDone();
    }
    return sum;
  });
  await producer;
  const sum = await consumer;
  const ms = msSince(t0);
  check(sum, n);
  return ms;
}

// ---- raw: the hand-written promise channel ------------------------------------------------------

async function rawQueue(n: number, maxsize: number): Promise<number> {
  const ch = new RawChannel<number>(maxsize);
  const t0 = now();
  const [, sum] = await Promise.all([
    (async () => {
      for (let i = 0; i < n; i++) await ch.put(i);
    })(),
    (async () => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += await ch.get();
      return sum;
    })(),
  ]);
  const ms = msSince(t0);
  check(sum, n);
  return ms;
}

// ---- p-queue: the consumer is the queue's runner (concurrency 1); the bound is onSizeLessThan ----

async function pQueue(n: number, maxsize: number): Promise<number> {
  const pq = new PQueue({ concurrency: 1 });
  let sum = 0;
  const consume = (i: number): void => {
    sum += i;
  };
  const t0 = now();
  for (let i = 0; i < n; i++) {
    if (maxsize > 0) await pq.onSizeLessThan(maxsize);
    void pq.add(() => {
      consume(i);
    });
  }
  await pq.onIdle();
  const ms = msSince(t0);
  check(sum, n);
  return ms;
}

// ---- effection: a channel (unbounded: send never waits) ------------------------------------------

function* effectionUnbounded(n: number): effection.Operation<number> {
  const channel = effection.createChannel<number>();
  const subscription = yield* channel;
  const t0 = now();
  const consumer = yield* effection.spawn(function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const next = yield* subscription.next();
      if (next.done === true) throw new Error("channel closed");
      sum += next.value;
    }
    return sum;
  });
  const producer = yield* effection.spawn(function* () {
    for (let i = 0; i < n; i++) yield* channel.send(i);
  });
  yield* producer;
  const sum = yield* consumer;
  const ms = msSince(t0);
  check(sum, n);
  return ms;
}

export const bench = defineBench({
  name: "queues",
  title: "{n} items from one producer to one consumer",
  n: 1_000_000,
  quickN: 20_000,
  metrics: [
    { key: "bounded", label: `Queue(${MAXSIZE})`, unit: "ms" },
    { key: "unbounded", label: "unbounded", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => ({
        bounded: await asyncioQueue(n, MAXSIZE),
        unbounded: await asyncioQueue(n, 0),
      })),
    raw: async (n) => ({ bounded: await rawQueue(n, MAXSIZE), unbounded: await rawQueue(n, 0) }),
    "p-queue": async (n) => ({ bounded: await pQueue(n, MAXSIZE), unbounded: await pQueue(n, 0) }),
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        return { unbounded: yield* effectionUnbounded(n) };
      }),
  },
  targets: [
    {
      text: "Queue(100) ≥ 5x faster than CPython 3.13",
      metric: "bounded",
      kind: "faster",
      vs: "cpython",
      factor: 5,
    },
    {
      text: "Queue(100) within 2x of the raw channel floor",
      metric: "bounded",
      kind: "within",
      vs: "raw",
      factor: 2,
    },
    {
      text: "unbounded Queue ≥ 5x faster than CPython 3.13",
      metric: "unbounded",
      kind: "faster",
      vs: "cpython",
      factor: 5,
    },
    {
      text: "unbounded Queue within 2x of the raw channel floor",
      metric: "unbounded",
      kind: "within",
      vs: "raw",
      factor: 2,
    },
  ],
  notes: [
    "asyncio-ts and CPython: two tasks, `await q.put(i)` / `await q.get()` + taskDone(); CPython's twin is the same code",
    "raw: a hand-written promise channel (bench/_raw.ts): ring buffer + resolver queues, direct hand-off to a " +
      "waiting getter, no promise when put/get need not wait; no taskDone/join",
    "p-queue: no get(); the consumer is the queue's own runner (concurrency 1, a job per item), the producer " +
      "awaits onSizeLessThan(100) before each add (its documented back-pressure), or adds freely when unbounded",
    "effection: createChannel() (a Signal over createQueue() per subscriber); send() never waits, so there " +
      "is no bounded figure",
  ],
  limits: { "p-queue": { reps: 3 }, effection: { reps: 3 } },
});

if (import.meta.main) await benchMain(bench);
