// Property tests for src/queues.ts on the virtual-time loop (fast-check). Random schedules of
// put / get / putNowait / getNowait / sleep(0) in several worker tasks, interleaved with a
// controller that also puts and gets without waiting, cancels waiting getters, waiting putters or
// any worker, and lets the loop settle, on bounded and unbounded Queue, LifoQueue and
// PriorityQueue. Checked against a model of the queue's contents:
// - every item put is got exactly once or is still in the queue at the end (none lost, none
//   duplicated), and each get returns the item the queue's order says (FIFO, LIFO, lowest first);
// - a bounded queue never holds more than maxsize; putNowait/getNowait fail exactly when the model
//   is full/empty;
// - when every task is blocked, no getter waits on a non-empty queue and no putter on a non-full
//   one (no lost wake-up, CPython's test_why_are_getters_waiting / test_why_are_putters_waiting);
// - at the end no getter or putter is left in the queue, and join() accounting balances.
// Reproduce a failure with FC_SEED=<seed> (printed as a test diagnostic); FC_RUNS sets numRuns.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";

const SEED = process.env.FC_SEED === undefined ? Date.now() % 0x7fffffff : Number(process.env.FC_SEED);
const NUM_RUNS = process.env.FC_RUNS === undefined ? 2000 : Number(process.env.FC_RUNS);

type QueueKind = "Queue" | "LifoQueue" | "PriorityQueue";
type WorkerOp = "put" | "get" | "putNowait" | "getNowait" | "sleep";
type ControlOp =
  | { op: "sleep" }
  | { op: "settle" }
  | { op: "putNowait" }
  | { op: "getNowait" }
  | { op: "cancelGetter"; pick: number }
  | { op: "cancelPutter"; pick: number }
  | { op: "cancelAny"; pick: number }
  // Two ops in one step, the races CPython's cancel tests pin: wake a waiter, cancel it before it runs.
  | { op: "putNowaitCancelGetter"; pick: number }
  | { op: "getNowaitCancelPutter"; pick: number };

interface Scenario {
  kind: QueueKind;
  maxsize: number;
  priorities: number[];
  workers: WorkerOp[][];
  control: ControlOp[];
  teardown: "cancel" | "shutdown";
}

/** An item: [priority, id]; ids are unique, so items compare like distinct tuples. */
type Item = readonly [number, number];

const workerOp: fc.Arbitrary<WorkerOp> = fc.oneof(
  { arbitrary: fc.constant("put" as const), weight: 4 },
  { arbitrary: fc.constant("get" as const), weight: 4 },
  { arbitrary: fc.constant("putNowait" as const), weight: 1 },
  { arbitrary: fc.constant("getNowait" as const), weight: 1 },
  { arbitrary: fc.constant("sleep" as const), weight: 2 },
);

const pick = fc.oneof(fc.constant(0), fc.nat({ max: 7 }));
const controlOp: fc.Arbitrary<ControlOp> = fc.oneof(
  { arbitrary: fc.constant({ op: "sleep" as const }), weight: 4 },
  { arbitrary: fc.constant({ op: "settle" as const }), weight: 2 },
  { arbitrary: fc.constant({ op: "putNowait" as const }), weight: 2 },
  { arbitrary: fc.constant({ op: "getNowait" as const }), weight: 2 },
  { arbitrary: pick.map((p) => ({ op: "cancelGetter" as const, pick: p })), weight: 2 },
  { arbitrary: pick.map((p) => ({ op: "cancelPutter" as const, pick: p })), weight: 2 },
  { arbitrary: pick.map((p) => ({ op: "cancelAny" as const, pick: p })), weight: 1 },
  { arbitrary: pick.map((p) => ({ op: "putNowaitCancelGetter" as const, pick: p })), weight: 2 },
  { arbitrary: pick.map((p) => ({ op: "getNowaitCancelPutter" as const, pick: p })), weight: 2 },
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  kind: fc.constantFrom<QueueKind>("Queue", "LifoQueue", "PriorityQueue"),
  maxsize: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 })),
  priorities: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 }),
  workers: fc.array(fc.array(workerOp, { maxLength: 12 }), { minLength: 1, maxLength: 5 }),
  control: fc.array(controlOp, { maxLength: 30, size: "medium" }),
  teardown: fc.constantFrom<"cancel" | "shutdown">("cancel", "shutdown"),
});

function newQueue(kind: QueueKind, maxsize: number): asyncio.Queue<Item> {
  switch (kind) {
    case "Queue":
      return new asyncio.Queue<Item>(maxsize);
    case "LifoQueue":
      return new asyncio.LifoQueue<Item>(maxsize);
    case "PriorityQueue":
      return new asyncio.PriorityQueue<Item>(maxsize);
  }
}

/** What the queue should hold, and which item each get must return. */
class Model {
  readonly items: Item[] = [];
  readonly kind: QueueKind;
  constructor(kind: QueueKind) {
    this.kind = kind;
  }

  add(item: Item): void {
    this.items.push(item);
  }

  take(): Item | undefined {
    if (this.items.length === 0) return undefined;
    switch (this.kind) {
      case "Queue":
        return this.items.shift();
      case "LifoQueue":
        return this.items.pop();
      case "PriorityQueue": {
        let best = 0;
        for (let i = 1; i < this.items.length; i++) {
          const a = this.items[i] as Item;
          const b = this.items[best] as Item;
          if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])) best = i;
        }
        return this.items.splice(best, 1)[0];
      }
    }
  }
}

async function check(s: Scenario): Promise<void> {
  await runVirtual(async () => {
    const q = newQueue(s.kind, s.maxsize);
    const model = new Model(s.kind);
    const violations: string[] = [];
    const putIds: number[] = [];
    const gotIds: number[] = [];
    let nextId = 0;
    let isShutdown = false;
    let stopping = false;
    const state: ("idle" | "get" | "put")[] = s.workers.map(() => "idle");
    // When each worker began its current get()/put(): picks prefer the longest waiting, which is
    // the one a putNowait()/getNowait() wakes first.
    const since: number[] = s.workers.map(() => 0);
    let clock = 0;

    const newItem = (): Item => {
      const id = nextId++;
      return [s.priorities[id % s.priorities.length] as number, id];
    };
    const fail = (msg: string): void => {
      violations.push(msg);
    };
    const checkSize = (where: string): void => {
      if (q.qsize() !== model.items.length)
        fail(`${where}: qsize ${q.qsize()} != model ${model.items.length}`);
      if (s.maxsize > 0 && q.qsize() > s.maxsize) fail(`${where}: qsize ${q.qsize()} > maxsize ${s.maxsize}`);
    };
    const onPut = (item: Item, where: string): void => {
      model.add(item);
      putIds.push(item[1]);
      checkSize(where);
    };
    const onGet = (item: Item, where: string): void => {
      const expected = model.take();
      if (expected === undefined) fail(`${where}: got ${item[1]} from an empty model`);
      else if (expected[1] !== item[1]) fail(`${where}: got ${item[1]}, the order says ${expected[1]}`);
      gotIds.push(item[1]);
      checkSize(where);
    };
    const putNowait = (where: string): void => {
      const item = newItem();
      const full = s.maxsize > 0 && model.items.length >= s.maxsize;
      try {
        q.putNowait(item);
      } catch (e) {
        if (e instanceof asyncio.QueueShutDown && isShutdown) return;
        if (e instanceof asyncio.QueueFull && full && !isShutdown) return;
        fail(`${where}: putNowait threw ${String(e)} (model full: ${full}, shutdown: ${isShutdown})`);
        return;
      }
      if (full || isShutdown)
        fail(`${where}: putNowait succeeded (model full: ${full}, shutdown: ${isShutdown})`);
      onPut(item, where);
    };
    const getNowait = (where: string): void => {
      let item: Item;
      try {
        item = q.getNowait();
      } catch (e) {
        const empty = model.items.length === 0;
        if (empty && (isShutdown ? e instanceof asyncio.QueueShutDown : e instanceof asyncio.QueueEmpty))
          return;
        fail(`${where}: getNowait threw ${String(e)} (model size ${model.items.length})`);
        return;
      }
      onGet(item, where);
    };

    const worker = async (w: number, ops: WorkerOp[]): Promise<void> => {
      for (const [i, op] of ops.entries()) {
        if (stopping) return;
        const where = `worker ${w} op ${i} (${op})`;
        try {
          switch (op) {
            case "put": {
              const item = newItem();
              state[w] = "put";
              since[w] = clock++;
              try {
                await q.put(item);
              } finally {
                state[w] = "idle";
              }
              if (isShutdown) fail(`${where}: put succeeded after shutdown`);
              onPut(item, where);
              break;
            }
            case "get": {
              state[w] = "get";
              since[w] = clock++;
              let item: Item;
              try {
                item = await q.get();
              } finally {
                state[w] = "idle";
              }
              onGet(item, where);
              break;
            }
            case "putNowait":
              putNowait(where);
              break;
            case "getNowait":
              getNowait(where);
              break;
            case "sleep":
              await asyncio.sleep(0);
              break;
          }
        } catch (e) {
          if (e instanceof asyncio.CancelledError) continue;
          if (e instanceof asyncio.QueueShutDown && isShutdown) continue;
          fail(`${where}: threw ${String(e)}`);
        }
      }
    };

    const tasks = s.workers.map((ops, w) => asyncio.createTask(() => worker(w, ops)));
    const pickWorker = (n: number, wanted: "get" | "put" | null): void => {
      const candidates = [...tasks.keys()]
        .filter((w) => !(tasks[w] as asyncio.Task).done() && (wanted === null || state[w] === wanted))
        .sort((a, b) => (since[a] as number) - (since[b] as number));
      const w = candidates[n % Math.max(1, candidates.length)];
      if (w !== undefined) tasks[w]?.cancel();
    };

    const settle = async (where: string): Promise<void> => {
      // On the virtual loop, a sleep with a delay ends only once every other task is blocked.
      await asyncio.sleep(1);
      for (const [w, st] of state.entries()) {
        if (st === "get" && !q.empty()) fail(`${where}: worker ${w} waits in get() on ${String(q)}`);
        if (st === "put" && !q.full()) fail(`${where}: worker ${w} waits in put() on ${String(q)}`);
      }
    };

    for (const [i, c] of s.control.entries()) {
      const where = `control ${i} (${c.op})`;
      switch (c.op) {
        case "sleep":
          await asyncio.sleep(0);
          break;
        case "settle":
          await settle(where);
          break;
        case "putNowait":
          putNowait(where);
          break;
        case "getNowait":
          getNowait(where);
          break;
        case "cancelGetter":
          pickWorker(c.pick, "get");
          break;
        case "cancelPutter":
          pickWorker(c.pick, "put");
          break;
        case "cancelAny":
          pickWorker(c.pick, null);
          break;
        case "putNowaitCancelGetter":
          putNowait(where);
          pickWorker(c.pick, "get");
          break;
        case "getNowaitCancelPutter":
          getNowait(where);
          pickWorker(c.pick, "put");
          break;
      }
    }

    await settle("end of schedule");

    // Teardown: shut the queue down (every waiter wakes), or cancel the workers until they end.
    stopping = true;
    if (s.teardown === "shutdown") {
      isShutdown = true;
      q.shutdown();
    }
    for (let round = 0; tasks.some((t) => !t.done()); round++) {
      if (round === 100) fail(`the workers did not end: ${String(q)}`);
      if (s.teardown === "cancel" || round >= 100) for (const t of tasks) if (!t.done()) t.cancel();
      await asyncio.sleep(0);
    }
    for (const r of await asyncio.gather(...tasks, { returnExceptions: true })) {
      if (r !== undefined && !(r instanceof asyncio.CancelledError)) fail(`a worker failed: ${String(r)}`);
    }

    if (/_getters|_putters/.test(String(q))) fail(`waiters left behind: ${String(q)}`);
    const remaining: number[] = [];
    while (!q.empty()) {
      const item = q.getNowait();
      const expected = model.take();
      if (expected?.[1] !== item[1]) fail(`drain: got ${item[1]}, the order says ${String(expected?.[1])}`);
      remaining.push(item[1]);
    }
    if (model.items.length > 0) fail(`the queue lost ${model.items.length} item(s) the model still holds`);

    // Conservation: each item put was got exactly once or is still in the queue.
    const seen = [...gotIds, ...remaining];
    if (new Set(seen).size !== seen.length) fail(`duplicated items: ${seen.join(",")}`);
    assert.deepEqual(
      seen.toSorted((a, b) => a - b),
      putIds.toSorted((a, b) => a - b),
      "items got or left must be exactly the items put",
    );

    // join() accounting: one taskDone() per item put.
    for (let i = 0; i < putIds.length; i++) q.taskDone();
    if (/tasks=/.test(String(q))) fail(`unfinished tasks left: ${String(q)}`);
    await q.join();
    assert.throws(() => {
      q.taskDone();
    }, RangeError);

    assert.deepEqual(violations, []);
  });
}

it("queues: random schedules never lose or duplicate an item", async (t) => {
  t.diagnostic(`fast-check seed ${SEED} (reproduce with FC_SEED=${SEED})`);
  await fc.assert(fc.asyncProperty(scenario, check), { seed: SEED, numRuns: NUM_RUNS });
});

it("queues: a scenario that wakes then cancels getters and putters", () =>
  // A fixed example of the races the property explores: the controller puts (waking a getter)
  // and cancels that getter in the same step, then gets (waking a putter) and cancels it.
  check({
    kind: "Queue",
    maxsize: 1,
    priorities: [0],
    workers: [["get", "put", "put"], ["get"], ["put", "put"]],
    control: [
      { op: "sleep" },
      { op: "putNowait" },
      { op: "cancelGetter", pick: 0 },
      { op: "settle" },
      { op: "getNowait" },
      { op: "cancelPutter", pick: 0 },
      { op: "settle" },
      { op: "getNowait" },
      { op: "settle" },
    ],
    teardown: "cancel",
  }));
