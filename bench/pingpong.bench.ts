// Queue ping-pong: two tasks bounce one token through two 1-slot queues, n hand-offs in all (each
// one a task switch: the receiver is blocked in get() when the token arrives).
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";
import { RawChannel } from "./_raw.ts";

function check(token: number, rounds: number): void {
  if (token !== rounds) throw new Error(`wrong token ${token} after ${rounds} rounds`);
}

// ---- asyncio-ts --------------------------------------------------------------------------------

async function asyncioPingPong(n: number): Promise<number> {
  const ping = new asyncio.Queue<number>(1);
  const pong = new asyncio.Queue<number>(1);
  const rounds = n / 2;
  const t0 = now();
  const a = asyncio.createTask(async () => {
    let token = 0;
    for (let i = 0; i < rounds; i++) {
      await ping.put(token);
      token = await pong.get();
    }
    return token;
  });
  const b = asyncio.createTask(async () => {
    for (let i = 0; i < rounds; i++) await pong.put((await ping.get()) + 1);
  });
  const token = await a;
  await b;
  const ms = msSince(t0);
  check(token, rounds);
  return ms;
}

// ---- raw: the hand-written promise channel ------------------------------------------------------

async function rawPingPong(n: number): Promise<number> {
  const ping = new RawChannel<number>(1);
  const pong = new RawChannel<number>(1);
  const rounds = n / 2;
  const t0 = now();
  const [token] = await Promise.all([
    (async () => {
      let token = 0;
      for (let i = 0; i < rounds; i++) {
        await ping.put(token);
        token = await pong.get();
      }
      return token;
    })(),
    (async () => {
      for (let i = 0; i < rounds; i++) await pong.put((await ping.get()) + 1);
    })(),
  ]);
  const ms = msSince(t0);
  check(token, rounds);
  return ms;
}

// ---- effection: two channels (unbounded; the ping-pong keeps at most one item in flight) ---------

function* effectionPingPong(n: number): effection.Operation<number> {
  const ping = effection.createChannel<number>();
  const pong = effection.createChannel<number>();
  const pings = yield* ping;
  const pongs = yield* pong;
  const rounds = n / 2;
  const t0 = now();
  const a = yield* effection.spawn(function* () {
    let token = 0;
    for (let i = 0; i < rounds; i++) {
      yield* ping.send(token);
      const next = yield* pongs.next();
      if (next.done === true) throw new Error("channel closed");
      token = next.value;
    }
    return token;
  });
  const b = yield* effection.spawn(function* () {
    for (let i = 0; i < rounds; i++) {
      const next = yield* pings.next();
      if (next.done === true) throw new Error("channel closed");
      yield* pong.send(next.value + 1);
    }
  });
  const token = yield* a;
  yield* b;
  const ms = msSince(t0);
  check(token, rounds);
  return ms;
}

export const bench = defineBench({
  name: "pingpong",
  title: "{n} hand-offs of one token between two tasks through two 1-slot queues",
  n: 400_000,
  quickN: 10_000,
  metrics: [{ key: "time", label: "time", unit: "ms" }],
  python: true,
  contenders: {
    "asyncio-ts": (n) => asyncio.run(async (): Promise<Metrics> => ({ time: await asyncioPingPong(n) })),
    raw: async (n) => ({ time: await rawPingPong(n) }),
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        return { time: yield* effectionPingPong(n) };
      }),
  },
  targets: [
    {
      text: "Queue(1) ping-pong ≥ 5x faster than CPython 3.13",
      metric: "time",
      kind: "faster",
      vs: "cpython",
      factor: 5,
    },
    {
      text: "Queue(1) ping-pong within 2x of the raw channel floor",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 2,
    },
  ],
  notes: [
    "two Queue(1)s: A puts the token on ping and gets it back from pong; B gets from ping and puts token + 1 on pong",
    "raw: the hand-written promise channel of bench/_raw.ts with maxsize 1 (direct hand-off to the blocked getter)",
    "effection: two createChannel()s; send() never waits, but one token in flight keeps them 1-slot",
    "targets: the issue's queue targets, applied to the ping-pong",
  ],
  limits: { effection: { reps: 3 } },
});

if (import.meta.main) await benchMain(bench);
