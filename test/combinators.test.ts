// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_tasks.py: GatherTestsBase,
// FutureGatherTests and CoroutineGatherTests (gather), and the BaseTaskTests cases for wait,
// as_completed and shield (test_wait*, test_as_completed*, test_shield*, test_gather_shield,
// test_cancel_gather_*, test_yield_wait_does_not_shield_cancel).
// Reference: shared/reference/cpython-asyncio.md §2.5 and §2.6.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { forEachLoop, type LoopKind } from "./helpers/index.ts";

/** CPython's test_utils.run_briefly, repeated: lets `n` loop iterations pass. */
async function runBriefly(n = 6): Promise<void> {
  for (let i = 0; i < n; i++) await asyncio.sleep(0);
}

/** Real-loop runs shrink CPython's durations tenfold; the virtual loop keeps them exact. */
function scaleOf(kind: LoopKind): number {
  return kind === "real" ? 0.1 : 1;
}

/**
 * CPython's durations on the virtual clock; on the real one, durations whose gaps a stall of the
 * process (two test files on two cores) cannot close, where a test needs timers to fire in
 * separate iterations.
 */
function realGaps<T extends number[]>(kind: LoopKind, virtual: T, real: T): T {
  return kind === "virtual" ? virtual : real;
}

function assertAlmost(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} != ${expected}`);
}

/** A Future is a thenable, not a Promise: assert.rejects wants a Promise. */
function settle<T>(aw: PromiseLike<T>): Promise<T> {
  return (async () => await aw)();
}

/**
 * What `for await` over asCompleted() yields: the futures themselves. TypeScript (6.0) sometimes
 * types them as their awaited value when a type is both iterable and async iterable; this checks
 * the run-time type and restores the static one.
 */
function fut<T>(x: unknown): asyncio.Future<T> {
  assert.ok(x instanceof asyncio.Future);
  return x as asyncio.Future<T>;
}

function ofCoro<T>(fn: () => Promise<T>): asyncio.Coroutine<T> {
  return asyncio.coroutine(fn)();
}

/** gather's children given as the futures themselves, or as coroutines awaiting them. */
type Wrap = (futs: asyncio.Future<number>[]) => asyncio.AwaitableLike<number>[];
const wrappers: [string, Wrap][] = [
  ["FutureGatherTests", (futs) => futs],
  ["CoroutineGatherTests", (futs) => futs.map((f) => ofCoro(async () => await f))],
];

forEachLoop("gather", (run, kind) => {
  for (const [suite, wrap] of wrappers) {
    describe(suite, () => {
      const checkSuccess = (options?: asyncio.GatherOptions): Promise<void> =>
        run(async (loop) => {
          const [a, b, c] = [
            loop.createFuture<number>(),
            loop.createFuture<number>(),
            loop.createFuture<number>(),
          ];
          const fut =
            options === undefined
              ? asyncio.gather(...wrap([a, b, c]))
              : asyncio.gather(...wrap([a, b, c]), options);
          const calls: unknown[] = [];
          fut.addDoneCallback((f) => calls.push(f));
          b.setResult(1);
          a.setResult(2);
          await runBriefly();
          assert.deepEqual(calls, []);
          assert.equal(fut.done(), false);
          c.setResult(3);
          await runBriefly();
          assert.equal(calls.length, 1);
          assert.equal(calls[0], fut);
          assert.deepEqual(fut.result(), [2, 1, 3]);
        });

      it("success", async () => {
        await checkSuccess();
        await checkSuccess({ returnExceptions: false });
      });

      it("result exception success", () => checkSuccess({ returnExceptions: true }));

      it("one exception", () =>
        run(async (loop) => {
          const [a, b, c, d, e] = Array.from({ length: 5 }, () => loop.createFuture<number>()) as [
            asyncio.Future<number>,
            asyncio.Future<number>,
            asyncio.Future<number>,
            asyncio.Future<number>,
            asyncio.Future<number>,
          ];
          const fut = asyncio.gather(...wrap([a, b, c, d, e]));
          const calls: unknown[] = [];
          fut.addDoneCallback((f) => calls.push(f));
          const exc = new RangeError("division by zero");
          a.setResult(1);
          b.setException(exc);
          await runBriefly();
          assert.equal(fut.done(), true);
          assert.deepEqual(calls, [fut]);
          assert.equal(fut.exception(), exc);
          // Does nothing to the gather; the later failures are marked retrieved (the virtual
          // loop's strict close() would report them otherwise).
          c.setResult(3);
          d.cancel();
          e.setException(new Error("later"));
          e.exception();
          await runBriefly();
          assert.deepEqual(calls, [fut]);
          assert.equal(fut.exception(), exc);
        }));

      it("return exceptions", () =>
        run(async (loop) => {
          const [a, b, c, d] = Array.from({ length: 4 }, () => loop.createFuture<number>()) as [
            asyncio.Future<number>,
            asyncio.Future<number>,
            asyncio.Future<number>,
            asyncio.Future<number>,
          ];
          const fut = asyncio.gather(...wrap([a, b, c, d]), { returnExceptions: true });
          const calls: unknown[] = [];
          fut.addDoneCallback((f) => calls.push(f));
          const exc = new RangeError("zero");
          const exc2 = new Error("runtime");
          b.setResult(1);
          c.setException(exc);
          a.setResult(3);
          await runBriefly();
          assert.equal(fut.done(), false);
          d.setException(exc2);
          await runBriefly();
          assert.equal(fut.done(), true);
          assert.deepEqual(calls, [fut]);
          const res = fut.result();
          assert.equal(res.length, 4);
          assert.deepEqual(res.slice(0, 2), [3, 1]);
          assert.equal(res[2], exc);
          assert.equal(res[3], exc2);
        }));
    });
  }

  describe("FutureGatherTests", () => {
    it("constructor empty sequence use running loop", () =>
      run(async (loop) => {
        const fut = asyncio.gather();
        assert.ok(fut instanceof asyncio.Future);
        assert.equal(fut.getLoop(), loop);
        assert.equal(fut.done(), true);
        assert.deepEqual(fut.result(), []);
        assert.deepEqual(await fut, []);
      }));

    it("constructor heterogenous futures", () =>
      run(async (loop) => {
        const other = asyncio.newEventLoop();
        try {
          const fut1 = loop.createFuture();
          const fut2 = other.createFuture();
          assert.throws(() => asyncio.gather(fut1, fut2), {
            name: "RangeError",
            message: "The future belongs to a different loop than the one specified as the loop argument",
          });
        } finally {
          other.close();
        }
      }));

    it("one cancellation", () =>
      run(async (loop) => {
        const [a, b, c, d, e] = Array.from({ length: 5 }, () => loop.createFuture<number>()) as [
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
        ];
        const fut = asyncio.gather(a, b, c, d, e);
        const calls: unknown[] = [];
        fut.addDoneCallback((f) => calls.push(f));
        a.setResult(1);
        b.cancel();
        await runBriefly();
        assert.equal(fut.done(), true);
        assert.deepEqual(calls, [fut]);
        assert.equal(fut.cancelled(), false);
        assert.ok(fut.exception() instanceof asyncio.CancelledError);
        // Does nothing: the siblings were not cancelled by the gather.
        assert.equal(c.cancelled(), false);
        c.setResult(3);
        d.cancel();
        e.setException(new Error("later"));
        e.exception();
        await runBriefly();
        assert.deepEqual(calls, [fut]);
      }));

    it("result exception one cancellation", () =>
      run(async (loop) => {
        const futs = Array.from({ length: 6 }, () => loop.createFuture<number>());
        const [a, b, c, d, e, f] = futs as [
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
          asyncio.Future<number>,
        ];
        const fut = asyncio.gather(a, b, c, d, e, f, { returnExceptions: true });
        const calls: unknown[] = [];
        fut.addDoneCallback((x) => calls.push(x));
        a.setResult(1);
        const zde = new RangeError("zero");
        b.setException(zde);
        c.cancel("why");
        await runBriefly();
        assert.equal(fut.done(), false);
        d.setResult(3);
        e.cancel();
        const rte = new Error("runtime");
        f.setException(rte);
        const res = await fut;
        assert.ok(res[2] instanceof asyncio.CancelledError);
        assert.ok(res[4] instanceof asyncio.CancelledError);
        assert.deepEqual(res[2].args, ["why"]);
        assert.equal(res[2].message, "why");
        assert.equal(res[4].message, "");
        assert.deepEqual([res[0], res[1], res[3], res[5]], [1, zde, 3, rte]);
        assert.equal(res[1], zde);
        assert.equal(res[5], rte);
        assert.deepEqual(calls, [fut]);
      }));
  });

  describe("CoroutineGatherTests", () => {
    it("duplicate coroutines", () =>
      run(async () => {
        let calls = 0;
        const coro = asyncio.coroutine(async (s: string) => {
          calls++;
          await asyncio.sleep(0);
          return s;
        });
        const c = coro("abc");
        const fut = asyncio.gather(c, c, coro("def"), c);
        assert.deepEqual(await fut, ["abc", "abc", "def", "abc"]);
        assert.equal(calls, 2);
      }));

    it("cancellation broadcast", () =>
      run(async (loop) => {
        let proof = 0;
        const waiter = loop.createFuture();
        const inner = asyncio.coroutine(async () => {
          await waiter;
          proof += 1;
        });
        const child1 = asyncio.ensureFuture(inner());
        const child2 = asyncio.ensureFuture(inner());
        let gatherer: asyncio.GatheringFuture<unknown[]> | null = null;
        const outer = asyncio.coroutine(async () => {
          gatherer = asyncio.gather(child1, child2);
          await gatherer;
          proof += 100;
        });
        const f = asyncio.ensureFuture(outer());
        await asyncio.sleep(0);
        assert.equal(f.cancel(), true);
        await assert.rejects(settle(f), asyncio.CancelledError);
        assert.equal((gatherer as asyncio.GatheringFuture<unknown[]> | null)?.cancel(), false);
        assert.equal(waiter.cancelled(), true);
        assert.equal(child1.cancelled(), true);
        assert.equal(child2.cancelled(), true);
        await asyncio.sleep(0);
        assert.equal(proof, 0);
      }));

    it("exception marking", () =>
      run(async (loop) => {
        const inner = asyncio.coroutine(async (f: asyncio.Future) => {
          await f;
          throw new Error("should not be ignored");
        });
        const a = loop.createFuture();
        const b = loop.createFuture();
        const outer = asyncio.coroutine(async () => {
          await asyncio.gather(inner(a), inner(b));
        });
        const f = asyncio.ensureFuture(outer());
        await asyncio.sleep(0);
        a.setResult(null);
        await runBriefly();
        b.setResult(null);
        await runBriefly();
        const exc = f.exception();
        assert.ok(exc instanceof Error);
        assert.equal(exc.message, "should not be ignored");
        // The second child's error was marked retrieved by the gather: the virtual loop's strict
        // close() fails the test otherwise.
      }));
  });

  describe("gather (task tests)", () => {
    it("a failing child does not cancel its siblings", () =>
      run(async (loop) => {
        const s = scaleOf(kind);
        const order: string[] = [];
        const gate = loop.createFuture();
        const fast = asyncio.coroutine(async () => {
          await asyncio.sleep(0);
          order.push("fast");
          return "fast";
        });
        const bad = asyncio.coroutine(async () => {
          await asyncio.sleep(0.01 * s);
          order.push("bad");
          throw new TypeError("boom");
        });
        const slow = asyncio.createTask(async () => {
          await gate;
          order.push("slow");
          return "slow";
        });
        const g = asyncio.gather(fast(), bad(), slow);
        await assert.rejects(settle(g), { name: "TypeError", message: "boom" });
        assert.equal(slow.done(), false);
        gate.setResult(null);
        assert.equal(await slow, "slow");
        assert.deepEqual(order, ["fast", "bad", "slow"]);
      }));

    it("cancel gather 1", () =>
      run(async (loop) => {
        const fut = loop.createFuture<number>();
        const childCoro = asyncio.coroutine(async () => await fut);
        const gatherFuture = asyncio.gather(childCoro());
        const gatherTask = asyncio.ensureFuture(gatherFuture);
        assert.equal(gatherTask, gatherFuture);
        await asyncio.sleep(0);
        let cancelResult: boolean | null = null;
        fut.addDoneCallback(() => {
          cancelResult = gatherTask.cancel();
        });
        fut.setResult(42);
        assert.deepEqual(await gatherTask, [42]);
        // Python issue #26923: gather refuses to be cancelled once all children are done.
        assert.equal(cancelResult, false);
        assert.equal(gatherTask.cancelled(), false);
      }));

    for (const [label, cancelArgs, expectedArgs] of [
      ["no message", [], []],
      ["a null message (Python's None)", [null], []],
      ["a message", ["my message"], ["my message"]],
      ["a non-string message", [5], [5]],
    ] as [string, unknown[], unknown[]][]) {
      it(`cancel gather 2 (${label})`, () =>
        run(async () => {
          const s = scaleOf(kind);
          const test = asyncio.coroutine(async () => {
            let time = 0;
            for (;;) {
              time += 0.05;
              await asyncio.gather(asyncio.sleep(0.05 * s), { returnExceptions: true });
              if (time > 1) return;
            }
          });
          const qwe = asyncio.createTask(test());
          await asyncio.sleep(0.2 * s);
          qwe.cancel(...(cancelArgs as [unknown]));
          let caught: unknown = null;
          try {
            await qwe;
          } catch (e) {
            caught = e;
          }
          assert.ok(caught instanceof asyncio.CancelledError);
          assert.deepEqual(caught.args, expectedArgs);
        }));
    }

    it("cancelling the gather cancels its children; it ends with CancelledError, cancelled() false", () =>
      run(async () => {
        const s = scaleOf(kind);
        const seen: string[] = [];
        const child = asyncio.coroutine(async (name: string) => {
          try {
            await asyncio.sleep(10 * s);
          } catch (e) {
            seen.push(`${name} ${(e as Error).name} ${(e as Error).message}`);
            throw e;
          }
        });
        const children = [asyncio.createTask(child("a")), asyncio.createTask(child("b"))];
        for (const returnExceptions of [false, true]) {
          const g = asyncio.gather(...children, { returnExceptions });
          await asyncio.sleep(0);
          if (!returnExceptions) {
            assert.equal(g.cancel("stop"), true);
            await assert.rejects(settle(g), { name: "CancelledError", message: "stop" });
            assert.equal(g.cancelled(), false);
            assert.equal(g.done(), true);
            assert.equal(g.cancel(), false);
          } else {
            // Children already cancelled: nothing accepts the cancel.
            assert.equal(g.done(), true);
            assert.equal(g.cancel(), false);
            const res = await g;
            assert.ok(res.every((r) => r instanceof asyncio.CancelledError));
          }
        }
        assert.deepEqual(seen, ["a CancelledError stop", "b CancelledError stop"]);
        assert.deepEqual(
          children.map((c) => c.cancelled()),
          [true, true],
        );
      }));

    it("cancelling a gather with returnExceptions still ends with CancelledError", () =>
      run(async () => {
        const s = scaleOf(kind);
        const g = asyncio.gather(asyncio.sleep(10 * s), asyncio.sleep(10 * s), { returnExceptions: true });
        await asyncio.sleep(0);
        assert.equal(g.cancel("bye"), true);
        await assert.rejects(settle(g), { name: "CancelledError", message: "bye" });
        assert.equal(g.cancelled(), false);
      }));

    it("cancelling a gather: the last child to finish decides the CancelledError", () =>
      run(async () => {
        // CPython's _GatheringFuture: `fut._make_cancelled_error()` of the last child to finish,
        // a plain CancelledError() when that child was not cancelled (it raised or returned).
        const s = scaleOf(kind);
        const raiser = asyncio.coroutine(async () => {
          try {
            await asyncio.sleep(10 * s);
          } catch (e) {
            if (e instanceof asyncio.CancelledError) throw new RangeError("while cancelling", { cause: e });
            throw e;
          }
        });
        const sleeper = asyncio.coroutine(async () => {
          await asyncio.sleep(10 * s);
        });
        const seen: [string, unknown[]][] = [];
        for (const children of [
          [sleeper(), raiser()],
          [raiser(), sleeper()],
        ]) {
          const g = asyncio.gather(...children.map((c) => asyncio.createTask(c)), { returnExceptions: true });
          await asyncio.sleep(0);
          assert.equal(g.cancel("m"), true);
          try {
            await g;
            assert.fail("gather did not fail");
          } catch (e) {
            assert.ok(e instanceof asyncio.CancelledError, String(e));
            seen.push([e.name, e.args]);
          }
        }
        assert.deepEqual(seen, [
          ["CancelledError", []],
          ["CancelledError", ["m"]],
        ]);
      }));

    it("a running promise is wrapped", () =>
      run(async (loop) => {
        const p = new Promise<string>((resolve) => loop.callSoon(resolve, "from promise"));
        assert.deepEqual(await asyncio.gather(p, asyncio.sleep(0, 7)), ["from promise", 7]);
      }));

    it("functions returning awaitables are run as tasks", () =>
      run(async () => {
        const res = await asyncio.gather(
          async () => {
            await asyncio.sleep(0);
            return "f";
          },
          () => asyncio.sleep(0, "g"),
        );
        assert.deepEqual(res, ["f", "g"]);
      }));
  });
});

describe("gather outside a loop", () => {
  it("differs: constructor empty sequence without loop", () => {
    // CPython 3.13 falls back on the policy loop and raises "There is no current event loop";
    // asyncio-ts has no policy loop (getEventLoop() is Python 3.14's).
    assert.throws(() => asyncio.gather(), { name: "RuntimeError", message: "no running event loop" });
  });

  it("constructor homogenous futures", () => {
    const other = asyncio.newEventLoop();
    try {
      const children = [other.createFuture(), other.createFuture(), other.createFuture()];
      let fut = asyncio.gather(...children);
      assert.equal(fut.getLoop(), other);
      assert.equal(fut.done(), false);
      fut = asyncio.gather(...children);
      assert.equal(fut.getLoop(), other);
      assert.equal(fut.done(), false);
    } finally {
      other.close();
    }
  });
});

forEachLoop("wait", (run, kind) => {
  it("wait", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(0.1 * s));
      const b = asyncio.createTask(asyncio.sleep(0.15 * s));
      const foo = asyncio.coroutine(async () => {
        const [done, pending] = await asyncio.wait([b, a]);
        assert.deepEqual(done, new Set([a, b]));
        assert.deepEqual(pending, new Set());
        return 42;
      });
      assert.equal(await asyncio.createTask(foo()), 42);
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.15);
      const t1 = loop.time();
      // Doing it again takes no time and goes the already-done path.
      assert.equal(await asyncio.createTask(foo()), 42);
      if (kind === "virtual") assert.equal(loop.time(), t1);
    }));

  it("wait duplicate coroutines", () =>
    run(async () => {
      const coro = asyncio.coroutine(async (s: string) => s);
      const c = asyncio.createTask(coro("test"));
      const [done, pending] = await asyncio.createTask(
        asyncio.wait([c, c, asyncio.createTask(coro("spam"))]),
      );
      assert.equal(pending.size, 0);
      assert.equal(done.size, 2);
      assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["test", "spam"]));
    }));

  it("wait errors", () =>
    run(async () => {
      await assert.rejects(asyncio.wait(new Set<asyncio.Future>()), {
        name: "RangeError",
        message: "Set of Tasks/Futures is empty.",
      });
      const t = asyncio.createTask(asyncio.sleep(0));
      await assert.rejects(asyncio.wait([t], { returnWhen: -1 as unknown as asyncio.ReturnWhen }), {
        name: "RangeError",
        message: "Invalid return_when value: -1",
      });
      await t;
    }));

  it("wait first completed", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(10 * s));
      const b = asyncio.createTask(asyncio.sleep(0.1 * s));
      const [done, pending] = await asyncio.createTask(
        asyncio.wait([b, a], { returnWhen: asyncio.FIRST_COMPLETED }),
      );
      assert.deepEqual(done, new Set([b]));
      assert.deepEqual(pending, new Set([a]));
      assert.equal(a.done(), false);
      assert.equal(b.done(), true);
      assert.equal(b.exception(), null);
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.1);
      a.cancel();
    }));

  it("wait really done", () =>
    run(async () => {
      // Every task finished before the waiter resumes is in done, even if its own completion
      // callback has not run yet.
      const coro1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0);
      });
      const coro2 = asyncio.coroutine(async () => {
        await asyncio.sleep(0);
        await asyncio.sleep(0);
      });
      const a = asyncio.createTask(coro1());
      const b = asyncio.createTask(coro2());
      const [done, pending] = await asyncio.createTask(
        asyncio.wait([b, a], { returnWhen: asyncio.FIRST_COMPLETED }),
      );
      assert.deepEqual(done, new Set([a, b]));
      assert.equal(pending.size, 0);
      assert.equal(a.exception(), null);
      assert.equal(b.exception(), null);
    }));

  it("wait first exception", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(10 * s));
      const exc = asyncio.coroutine(async () => {
        throw new RangeError("err");
      });
      const b = asyncio.createTask(exc());
      const [done, pending] = await asyncio.createTask(
        asyncio.wait([b, a], { returnWhen: asyncio.FIRST_EXCEPTION }),
      );
      assert.deepEqual(done, new Set([b]));
      assert.deepEqual(pending, new Set([a]));
      if (kind === "virtual") assert.equal(loop.time(), t0);
      assert.equal((b.exception() as Error).message, "err");
      a.cancel();
    }));

  it("wait first exception in wait", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(10 * s));
      const exc = asyncio.coroutine(async () => {
        await asyncio.sleep(0.01 * s);
        throw new RangeError("err");
      });
      const b = asyncio.createTask(exc());
      const [done, pending] = await asyncio.wait([b, a], { returnWhen: asyncio.FIRST_EXCEPTION });
      assert.deepEqual(done, new Set([b]));
      assert.deepEqual(pending, new Set([a]));
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.01);
      b.exception();
      a.cancel();
    }));

  it("wait first exception: a cancellation does not count", () =>
    run(async () => {
      const s = scaleOf(kind);
      const a = asyncio.createTask(asyncio.sleep(0.05 * s));
      const b = asyncio.createTask(asyncio.sleep(10 * s));
      const w = asyncio.createTask(asyncio.wait([a, b], { returnWhen: asyncio.FIRST_EXCEPTION }));
      await asyncio.sleep(0);
      b.cancel();
      const [done, pending] = await w;
      assert.deepEqual(done, new Set([a, b]));
      assert.equal(pending.size, 0);
    }));

  it("wait with exception", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(0.1 * s));
      const sleeper = asyncio.coroutine(async () => {
        await asyncio.sleep(0.15 * s);
        throw new RangeError("really");
      });
      const b = asyncio.createTask(sleeper());
      const foo = asyncio.coroutine(async () => {
        const [done, pending] = await asyncio.wait([b, a]);
        assert.equal(done.size, 2);
        assert.equal(pending.size, 0);
        const errors = [...done].filter((f) => f.exception() !== null);
        assert.deepEqual(errors, [b]);
      });
      await asyncio.createTask(foo());
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.15);
      await asyncio.createTask(foo());
    }));

  it("wait with timeout", () =>
    run(async (loop) => {
      // CPython's durations on the virtual clock; on the real one, far apart (see realGaps).
      const [da, db, dt] = realGaps(kind, [0.1, 0.15, 0.11], [0.001, 10, 0.01]);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(da));
      const b = asyncio.createTask(asyncio.sleep(db, "b"));
      const foo = asyncio.coroutine(async () => {
        const [done, pending] = await asyncio.wait([b, a], { timeout: dt });
        assert.deepEqual(done, new Set([a]));
        assert.deepEqual(pending, new Set([b]));
      });
      await asyncio.createTask(foo());
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.11);
      // wait() never cancels: b goes on and finishes.
      assert.equal(b.cancelled(), false);
      if (kind === "virtual") assert.equal(await b, "b");
      else b.cancel();
    }));

  it("wait concurrent complete", () =>
    run(async (loop) => {
      const [da, db, dt] = realGaps(kind, [0.1, 0.15, 0.1], [0.01, 10, 0.01]);
      const t0 = loop.time();
      const a = asyncio.createTask(asyncio.sleep(da));
      const b = asyncio.createTask(asyncio.sleep(db));
      const [done, pending] = await asyncio.createTask(asyncio.wait([b, a], { timeout: dt }));
      assert.deepEqual(done, new Set([a]));
      assert.deepEqual(pending, new Set([b]));
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.1);
      b.cancel();
    }));

  it("wait with iterator of tasks", () =>
    run(async () => {
      const s = scaleOf(kind);
      const a = asyncio.createTask(asyncio.sleep(0.1 * s));
      const b = asyncio.createTask(asyncio.sleep(0.15 * s));
      const [done, pending] = await asyncio.wait([b, a][Symbol.iterator]());
      assert.deepEqual(done, new Set([a, b]));
      assert.equal(pending.size, 0);
    }));

  it("wait generator", () =>
    run(async () => {
      const func = asyncio.coroutine(async (x: number) => x);
      function* tasks(): Generator<asyncio.Task<number>> {
        for (let i = 0; i < 10; i++) yield asyncio.createTask(func(i));
      }
      const [done, pending] = await asyncio.wait(tasks(), { returnWhen: asyncio.ALL_COMPLETED });
      assert.equal(done.size, 10);
      assert.equal(pending.size, 0);
      assert.deepEqual(
        [...done].map((t) => t.result()).sort((x, y) => x - y),
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      );
    }));

  it("wait invalid args", () =>
    run(async (loop) => {
      const fut = loop.createFuture();
      await assert.rejects(asyncio.wait(fut as unknown as asyncio.Future[]), {
        name: "TypeError",
        message: "expect a list of futures, not Future",
      });
      const coro = asyncio.coroutine(async () => 1)();
      await assert.rejects(asyncio.wait(coro as unknown as asyncio.Future[]), {
        name: "TypeError",
        message: "expect a list of futures, not Coroutine",
      });
      assert.equal(coro.started(), false);
      coro.close(); // never to run (else it is reported as never awaited when the loop closes)
      await assert.rejects(asyncio.wait([]), {
        name: "RangeError",
        message: "Set of Tasks/Futures is empty.",
      });
    }));

  it("wait refuses bare coroutines", () =>
    run(async () => {
      const coro = asyncio.coroutine(async () => 1)();
      const t = asyncio.createTask(asyncio.sleep(0));
      for (const bare of [coro, async () => 1]) {
        await assert.rejects(asyncio.wait([t, bare as unknown as asyncio.Future]), {
          name: "TypeError",
          message: "Passing coroutines is forbidden, use tasks explicitly.",
        });
      }
      assert.equal(coro.started(), false);
      coro.close(); // never to run (else it is reported as never awaited when the loop closes)
      await t;
    }));

  it("yield wait does not shield cancel", () =>
    run(async (loop) => {
      // Cancelling outer() makes wait() return early, leaves inner() running.
      let proof = 0;
      const waiter = loop.createFuture();
      const inner = asyncio.coroutine(async () => {
        await waiter;
        proof += 1;
      });
      const outer = asyncio.coroutine(async () => {
        await asyncio.wait([asyncio.createTask(inner())]);
        proof += 100;
      });
      const f = asyncio.ensureFuture(outer());
      await asyncio.sleep(0);
      f.cancel();
      await assert.rejects(settle(f), asyncio.CancelledError);
      waiter.setResult(null);
      await runBriefly();
      assert.equal(proof, 1);
    }));

  it("a running promise is wrapped", () =>
    run(async (loop) => {
      const p = new Promise<string>((resolve) => loop.callSoon(resolve, "p"));
      const [done, pending] = await asyncio.wait([p]);
      assert.equal(pending.size, 0);
      const [f] = [...done];
      assert.ok(f instanceof asyncio.Future);
      assert.equal(f.result(), "p");
    }));
});

forEachLoop("asCompleted", (run, kind) => {
  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed (${method})`, () =>
      run(async (loop) => {
        const [short, long] = realGaps(kind, [0.01, 0.15], [0.001, 0.05]);
        const t0 = loop.time();
        const sleeper = asyncio.coroutine(async (dt: number, x: string) => {
          await asyncio.sleep(dt);
          return x;
        });
        const aws = [sleeper(short, "b"), sleeper(long, "c"), sleeper(short, "a")];
        const values: string[] = [];
        if (method === "iterator") {
          for (const f of asyncio.asCompleted(aws)) values.push(await f);
        } else {
          for await (const f of asyncio.asCompleted(aws)) values.push(await fut<string>(f));
        }
        if (kind === "virtual") assertAlmost(loop.time() - t0, 0.15);
        assert.deepEqual(new Set(values.slice(0, 2)), new Set(["a", "b"]));
        assert.equal(values[2], "c");
      }));
  }

  it("as completed same tasks in as out", () =>
    run(async (loop) => {
      const coro = asyncio.coroutine(async (i: unknown) => i);
      // Coroutines are not yielded back: implicit tasks are.
      const coros = [coro(0), coro(1), coro(2), coro(3)];
      const out = new Set<unknown>();
      for await (const f of asyncio.asCompleted(coros)) out.add(f);
      assert.equal(out.size, 4);
      for (const f of out) assert.ok(f instanceof asyncio.Task);
      for (const c of coros) assert.equal(out.has(c), false);
      // Tasks are yielded back as they are.
      const taskB = loop.createTask(coro("b"));
      const taskD = loop.createTask(coro("d"));
      const mixed = [coro("a"), taskB, coro("c"), taskD];
      const out2 = new Set<unknown>();
      for await (const f of asyncio.asCompleted<unknown>(mixed)) out2.add(f);
      assert.deepEqual(
        mixed.filter((x) => out2.has(x)),
        [taskB, taskD],
      );
    }));

  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed with timeout (${method})`, () =>
      run(async (loop) => {
        // On the real clock a finishes at once and b much later (see realGaps).
        const [da, dt, db] = realGaps(kind, [0.1, 0.12, 0.15], [0, 0.01, 10]);
        const t0 = loop.time();
        const a = loop.createTask(asyncio.sleep(da, "a"));
        const b = loop.createTask(asyncio.sleep(db, "b"));
        // As in CPython's test, a and b have started (their timers are armed) before the
        // iterator's timeout is.
        await asyncio.sleep(0);
        if (kind === "real") await a;
        const values: [number, unknown][] = [];
        if (method === "iterator") {
          for (const f of asyncio.asCompleted([a, b], { timeout: dt })) {
            try {
              values.push([1, await f]);
            } catch (e) {
              values.push([2, e]);
            }
          }
        } else {
          try {
            for await (const f of asyncio.asCompleted([a, b], { timeout: dt })) {
              values.push([1, await fut(f)]);
            }
          } catch (e) {
            values.push([2, e]);
          }
        }
        assert.equal(values.length, 2);
        const [first, second] = values as [[number, unknown], [number, unknown]];
        assert.deepEqual(first, [1, "a"]);
        assert.equal(second[0], 2);
        assert.ok(second[1] instanceof asyncio.TimeoutError);
        if (kind === "virtual") assertAlmost(loop.time() - t0, 0.12);
        // The unfinished awaitable is not cancelled.
        assert.equal(b.done(), false);
        if (kind === "virtual") assert.equal(await b, "b");
        else b.cancel();
      }));
  }

  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed with unused timeout (${method})`, () =>
      run(async (loop) => {
        const s = scaleOf(kind);
        const t0 = loop.time();
        const a = asyncio.sleep(0.01 * s, "a");
        const values: string[] = [];
        if (method === "iterator") {
          for (const f of asyncio.asCompleted([a], { timeout: 1 })) values.push(await f);
        } else {
          for await (const f of asyncio.asCompleted([a], { timeout: 1 })) values.push(await fut<string>(f));
        }
        assert.deepEqual(values, ["a"]);
        if (kind === "virtual") assertAlmost(loop.time() - t0, 0.01);
        // The timeout handle was cancelled: the virtual loop's strict close() fails the test if
        // a timer is left.
      }));
  }

  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed resume iterator (${method})`, () =>
      run(async () => {
        const coro = asyncio.coroutine(async (i: number) => i);
        const iterator = asyncio.asCompleted([coro(0), coro(1), coro(2), coro(3)]);
        const collected: number[] = [];
        let iterations = 0;
        if (method === "iterator") {
          for (const f of iterator) {
            collected.push(await f);
            if (++iterations === 2) break;
          }
          assert.equal(collected.length, 2);
          for (const f of iterator) collected.push(await f);
        } else {
          for await (const f of iterator) {
            collected.push(await fut<number>(f));
            if (++iterations === 2) break;
          }
          assert.equal(collected.length, 2);
          for await (const f of iterator) collected.push(await fut<number>(f));
        }
        assert.deepEqual(
          collected.sort((x, y) => x - y),
          [0, 1, 2, 3],
        );
      }));
  }

  it("as completed reverse wait", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const a = asyncio.sleep(0.05 * s, "a");
      const b = asyncio.sleep(0.1 * s, "b");
      const futs = [...asyncio.asCompleted([a, b])];
      assert.equal(futs.length, 2);
      const x = await (futs[1] as asyncio.Coroutine<string>);
      assert.equal(x, "a");
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.05);
      const y = await (futs[0] as asyncio.Coroutine<string>);
      assert.equal(y, "b");
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.1);
    }));

  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed concurrent (${method})`, () =>
      run(async () => {
        const s = scaleOf(kind);
        const fs = [asyncio.sleep(0.05 * s, "a"), asyncio.sleep(0.05 * s, "b")];
        const futs: asyncio.AwaitableLike<string>[] = [];
        if (method === "iterator") futs.push(...asyncio.asCompleted(fs));
        else {
          for await (const f of asyncio.asCompleted(fs)) futs.push(fut<string>(f));
        }
        assert.equal(futs.length, 2);
        const [done] = await asyncio.wait(futs.map((f) => asyncio.ensureFuture(f)));
        assert.deepEqual(new Set([...done].map((f) => f.result())), new Set(["a", "b"]));
      }));
  }

  for (const method of ["iterator", "async iterator"] as const) {
    it(`as completed duplicate coroutines (${method})`, () =>
      run(async () => {
        const coro = asyncio.coroutine(async (s: string) => s);
        const c = coro("ham");
        const result: string[] = [];
        if (method === "iterator") {
          for (const f of asyncio.asCompleted([c, c, coro("spam")])) result.push(await f);
        } else {
          for await (const f of asyncio.asCompleted([c, c, coro("spam")])) result.push(await fut<string>(f));
        }
        assert.equal(result.length, 2);
        assert.deepEqual(new Set(result), new Set(["ham", "spam"]));
      }));
  }

  it("a woken waiter that is cancelled passes its item on", () =>
    run(async (loop) => {
      // as_completed's queue of done futures follows asyncio.Queue.get (§2.9 item 72): a getter
      // woken but cancelled before it runs wakes the next getter, so no item is held back.
      const [da, db] = realGaps(kind, [0.05, 0.1], [0.005, 10]);
      const a = asyncio.createTask(asyncio.sleep(da, "a"));
      const b = asyncio.createTask(asyncio.sleep(db, "b"));
      await asyncio.sleep(0);
      const iterator = asyncio.asCompleted([a, b]);
      const [c1, c2] = [iterator.next().value, iterator.next().value] as [
        asyncio.Coroutine<string>,
        asyncio.Coroutine<string>,
      ];
      const t1 = asyncio.createTask(c1);
      const t2 = asyncio.createTask(c2);
      await asyncio.sleep(0);
      a.addDoneCallback(() => t1.cancel());
      const t0 = loop.time();
      // (wait() with a timeout: without the fix, t2 would only get an item when b is done.)
      const [done] = await asyncio.wait([t2], { timeout: 1 });
      assert.ok(done.has(t2));
      assert.equal(t2.result(), "a");
      if (kind === "virtual") assertAlmost(loop.time() - t0, 0.05);
      assert.equal(b.done(), false);
      assert.equal(t1.cancelled(), true);
      b.cancel();
    }));

  it("as completed coroutine use running loop", () =>
    run(async () => {
      const coro = asyncio.coroutine(async () => 42);
      const futs = [...asyncio.asCompleted([coro()])];
      assert.equal(futs.length, 1);
      assert.equal(await (futs[0] as asyncio.Coroutine<number>), 42);
    }));

  it("as completed invalid args", () =>
    run(async (loop) => {
      const fut = loop.createFuture();
      const coro = asyncio.coroutine(async () => 1)();
      const p = Promise.resolve(1);
      for (const [arg, name] of [
        [fut, "Future"],
        [coro, "Coroutine"],
        [p, "Promise"],
      ] as const) {
        assert.throws(() => asyncio.asCompleted(arg as unknown as asyncio.Future[]), {
          name: "TypeError",
          message: `expects an iterable of awaitables, not ${name}`,
        });
      }
      assert.equal(coro.started(), false);
      coro.close(); // never to run (else it is reported as never awaited when the loop closes)
      await p;
    }));
});

forEachLoop("shield", (run) => {
  it("shield result", () =>
    run(async (loop) => {
      const inner = loop.createFuture<number>();
      const outer = asyncio.shield(inner);
      inner.setResult(42);
      assert.equal(await outer, 42);
    }));

  it("shield exception", () =>
    run(async (loop) => {
      const inner = loop.createFuture();
      const outer = asyncio.shield(inner);
      await asyncio.sleep(0);
      const exc = new Error("expected");
      inner.setException(exc);
      await asyncio.sleep(0);
      assert.equal(outer.exception(), exc);
    }));

  it("shield cancel inner", () =>
    run(async (loop) => {
      const inner = loop.createFuture();
      const outer = asyncio.shield(inner);
      await asyncio.sleep(0);
      inner.cancel();
      await asyncio.sleep(0);
      assert.equal(outer.cancelled(), true);
    }));

  it("shield cancel outer", () =>
    run(async (loop) => {
      const inner = loop.createFuture();
      const outer = asyncio.shield(inner);
      await asyncio.sleep(0);
      outer.cancel();
      await asyncio.sleep(0);
      assert.equal(outer.cancelled(), true);
      assert.equal(inner.cancelled(), false);
      // The outer's done callback detached the inner's callback.
      assert.equal(inspect(inner), "<Future pending>");
      inner.setResult(1);
    }));

  it("shield shortcut", () =>
    run(async (loop) => {
      const fut = loop.createFuture<number>();
      fut.setResult(42);
      assert.equal(asyncio.shield(fut), fut);
      assert.equal(await asyncio.shield(fut), 42);
    }));

  it("shield effect", () =>
    run(async (loop) => {
      // Cancelling outer() does not affect inner().
      let proof = 0;
      const waiter = loop.createFuture();
      const inner = asyncio.coroutine(async () => {
        await waiter;
        proof += 1;
      });
      const outer = asyncio.coroutine(async () => {
        await asyncio.shield(inner());
        proof += 100;
      });
      const f = asyncio.ensureFuture(outer());
      await asyncio.sleep(0);
      f.cancel();
      await assert.rejects(settle(f), asyncio.CancelledError);
      waiter.setResult(null);
      await runBriefly();
      assert.equal(proof, 1);
    }));

  it("shield gather", () =>
    run(async (loop) => {
      const child1 = loop.createFuture<number>();
      const child2 = loop.createFuture<number>();
      const parent = asyncio.gather(child1, child2);
      const outer = asyncio.shield(parent);
      await asyncio.sleep(0);
      outer.cancel();
      await asyncio.sleep(0);
      assert.equal(outer.cancelled(), true);
      child1.setResult(1);
      child2.setResult(2);
      await runBriefly();
      assert.deepEqual(parent.result(), [1, 2]);
    }));

  it("gather shield", () =>
    run(async (loop) => {
      const child1 = loop.createFuture<number>();
      const child2 = loop.createFuture<number>();
      const inner1 = asyncio.shield(child1);
      const inner2 = asyncio.shield(child2);
      const parent = asyncio.gather(inner1, inner2);
      await asyncio.sleep(0);
      parent.cancel();
      // This cancels inner1 and inner2 but not child1 and child2.
      await runBriefly();
      assert.ok(parent.exception() instanceof asyncio.CancelledError);
      assert.equal(inner1.cancelled(), true);
      assert.equal(inner2.cancelled(), true);
      assert.equal(child1.cancelled(), false);
      assert.equal(child2.cancelled(), false);
      child1.setResult(1);
      child2.setResult(2);
      await runBriefly();
    }));

  it("shield coroutine use running loop", () =>
    run(async (loop) => {
      const coro = asyncio.coroutine(async () => 42);
      const outer = asyncio.shield(coro());
      assert.equal(outer.getLoop(), loop);
      assert.equal(await outer, 42);
    }));
});

describe("asCompleted outside a loop", () => {
  it("differs: as completed coroutine without loop", () => {
    // CPython 3.13: RuntimeError "There is no current event loop" (get_event_loop()); asyncio-ts
    // has no policy loop (docs/differences.md#get-event-loop).
    const coro = asyncio.coroutine(async () => 42)();
    assert.throws(() => asyncio.asCompleted([coro]), {
      name: "RuntimeError",
      message: "no running event loop",
    });
    assert.equal(coro.started(), false);
    coro.close(); // else reported as never awaited when the process exits
  });
});

describe("shield outside a loop", () => {
  it("shield coroutine without loop", () => {
    const coro = asyncio.coroutine(async () => 42)();
    assert.throws(() => asyncio.shield(coro), { name: "RuntimeError", message: "no running event loop" });
    assert.equal(coro.started(), false);
    coro.close(); // else reported as never awaited when the process exits
  });
});

describe("virtual time exactness", () => {
  it("wait never raises TimeoutError and returns at the timeout", () =>
    runVirtual(async (loop) => {
      const t = asyncio.createTask(asyncio.sleep(3600, "late"));
      const [done, pending] = await asyncio.wait([t], { timeout: 1.5 });
      assert.equal(loop.time(), 1.5);
      assert.equal(done.size, 0);
      assert.deepEqual(pending, new Set([t]));
      assert.equal(await t, "late");
      assert.equal(loop.time(), 3600);
    }));
});
