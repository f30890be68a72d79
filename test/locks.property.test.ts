// Property tests for src/locks.ts on the virtual-time loop (fast-check). Random schedules of
// acquire / release / `with` (holding across a sleep) / sleep(0) in several worker tasks on a Lock,
// a Semaphore(k) or a BoundedSemaphore(k), interleaved with a controller that cancels waiting
// acquirers or any worker and lets the loop settle. Checked:
// - never more than k holders;
// - FIFO: nobody gets a permit while a task that began waiting earlier, and was not cancelled,
//   still waits (a newcomer never jumps the queue, CPython's test_acquire_fifo_order*);
// - when every task is blocked, the permits not held are free (value == k - held, Lock.locked()
//   iff held) and nobody waits while one is free (no lost wake-up, test_acquire_hang);
// - at the end every permit is back: value == k, locked() is false, no waiter is left, and one
//   more release() is refused.
// Reproduce a failure with FC_SEED=<seed> (printed as a test diagnostic); FC_RUNS sets numRuns.
import { it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";

const SEED = process.env.FC_SEED === undefined ? Date.now() % 0x7fffffff : Number(process.env.FC_SEED);
const NUM_RUNS = process.env.FC_RUNS === undefined ? 2000 : Number(process.env.FC_RUNS);

type PrimitiveKind = "Lock" | "Semaphore" | "BoundedSemaphore";
type WorkerOp = "acquire" | "release" | "with" | "sleep";
type ControlOp =
  | { op: "sleep" }
  | { op: "settle" }
  | { op: "cancelWaiter"; pick: number }
  | { op: "cancelAny"; pick: number };

interface Scenario {
  primitive: PrimitiveKind;
  k: number;
  workers: WorkerOp[][];
  control: ControlOp[];
}

/** The semaphores with their value readable (CPython's `sem._value`). */
class ProbeSemaphore extends asyncio.Semaphore {
  get currentValue(): number {
    return this.value;
  }
}
class ProbeBoundedSemaphore extends asyncio.BoundedSemaphore {
  get currentValue(): number {
    return this.value;
  }
}

const workerOp: fc.Arbitrary<WorkerOp> = fc.oneof(
  { arbitrary: fc.constant("acquire" as const), weight: 4 },
  { arbitrary: fc.constant("release" as const), weight: 3 },
  { arbitrary: fc.constant("with" as const), weight: 2 },
  { arbitrary: fc.constant("sleep" as const), weight: 2 },
);

const pick = fc.oneof(fc.constant(0), fc.nat({ max: 7 }));
const controlOp: fc.Arbitrary<ControlOp> = fc.oneof(
  { arbitrary: fc.constant({ op: "sleep" as const }), weight: 4 },
  { arbitrary: fc.constant({ op: "settle" as const }), weight: 2 },
  { arbitrary: pick.map((p) => ({ op: "cancelWaiter" as const, pick: p })), weight: 3 },
  { arbitrary: pick.map((p) => ({ op: "cancelAny" as const, pick: p })), weight: 1 },
);

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    primitive: fc.constantFrom<PrimitiveKind>("Lock", "Semaphore", "BoundedSemaphore"),
    k: fc.integer({ min: 1, max: 3 }),
    workers: fc.array(fc.array(workerOp, { maxLength: 12 }), { minLength: 1, maxLength: 5 }),
    control: fc.array(controlOp, { maxLength: 30, size: "medium" }),
  })
  .map((s) => (s.primitive === "Lock" ? { ...s, k: 1 } : s));

async function check(s: Scenario): Promise<void> {
  await runVirtual(async () => {
    const prim =
      s.primitive === "Lock"
        ? new asyncio.Lock()
        : s.primitive === "Semaphore"
          ? new ProbeSemaphore(s.k)
          : new ProbeBoundedSemaphore(s.k);
    const freePermits = (): number =>
      prim instanceof asyncio.Lock ? (prim.locked() ? 0 : 1) : prim.currentValue;
    const violations: string[] = [];
    const fail = (msg: string): void => {
      violations.push(msg);
    };
    let holding = 0;
    let stopping = false;
    let clock = 0;
    const state: ("idle" | "acquire")[] = s.workers.map(() => "idle");
    const since: number[] = s.workers.map(() => 0);
    // A cancel requested and not yet delivered: such a waiter may be overtaken.
    const cancelPending: boolean[] = s.workers.map(() => false);

    const enter = (w: number): void => {
      state[w] = "acquire";
      since[w] = clock++;
    };
    const onAcquired = (w: number, where: string): void => {
      holding++;
      if (holding > s.k) fail(`${where}: ${holding} holders, more than ${s.k}`);
      for (const [v, st] of state.entries()) {
        if (v !== w && st === "acquire" && (since[v] as number) < (since[w] as number) && !cancelPending[v]) {
          fail(`${where}: worker ${w} got a permit before worker ${v}, which waits since earlier`);
        }
      }
    };

    const worker = async (w: number, ops: WorkerOp[]): Promise<void> => {
      let held = 0;
      try {
        for (const [i, op] of ops.entries()) {
          if (stopping) return;
          const where = `worker ${w} op ${i} (${op})`;
          try {
            switch (op) {
              case "acquire":
                enter(w);
                try {
                  await prim.acquire();
                } finally {
                  state[w] = "idle";
                }
                held++;
                onAcquired(w, where);
                break;
              case "release":
                if (held > 0) {
                  held--;
                  holding--;
                  prim.release();
                }
                break;
              case "with":
                enter(w);
                try {
                  await prim.with(async () => {
                    state[w] = "idle";
                    onAcquired(w, where);
                    try {
                      await asyncio.sleep(0);
                    } finally {
                      holding--;
                    }
                  });
                } finally {
                  state[w] = "idle";
                }
                break;
              case "sleep":
                await asyncio.sleep(0);
                break;
            }
          } catch (e) {
            if (!(e instanceof asyncio.CancelledError)) fail(`${where}: threw ${String(e)}`);
            cancelPending[w] = false;
          }
        }
      } finally {
        for (; held > 0; held--) {
          holding--;
          prim.release();
        }
      }
    };

    const tasks = s.workers.map((ops, w) => asyncio.createTask(() => worker(w, ops)));
    const cancel = (n: number, waitersOnly: boolean): void => {
      const candidates = [...tasks.keys()]
        .filter((w) => !(tasks[w] as asyncio.Task).done() && (!waitersOnly || state[w] === "acquire"))
        .sort((a, b) => (since[a] as number) - (since[b] as number));
      const w = candidates[n % Math.max(1, candidates.length)];
      if (w !== undefined) {
        cancelPending[w] = true;
        tasks[w]?.cancel();
      }
    };
    const settle = async (where: string): Promise<void> => {
      // On the virtual loop, a sleep with a delay ends only once every other task is blocked.
      await asyncio.sleep(1);
      if (freePermits() !== s.k - holding) {
        fail(`${where}: ${freePermits()} permit(s) free with ${holding} of ${s.k} held: ${String(prim)}`);
      }
      if (state.includes("acquire") && freePermits() > 0) {
        fail(`${where}: a task waits while a permit is free: ${String(prim)}`);
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
        case "cancelWaiter":
          cancel(c.pick, true);
          break;
        case "cancelAny":
          cancel(c.pick, false);
          break;
      }
    }
    await settle("end of schedule");

    // Teardown: cancel the workers until they end; each gives back what it holds.
    stopping = true;
    for (let round = 0; tasks.some((t) => !t.done()); round++) {
      if (round === 100) fail(`the workers did not end: ${String(prim)}`);
      for (const [w, t] of tasks.entries()) {
        if (!t.done()) {
          cancelPending[w] = true;
          t.cancel();
        }
      }
      await asyncio.sleep(0);
    }
    for (const r of await asyncio.gather(...tasks, { returnExceptions: true })) {
      if (r !== undefined && !(r instanceof asyncio.CancelledError)) fail(`a worker failed: ${String(r)}`);
    }

    assert.deepEqual(violations, []);
    assert.equal(holding, 0);
    assert.equal(freePermits(), s.k, `every permit is back: ${String(prim)}`);
    assert.equal(prim.locked(), false);
    assert.doesNotMatch(String(prim), /waiters/);
    // The permits are really free: all k are taken at once, then one more release is refused.
    for (let i = 0; i < s.k; i++) await prim.acquire();
    assert.equal(prim.locked(), true);
    for (let i = 0; i < s.k; i++) prim.release();
    if (!(prim instanceof ProbeSemaphore)) {
      assert.throws(
        () => {
          prim.release();
        },
        prim instanceof asyncio.Lock ? asyncio.RuntimeError : RangeError,
      );
    }
  });
}

it("locks: random schedules never leak or exceed a permit", async (t) => {
  t.diagnostic(`fast-check seed ${SEED} (reproduce with FC_SEED=${SEED})`);
  await fc.assert(fc.asyncProperty(scenario, check), { seed: SEED, numRuns: NUM_RUNS });
});

it("locks: a scenario that cancels a woken waiter", () =>
  // test_acquire_hang's shape: two waiters on Semaphore(1), the first cancelled while woken.
  check({
    primitive: "Semaphore",
    k: 1,
    workers: [
      ["with", "sleep", "sleep"],
      ["acquire", "release"],
      ["acquire", "release"],
    ],
    control: [{ op: "sleep" }, { op: "sleep" }, { op: "cancelWaiter", pick: 0 }, { op: "settle" }],
  }));
