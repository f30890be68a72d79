// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_timeouts.py (TimeoutTests):
// timeout()/timeoutAt() as scopes, their state machine, nesting, and the cancellation counting
// that decides when a CancelledError becomes a TimeoutError.
// Reference: shared/reference/cpython-asyncio.md §2.7.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { forEachLoop, type LoopKind } from "./helpers/index.ts";

/** Real-loop runs shrink CPython's durations tenfold; the virtual loop keeps them exact. */
function scaleOf(kind: LoopKind): number {
  return kind === "real" ? 0.1 : 1;
}

/** CPython's tests use time.sleep() to keep the loop busy: block the thread for real. */
function blockFor(seconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}

/** A Future is a thenable, not a Promise: assert.rejects wants a Promise. */
async function settle(aw: PromiseLike<unknown>): Promise<void> {
  await aw;
}

function isCancelled(e: unknown): boolean {
  return e instanceof asyncio.CancelledError;
}

/** The error `promise` rejects with (fails if it resolves). */
async function errorOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected a rejection");
}

forEachLoop("timeout", (run, kind) => {
  it("timeout basic", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const cm = asyncio.timeout(0.01 * s);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(10);
        }),
        { name: "TimeoutError", message: "" },
      );
      assert.equal(cm.expired(), true);
      if (kind === "virtual") assert.equal(loop.time() - t0, 0.01);
    }));

  it("timeout at basic", () =>
    run(async (loop) => {
      const deadline = loop.time() + 0.01 * scaleOf(kind);
      const cm = asyncio.timeoutAt(deadline);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(10);
        }),
        asyncio.TimeoutError,
      );
      assert.equal(cm.expired(), true);
      assert.equal(cm.when(), deadline);
      if (kind === "virtual") assert.equal(loop.time(), deadline);
    }));

  it("nested timeouts", () =>
    run(async (loop) => {
      let cancelled = false;
      const deadline = loop.time() + 0.01 * scaleOf(kind);
      const cm1 = asyncio.timeoutAt(deadline);
      const cm2 = asyncio.timeoutAt(deadline);
      await assert.rejects(
        cm1.with(async () => {
          // Only the topmost manager converts the cancellation to TimeoutError.
          try {
            await cm2.with(async () => {
              await asyncio.sleep(10);
            });
          } catch (e) {
            if (isCancelled(e)) cancelled = true;
            throw e;
          }
        }),
        asyncio.TimeoutError,
      );
      assert.equal(cancelled, true);
      assert.equal(cm1.expired(), true);
      assert.equal(cm2.expired(), true);
      assert.equal(asyncio.currentTask()?.cancelling(), 0);
    }));

  it("waiter cancelled", () =>
    run(async () => {
      let cancelled = false;
      await assert.rejects(
        asyncio.timeout(0.01 * scaleOf(kind)).with(async () => {
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (isCancelled(e)) cancelled = true;
            throw e;
          }
        }),
        asyncio.TimeoutError,
      );
      assert.equal(cancelled, true);
    }));

  it("timeout not called", () =>
    run(async (loop) => {
      const cm = asyncio.timeout(10);
      await cm.with(async () => {
        await asyncio.sleep(0.01 * scaleOf(kind));
      });
      const t1 = loop.time();
      assert.equal(cm.expired(), false);
      assert.ok((cm.when() as number) > t1);
    }));

  it("timeout disabled", () =>
    run(async () => {
      const cm = asyncio.timeout(null);
      await cm.with(async () => {
        await asyncio.sleep(0.01 * scaleOf(kind));
      });
      assert.equal(cm.expired(), false);
      assert.equal(cm.when(), null);
    }));

  it("timeout at disabled", () =>
    run(async () => {
      const cm = asyncio.timeoutAt(null);
      await cm.with(async () => {
        await asyncio.sleep(0.01 * scaleOf(kind));
      });
      assert.equal(cm.expired(), false);
      assert.equal(cm.when(), null);
    }));

  it("timeout zero", () =>
    run(async (loop) => {
      const t0 = loop.time();
      const cm = asyncio.timeout(0);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(10);
        }),
        asyncio.TimeoutError,
      );
      const t1 = loop.time();
      assert.equal(cm.expired(), true);
      const when = cm.when() as number;
      assert.ok(t0 <= when && when <= t1);
    }));

  it("timeout zero sleep zero", () =>
    run(async (loop) => {
      // A zero deadline is scheduled with callSoon: even sleep(0) in the block is cancelled.
      const t0 = loop.time();
      const cm = asyncio.timeout(0);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(0);
        }),
        asyncio.TimeoutError,
      );
      const t1 = loop.time();
      assert.equal(cm.expired(), true);
      const when = cm.when() as number;
      assert.ok(t0 <= when && when <= t1);
    }));

  it("timeout in the past sleep zero", () =>
    run(async (loop) => {
      const t0 = loop.time();
      const cm = asyncio.timeout(-11);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(0);
        }),
        asyncio.TimeoutError,
      );
      const t1 = loop.time();
      assert.equal(cm.expired(), true);
      const when = cm.when() as number;
      assert.ok(t0 >= when && when <= t1);
    }));

  it("foreign exception passed", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01 * scaleOf(kind));
      const exc = new RangeError("key");
      const err = await errorOf(
        cm.with(() => {
          throw exc;
        }),
      );
      assert.equal(err, exc);
      assert.equal(cm.expired(), false);
      assert.equal(Object.hasOwn(exc, "timeoutContext"), false);
    }));

  it("differs: timeout exception context", () =>
    run(async () => {
      // CPython: TimeoutError caused by the CancelledError, whose __context__ is the
      // ZeroDivisionError being handled. JavaScript errors have no implicit context: the
      // TimeoutError's cause is the CancelledError and the chain stops there.
      const err = await errorOf(
        asyncio.timeout(0.01 * scaleOf(kind)).with(async () => {
          try {
            throw new RangeError("division by zero");
          } finally {
            await asyncio.sleep(1);
          }
        }),
      );
      assert.ok(err instanceof asyncio.TimeoutError);
      assert.ok(err.cause instanceof asyncio.CancelledError);
      assert.equal(err.cause.cause, undefined);
    }));

  it("differs: foreign exception on timeout", () =>
    run(async () => {
      // CPython inserts a TimeoutError (caused by the CancelledError) into the __context__ chain
      // of an exception escaping the expired block. asyncio-ts records a TimeoutError on the
      // error's `timeoutContext` property (docs/differences.md#exception-chains).
      const crash = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(1);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new RangeError("division by zero");
        }
      });
      const err = await errorOf(
        asyncio.timeout(0.01 * scaleOf(kind)).with(async () => {
          await crash();
        }),
      );
      assert.ok(err instanceof RangeError);
      assert.equal(err.message, "division by zero");
      assert.ok((err as { timeoutContext?: unknown }).timeoutContext instanceof asyncio.TimeoutError);
    }));

  it("foreign cancel doesnt timeout if not expired", () =>
    run(async () => {
      const cm = asyncio.timeout(10);
      await assert.rejects(
        cm.with(async () => {
          asyncio.currentTask()?.cancel();
          await asyncio.sleep(10);
        }),
        { name: "CancelledError" },
      );
      assert.equal(cm.expired(), false);
      // The outside cancel is still pending on the task: not absorbed by the timeout.
      assert.equal(asyncio.currentTask()?.cancelling(), 1);
      asyncio.currentTask()?.uncancel();
    }));

  it("outer task is not cancelled", () =>
    run(async () => {
      const outer = asyncio.coroutine(async () => {
        await assert.rejects(
          asyncio.timeout(0.001 * scaleOf(kind)).with(async () => {
            await asyncio.sleep(10);
          }),
          asyncio.TimeoutError,
        );
      });
      const task = asyncio.createTask(outer());
      await task;
      assert.equal(task.cancelled(), false);
      assert.equal(task.done(), true);
      assert.equal(task.cancelling(), 0);
    }));

  it("reschedule", () =>
    run(async (loop) => {
      const fut = loop.createFuture<asyncio.Timeout>();
      const deadline1 = loop.time() + 10;
      const deadline2 = deadline1 + 20;
      const f = asyncio.coroutine(async () => {
        await asyncio.timeoutAt(deadline1).with(async (cm) => {
          fut.setResult(cm);
          await asyncio.sleep(50);
        });
      });
      const task = asyncio.createTask(f());
      const cm = await fut;
      assert.equal(cm.when(), deadline1);
      cm.reschedule(deadline2);
      assert.equal(cm.when(), deadline2);
      cm.reschedule(null);
      assert.equal(cm.when(), null);
      task.cancel();
      await assert.rejects(settle(task), asyncio.CancelledError);
      assert.equal(cm.expired(), false);
    }));

  it("reschedule to an earlier deadline expires then", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      const cm = asyncio.timeout(10);
      await assert.rejects(
        cm.with(async () => {
          cm.reschedule(loop.time() + 0.01 * s);
          await asyncio.sleep(10);
        }),
        asyncio.TimeoutError,
      );
      if (kind === "virtual") assert.equal(loop.time() - t0, 0.01);
      assert.equal(cm.expired(), true);
    }));

  it("repr active", () =>
    run(async (loop) => {
      await asyncio.timeout(10).with((cm) => {
        assert.match(inspect(cm), /^<Timeout \[active\] when=\d+\.\d*>$/);
        assert.equal(String(cm), inspect(cm));
        if (kind === "virtual") assert.equal(inspect(cm), `<Timeout [active] when=${loop.time() + 10}.0>`);
      });
    }));

  it("repr expired", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01 * scaleOf(kind));
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(10);
        }),
        asyncio.TimeoutError,
      );
      assert.equal(inspect(cm), "<Timeout [expired]>");
    }));

  it("repr finished", () =>
    run(async () => {
      const cm = asyncio.timeout(10);
      assert.equal(inspect(cm), "<Timeout [created]>");
      await cm.with(async () => {
        await asyncio.sleep(0);
      });
      assert.equal(inspect(cm), "<Timeout [finished]>");
    }));

  it("repr disabled", () =>
    run(async () => {
      await asyncio.timeout(null).with((cm) => {
        assert.equal(inspect(cm), "<Timeout [active] when=None>");
      });
    }));

  it("nested timeout in finally", () =>
    run(async () => {
      const s = scaleOf(kind);
      let e2: unknown = null;
      const e1 = await errorOf(
        asyncio.timeout(0.01 * s).with(async () => {
          try {
            await asyncio.sleep(1);
          } finally {
            e2 = await errorOf(
              asyncio.timeout(0.01 * s).with(async () => {
                await asyncio.sleep(10);
              }),
            );
          }
        }),
      );
      // Each TimeoutError is caused by its own CancelledError.
      assert.ok(e1 instanceof asyncio.TimeoutError);
      assert.ok(e1.cause instanceof asyncio.CancelledError);
      assert.ok(e2 instanceof asyncio.TimeoutError);
      assert.ok(e2.cause instanceof asyncio.CancelledError);
      assert.notEqual(e2.cause, e1.cause);
    }));

  it("timeout after cancellation", () =>
    run(async () => {
      // cancelling() is 1 on entry (the caught cancellation was never uncancelled): the
      // comparison is relative to the count seen on entry, so the timeout still converts.
      try {
        asyncio.currentTask()?.cancel();
        await asyncio.sleep(1); // work which will be cancelled
      } catch (e) {
        if (!isCancelled(e)) throw e;
      } finally {
        await assert.rejects(
          asyncio.timeout(0).with(async () => {
            await asyncio.sleep(1); // some cleanup
          }),
          asyncio.TimeoutError,
        );
      }
      assert.equal(asyncio.currentTask()?.cancelling(), 1);
      asyncio.currentTask()?.uncancel();
    }));

  it("cancel in timeout after cancellation", () =>
    run(async () => {
      try {
        asyncio.currentTask()?.cancel();
        await asyncio.sleep(1);
      } catch (e) {
        if (!isCancelled(e)) throw e;
      } finally {
        await assert.rejects(
          asyncio.timeout(1).with(async () => {
            asyncio.currentTask()?.cancel();
            await asyncio.sleep(2);
          }),
          { name: "CancelledError" },
        );
      }
      assert.equal(asyncio.currentTask()?.cancelling(), 2);
      asyncio.currentTask()?.uncancel();
      asyncio.currentTask()?.uncancel();
    }));

  it("timeout already entered", () =>
    run(async () => {
      await asyncio.timeout(0.01).with(async (cm) => {
        await assert.rejects(
          cm.with(() => undefined),
          { name: "RuntimeError", message: "Timeout has already been entered" },
        );
      });
    }));

  it("timeout double enter", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01);
      await cm.with(() => undefined);
      let ran = false;
      await assert.rejects(
        cm.with(() => {
          ran = true;
        }),
        { name: "RuntimeError", message: "Timeout has already been entered" },
      );
      assert.equal(ran, false);
    }));

  it("timeout finished", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01);
      await cm.with(() => undefined);
      assert.throws(
        () => {
          cm.reschedule(0.02);
        },
        { name: "RuntimeError", message: "Cannot change state of finished Timeout" },
      );
    }));

  it("timeout expired", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01 * scaleOf(kind));
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(1);
        }),
        asyncio.TimeoutError,
      );
      assert.throws(
        () => {
          cm.reschedule(0.02);
        },
        { name: "RuntimeError", message: "Cannot change state of expired Timeout" },
      );
    }));

  it("timeout expiring", () =>
    run(async () => {
      await asyncio.timeout(0.01 * scaleOf(kind)).with(async (cm) => {
        await assert.rejects(settle(asyncio.sleep(1)), asyncio.CancelledError);
        assert.throws(
          () => {
            cm.reschedule(0.02);
          },
          { name: "RuntimeError", message: "Cannot change state of expiring Timeout" },
        );
      });
    }));

  it("timeout not entered", () =>
    run(async () => {
      const cm = asyncio.timeout(0.01);
      assert.throws(
        () => {
          cm.reschedule(0.02);
        },
        { name: "RuntimeError", message: "Timeout has not been entered" },
      );
    }));

  it("timeout without task", () =>
    run(async (loop) => {
      const cm = asyncio.timeout(0.01);
      const entered = loop.createFuture();
      // A plain callback runs outside any task.
      loop.callSoon(() => {
        cm.with(() => "body").then(
          (v) => {
            entered.setResult(v);
          },
          (e: unknown) => {
            entered.setResult(e);
          },
        );
      });
      const err = await entered;
      assert.ok(err instanceof asyncio.RuntimeError);
      assert.equal(err.message, "Timeout should be used inside a task");
      assert.throws(
        () => {
          cm.reschedule(0.02);
        },
        { name: "RuntimeError", message: "Timeout has not been entered" },
      );
    }));

  it("differs: timeout taskgroup", () =>
    run(async () => {
      // The ExceptionGroup escapes the expired block (not a TimeoutError). CPython splices a
      // TimeoutError into the __context__ chain of the group and of each member; asyncio-ts
      // marks them with `timeoutContext` instead (docs/differences.md#exception-chains).
      const s = scaleOf(kind);
      const task = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(2); // interrupted after 0.01 s
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new RangeError("crash in cleanup");
        }
      });
      const eg = await errorOf(
        asyncio.timeout(0.01 * s).with(async () => {
          await new asyncio.TaskGroup().with(async (tg) => {
            tg.createTask(task());
            try {
              throw new TypeError("value");
            } finally {
              await asyncio.sleep(1);
            }
          });
        }),
      );
      assert.ok(eg instanceof asyncio.ExceptionGroup);
      assert.equal(eg.message, "unhandled errors in a TaskGroup");
      // The body's TypeError was replaced by the CancelledError of its finally block's sleep.
      assert.equal(eg.exceptions.length, 1);
      const [e1] = eg.exceptions as [Error];
      assert.deepEqual([e1.name, e1.message], ["RangeError", "crash in cleanup"]);
      const tc = (x: object): unknown => (x as { timeoutContext?: unknown }).timeoutContext;
      assert.ok(tc(eg) instanceof asyncio.TimeoutError);
      assert.ok(tc(e1) instanceof asyncio.TimeoutError);
    }));

  it("a block that swallows the cancellation exits normally, expired and uncancelled", () =>
    run(async () => {
      const task = asyncio.currentTask() as asyncio.Task;
      const cm = asyncio.timeout(0.01 * scaleOf(kind));
      const res = await cm.with(async () => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          if (!isCancelled(e)) throw e;
        }
        return "swallowed";
      });
      assert.equal(res, "swallowed");
      assert.equal(cm.expired(), true);
      assert.equal(inspect(cm), "<Timeout [expired]>");
      assert.equal(task.cancelling(), 0);
    }));
});

describe("timeout on a busy real loop", () => {
  it("nested timeouts concurrent", () =>
    asyncio.run(async () => {
      const trace: string[] = [];
      await assert.rejects(
        asyncio.timeout(0.002).with(async () => {
          try {
            await asyncio.timeout(0.1).with(async () => {
              // Pretend we crunch some numbers.
              blockFor(0.01);
              await asyncio.sleep(1);
            });
          } catch (e) {
            trace.push(`inner ${(e as Error).name}`);
            throw e;
          }
        }),
        asyncio.TimeoutError,
      );
      // The inner (not expired) manager lets the CancelledError through; the outer converts it.
      assert.deepEqual(trace, ["inner CancelledError"]);
      assert.equal(asyncio.currentTask()?.cancelling(), 0);
    }));

  it("nested timeouts loop busy", () =>
    asyncio.run(async (): Promise<void> => {
      // Both deadlines pass while the loop is blocked: both managers cancel the task before it
      // resumes; the inner one sees a cancel request it did not make and lets the
      // CancelledError through; the outer converts it.
      const loop = asyncio.getRunningLoop();
      loop.slowCallbackDuration = 10;
      const t0 = loop.time();
      const trace: string[] = [];
      await assert.rejects(
        asyncio.timeout(0.03).with(async () => {
          try {
            await asyncio.timeout(0.003).with(async () => {
              blockFor(0.03);
              await asyncio.sleep(1);
            });
            trace.push("after inner");
          } catch (e) {
            trace.push(`inner ${(e as Error).name} cancelling=${asyncio.currentTask()?.cancelling()}`);
            throw e;
          }
        }),
        asyncio.TimeoutError,
      );
      assert.deepEqual(trace, ["inner CancelledError cancelling=1"]);
      assert.equal(asyncio.currentTask()?.cancelling(), 0);
      assert.ok(loop.time() - t0 < 1);
    }));
});

describe("timeout: virtual loop only", () => {
  it("both deadlines due in one iteration: only the outer converts", () =>
    runVirtual(async () => {
      // The virtual twin of "nested timeouts loop busy": zero deadlines fire in the same iteration.
      const trace: string[] = [];
      await assert.rejects(
        asyncio.timeout(0).with(async () => {
          try {
            await asyncio.timeout(0).with(async () => {
              await asyncio.sleep(1);
            });
          } catch (e) {
            trace.push(`inner ${(e as Error).name}`);
            throw e;
          }
        }),
        asyncio.TimeoutError,
      );
      assert.deepEqual(trace, ["inner CancelledError"]);
    }));

  it("an expiry long after entry, on the exact deadline", () =>
    runVirtual(async (loop) => {
      await asyncio.sleep(100);
      const cm = asyncio.timeout(3600);
      await assert.rejects(
        cm.with(async () => {
          await asyncio.sleep(7200);
        }),
        asyncio.TimeoutError,
      );
      assert.equal(loop.time(), 3700);
      assert.equal(cm.when(), 3700);
    }));
});

describe("timeout outside a loop", () => {
  it("timeout() needs a running loop", () => {
    assert.throws(() => asyncio.timeout(1), { name: "RuntimeError", message: "no running event loop" });
    // timeoutAt() takes an absolute time: it can be made anywhere.
    assert.equal(asyncio.timeoutAt(5).when(), 5);
  });

  it("timeout() delay must be seconds", () =>
    runVirtual(() => {
      assert.throws(() => asyncio.timeout("1" as unknown as number), {
        name: "TypeError",
        message: "timeout() delay must be a number of seconds or null, got string",
      });
    }));
});
