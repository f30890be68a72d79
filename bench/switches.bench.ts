// Task switches: two tasks hand control to each other n times in all, through Futures (each side
// parks on a fresh future that the other resolves) and through a pair of Events (ping/pong).
import * as effection from "effection";
import * as asyncio from "../src/index.ts";
import { C3Future, C3Task, runFloor } from "./_floor-c3.ts";
import { benchMain, defineBench, msSince, now, type Metrics } from "./_harness.ts";

// ---- asyncio-ts --------------------------------------------------------------------------------

async function asyncioFutures(n: number): Promise<number> {
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
  const t0 = now();
  const a = asyncio.createTask(() => side(0, n / 2));
  const b = asyncio.createTask(() => side(1, n / 2));
  await a;
  await b;
  return msSince(t0);
}

async function asyncioEvents(n: number): Promise<number> {
  const ping = new asyncio.Event();
  const pong = new asyncio.Event();
  const rounds = n / 2;
  const t0 = now();
  const a = asyncio.createTask(async () => {
    for (let i = 0; i < rounds; i++) {
      ping.set();
      await pong.wait();
      pong.clear();
    }
  });
  const b = asyncio.createTask(async () => {
    for (let i = 0; i < rounds; i++) {
      await ping.wait();
      ping.clear();
      pong.set();
    }
  });
  await a;
  await b;
  return msSince(t0);
}

// ---- the c3 floor: the same hand-off through its futures ---------------------------------------

async function c3Futures(n: number): Promise<number> {
  const slot: [C3Future | null, C3Future | null] = [null, null];
  const side = async (me: 0 | 1, rounds: number): Promise<void> => {
    const other = (1 - me) as 0 | 1;
    for (let i = 0; i < rounds; i++) {
      const fut = new C3Future();
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
  const t0 = now();
  const a = new C3Task(() => side(0, n / 2));
  const b = new C3Task(() => side(1, n / 2));
  await a;
  await b;
  return msSince(t0);
}

// ---- raw promises: a microtask hand-off through resolver pairs ---------------------------------

async function rawFutures(n: number): Promise<number> {
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
  const t0 = now();
  await Promise.all([side(0, n / 2), side(1, n / 2)]);
  return msSince(t0);
}

/** The smallest correct Event over promises: set() resolves the waiters' shared promise. */
class RawEvent {
  #value = false;
  #waiters: PromiseWithResolvers<undefined> | null = null;
  set(): void {
    if (this.#value) return;
    this.#value = true;
    this.#waiters?.resolve(undefined);
    this.#waiters = null;
  }
  clear(): void {
    this.#value = false;
  }
  wait(): Promise<void> | undefined {
    if (this.#value) return undefined;
    return (this.#waiters ??= Promise.withResolvers<undefined>()).promise;
  }
}

async function rawEvents(n: number): Promise<number> {
  const ping = new RawEvent();
  const pong = new RawEvent();
  const rounds = n / 2;
  const t0 = now();
  await Promise.all([
    (async () => {
      for (let i = 0; i < rounds; i++) {
        ping.set();
        await pong.wait();
        pong.clear();
      }
    })(),
    (async () => {
      for (let i = 0; i < rounds; i++) {
        await ping.wait();
        ping.clear();
        pong.set();
      }
    })(),
  ]);
  return msSince(t0);
}

// ---- effection: withResolvers for futures, an Event built on withResolvers ----------------------

function* effectionFutures(n: number): effection.Operation<number> {
  const slot: [effection.WithResolvers<undefined> | null, effection.WithResolvers<undefined> | null] = [
    null,
    null,
  ];
  function* side(me: 0 | 1, rounds: number): effection.Operation<void> {
    const other = (1 - me) as 0 | 1;
    for (let i = 0; i < rounds; i++) {
      const fut = effection.withResolvers<undefined>();
      slot[me] = fut;
      const peer = slot[other];
      if (peer !== null) {
        slot[other] = null;
        peer.resolve(undefined);
      }
      yield* fut.operation;
    }
    const peer = slot[other];
    slot[other] = null;
    peer?.resolve(undefined);
  }
  const t0 = now();
  const a = yield* effection.spawn(() => side(0, n / 2));
  const b = yield* effection.spawn(() => side(1, n / 2));
  yield* a;
  yield* b;
  return msSince(t0);
}

class EffectionEvent {
  #value = false;
  #waiters: effection.WithResolvers<undefined> | null = null;
  set(): void {
    if (this.#value) return;
    this.#value = true;
    this.#waiters?.resolve(undefined);
    this.#waiters = null;
  }
  clear(): void {
    this.#value = false;
  }
  *wait(): effection.Operation<void> {
    if (this.#value) return;
    yield* (this.#waiters ??= effection.withResolvers<undefined>()).operation;
  }
}

function* effectionEvents(n: number): effection.Operation<number> {
  const ping = new EffectionEvent();
  const pong = new EffectionEvent();
  const rounds = n / 2;
  const t0 = now();
  const a = yield* effection.spawn(function* () {
    for (let i = 0; i < rounds; i++) {
      ping.set();
      yield* pong.wait();
      pong.clear();
    }
  });
  const b = yield* effection.spawn(function* () {
    for (let i = 0; i < rounds; i++) {
      yield* ping.wait();
      ping.clear();
      pong.set();
    }
  });
  yield* a;
  yield* b;
  return msSince(t0);
}

export const bench = defineBench({
  name: "switches",
  title: "{n} task switches between two tasks",
  n: 400_000,
  quickN: 8_000,
  metrics: [
    { key: "futures", label: "via Futures", unit: "ms" },
    { key: "events", label: "via 2 Events", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": (n) =>
      asyncio.run(async (): Promise<Metrics> => ({
        futures: await asyncioFutures(n),
        events: await asyncioEvents(n),
      })),
    c3: (n) => runFloor(async (): Promise<Metrics> => ({ futures: await c3Futures(n) })),
    raw: async (n) => ({ futures: await rawFutures(n), events: await rawEvents(n) }),
    effection: (n) =>
      effection.run(function* (): effection.Operation<Metrics> {
        const futures = yield* effectionFutures(n);
        const events = yield* effectionEvents(n);
        return { futures, events };
      }),
  },
  targets: [
    {
      text: "Future switches ≥ 10x faster than CPython 3.13",
      metric: "futures",
      kind: "faster",
      vs: "cpython",
      factor: 10,
    },
    {
      text: "Future switches within 1.15x of the c3 floor",
      metric: "futures",
      kind: "within",
      vs: "c3",
      factor: 1.15,
    },
    {
      text: "Future switches within 3x of a raw microtask hand-off",
      metric: "futures",
      kind: "within",
      vs: "raw",
      factor: 3,
    },
    {
      text: "Event switches ≥ 10x faster than CPython 3.13",
      metric: "events",
      kind: "faster",
      vs: "cpython",
      factor: 10,
    },
    {
      text: "Event switches within 3x of a raw microtask hand-off",
      metric: "events",
      kind: "within",
      vs: "raw",
      factor: 3,
    },
  ],
  notes: [
    "c3: the floor of the design (bench/_floor-c3.ts), Future hand-offs only (it has no Event)",
    "raw: async functions handing off through Promise.withResolvers() pairs; the Event is 15 lines over one resolver",
    "effection: withResolvers() for futures, and the same 15-line Event over withResolvers()",
  ],
  warmup: 5,
  limits: { effection: { reps: 3, warmup: 0 } },
});

if (import.meta.main) await benchMain(bench);
