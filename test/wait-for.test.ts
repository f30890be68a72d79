// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_waitfor.py (AsyncioWaitForTest and
// WaitForShieldTests): waitFor() on top of timeout(), cancelling and awaiting the inner task.
// Reference: shared/reference/cpython-asyncio.md §2.6 items 51–53 and 57.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { forEachLoop, type LoopKind } from "./helpers/index.ts";

/** A very small timeout: it passes "timeout > 0" but costs nothing (CPython's _EPSILON). */
const EPSILON = 0.0001;

/** Real-loop runs shrink CPython's durations tenfold; the virtual loop keeps them exact. */
function scaleOf(kind: LoopKind): number {
  return kind === "real" ? 0.1 : 1;
}

/** A Future is a thenable, not a Promise: assert.rejects wants a Promise. */
function settle<T>(aw: PromiseLike<T>): Promise<T> {
  return (async () => await aw)();
}

function isCancelled(e: unknown): boolean {
  return e instanceof asyncio.CancelledError;
}

/** Runs for `timeout` seconds of loop time, ignoring cancel requests. */
class SlowTask {
  exited = false;
  readonly timeout: number;
  constructor(timeout: number) {
    this.timeout = timeout;
  }
  readonly run = asyncio.coroutine(async () => {
    const loop = asyncio.getRunningLoop();
    const exitAt = loop.time() + this.timeout;
    for (;;) {
      const toSleep = exitAt - loop.time();
      if (toSleep <= 0) break;
      try {
        await asyncio.sleep(toSleep);
      } catch (e) {
        if (!isCancelled(e)) throw e;
      }
    }
    this.exited = true;
  });
}

forEachLoop("waitFor", (run, kind) => {
  it("asyncio wait for cancelled", () =>
    run(async () => {
      const t = new SlowTask(0.2 * scaleOf(kind));
      const waitForTask = asyncio.createTask(asyncio.waitFor(t.run(), t.timeout * 2));
      await asyncio.sleep(0);
      waitForTask.cancel();
      await asyncio.wait([waitForTask]);
      assert.equal(t.exited, true);
      // The inner coroutine swallowed the cancellation and returned: so does the task.
      assert.equal(waitForTask.cancelled(), false);
      assert.equal(waitForTask.exception(), null);
      assert.equal(waitForTask.cancelling(), 1);
    }));

  it("asyncio wait for timeout", () =>
    run(async () => {
      const t = new SlowTask(0.2 * scaleOf(kind));
      // The inner coroutine ignores the timeout's cancellation and returns: no TimeoutError.
      await asyncio.waitFor(t.run(), t.timeout / 2);
      assert.equal(t.exited, true);
    }));

  it("wait for timeout less then 0 or 0 future done", () =>
    run(async (loop) => {
      const fut = loop.createFuture<string>();
      fut.setResult("done");
      assert.equal(await asyncio.waitFor(fut, 0), "done");
      assert.equal(fut.done(), true);
    }));

  it("wait for timeout less then 0 or 0 coroutine do not started", () =>
    run(async () => {
      let fooStarted = false;
      const foo = asyncio.coroutine(async () => {
        fooStarted = true;
      });
      await assert.rejects(asyncio.waitFor(foo(), 0), asyncio.TimeoutError);
      assert.equal(fooStarted, false);
      // A function body is not called either.
      await assert.rejects(
        asyncio.waitFor(async () => {
          fooStarted = true;
        }, -1),
        asyncio.TimeoutError,
      );
      assert.equal(fooStarted, false);
    }));

  for (const timeout of [0, -1]) {
    it(`wait for timeout less then 0 or 0 (timeout=${timeout})`, () =>
      run(async (loop) => {
        let fooRunning: boolean | null = null;
        const started = loop.createFuture();
        const foo = asyncio.coroutine(async () => {
          fooRunning = true;
          started.setResult(null);
          try {
            await asyncio.sleep(10);
          } finally {
            fooRunning = false;
          }
          return "done";
        });
        const fut = asyncio.createTask(foo());
        await started;
        const err = await asyncio.waitFor(fut, timeout).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(err instanceof asyncio.TimeoutError);
        assert.ok(err.cause instanceof asyncio.CancelledError);
        assert.equal(fut.done(), true);
        // It was cancelled because of the timeout.
        assert.equal(fut.cancelled(), true);
        assert.equal(fooRunning, false);
      }));
  }

  it("wait for", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const t0 = loop.time();
      let fooRunning: boolean | null = null;
      const foo = asyncio.coroutine(async () => {
        fooRunning = true;
        try {
          await asyncio.sleep(3600);
        } finally {
          fooRunning = false;
        }
        return "done";
      });
      const fut = asyncio.createTask(foo());
      await assert.rejects(asyncio.waitFor(fut, 0.1 * s), {
        name: "TimeoutError",
        message: "",
      });
      if (kind === "virtual") assert.equal(loop.time() - t0, 0.1);
      assert.equal(fut.done(), true);
      assert.equal(fut.cancelled(), true);
      assert.equal(fooRunning, false);
    }));

  it("wait for blocking", () =>
    run(async () => {
      const coro = asyncio.coroutine(async () => "done");
      assert.equal(await asyncio.waitFor(coro(), null), "done");
    }));

  it("wait for race condition", () =>
    run(async (loop) => {
      const fut = loop.createFuture<string>();
      const task = asyncio.waitFor(fut, 0.2 * scaleOf(kind));
      loop.callSoon((v: string) => {
        fut.setResult(v);
      }, "ok");
      assert.equal(await task, "ok");
    }));

  it("wait for cancellation race condition", () =>
    run(async () => {
      const inner = asyncio.coroutine(async () => {
        await assert.rejects(settle(asyncio.sleep(1)), asyncio.CancelledError);
        return 1;
      });
      assert.equal(await asyncio.waitFor(inner(), 0.01 * scaleOf(kind)), 1);
    }));

  it("wait for waits for task cancellation", () =>
    run(async () => {
      let taskDone = false;
      const inner = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          if (isCancelled(e)) await asyncio.sleep(EPSILON);
          throw e;
        } finally {
          taskDone = true;
        }
      });
      const innerTask = asyncio.createTask(inner());
      const err = await asyncio.waitFor(innerTask, EPSILON).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof asyncio.TimeoutError);
      assert.equal(taskDone, true);
      // CPython chains the CancelledError as __context__/__cause__; here it is the cause.
      assert.equal((err.cause as Error).constructor, asyncio.CancelledError);
    }));

  it("wait for waits for task cancellation w timeout 0", () =>
    run(async () => {
      let taskDone = false;
      const foo = asyncio.coroutine(async () => {
        const inner = asyncio.coroutine(async () => {
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (isCancelled(e)) await asyncio.sleep(EPSILON);
            throw e;
          } finally {
            taskDone = true;
          }
        });
        const innerTask = asyncio.createTask(inner());
        await asyncio.sleep(EPSILON);
        await asyncio.waitFor(innerTask, 0);
      });
      const err = await foo().then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof asyncio.TimeoutError);
      assert.equal(taskDone, true);
      assert.equal((err.cause as Error).constructor, asyncio.CancelledError);
    }));

  it("wait for reraises exception during cancellation", () =>
    run(async () => {
      class FooException extends Error {}
      const foo = asyncio.coroutine(async () => {
        const inner = asyncio.coroutine(async () => {
          try {
            await asyncio.sleep(0.2);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw new FooException("during cancellation");
          }
        });
        const innerTask = asyncio.createTask(inner());
        await asyncio.waitFor(innerTask, EPSILON);
      });
      await assert.rejects(foo(), FooException);
    }));

  for (const timeout of [null, 60]) {
    it(timeout === null ? "cancel blocking wait for" : "cancel wait for", () =>
      run(async (loop) => {
        const blockingCoroutine = asyncio.coroutine(async () => {
          const fut = loop.createFuture();
          // Block: the result is never set.
          await fut;
        });
        const task = asyncio.createTask(blockingCoroutine());
        const wait = asyncio.createTask(asyncio.waitFor(task, timeout));
        loop.callSoon(() => wait.cancel());
        await assert.rejects(settle(wait), asyncio.CancelledError);
        // Python issue #23219: cancelling the wait must also cancel the task.
        assert.equal(task.cancelled(), true);
      }),
    );
  }

  it("wait for cancel suppressed", () =>
    run(async () => {
      // GH-86296: a task that suppresses CancelledError and returns a value: waitFor returns the
      // value, as timeout() does.
      const return42 = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          if (isCancelled(e)) return 42;
          throw e;
        }
        return 0;
      });
      assert.equal(await asyncio.waitFor(return42(), 0.1 * scaleOf(kind)), 42);
    }));

  it("wait for issue86296", () =>
    run(async () => {
      // GH-86296: the waiting task is cancelled and does not run to completion, although the inner
      // task completed in the same loop iteration.
      const inner = asyncio.coroutine(async () => "done");
      const innerTask = asyncio.createTask(inner());
      let reachedEnd = false;
      const waitForCoro = asyncio.coroutine(async () => {
        await asyncio.waitFor(innerTask, 100);
        await asyncio.sleep(1);
        reachedEnd = true;
      });
      const task = asyncio.createTask(waitForCoro());
      assert.equal(task.done(), false);
      await asyncio.sleep(0);
      task.cancel();
      await assert.rejects(settle(task), asyncio.CancelledError);
      assert.equal(innerTask.done(), true);
      assert.equal(await innerTask, "done");
      assert.equal(reachedEnd, false);
    }));

  it("cancelling the waitFor reaches the inner task; if it swallows the cancel, its value is returned", () =>
    run(async (loop) => {
      // As CPython 3.13: the outer task's cancel went to the future it awaited (the inner task),
      // which returned a value, so no cancellation is left to deliver; cancelling() stays 1.
      const inner = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          if (isCancelled(e)) return "swallowed";
          throw e;
        }
        return "slept";
      });
      const innerTask = asyncio.createTask(inner());
      const outer = asyncio.createTask(asyncio.waitFor(innerTask, 10));
      await asyncio.sleep(0);
      loop.callSoon(() => outer.cancel());
      assert.equal(await outer, "swallowed");
      assert.equal(outer.cancelling(), 1);
      assert.equal(innerTask.result(), "swallowed");
    }));

  it("a running promise is wrapped", () =>
    run(async (loop) => {
      const s = scaleOf(kind);
      const quick = new Promise<string>((resolve) => loop.callSoon(resolve, "quick"));
      assert.equal(await asyncio.waitFor(quick, 1), "quick");
      // On timeout the wrapper is cancelled; the promise itself cannot be stopped and settles later.
      const { promise: slow, resolve } = Promise.withResolvers<string>();
      await assert.rejects(asyncio.waitFor(slow, 0.01 * s), asyncio.TimeoutError);
      loop.callSoon(resolve, "slow");
      assert.equal(await slow, "slow");
    }));

  it("a function is called inside the waiting task", () =>
    run(async () => {
      const me = asyncio.currentTask();
      let seen: asyncio.Task | null = null;
      const res = await asyncio.waitFor(async () => {
        seen = asyncio.currentTask();
        await asyncio.sleep(0);
        return "fn";
      }, 1);
      assert.equal(res, "fn");
      assert.equal(seen, me);
    }));
});

/**
 * A coroutine that returns "done" after `delay` seconds: CPython's sleeps on the virtual clock;
 * on the real one it waits for `release()`, so that a stall of the process cannot make it finish
 * before the test has looked.
 */
function work(kind: LoopKind, delay: number): [asyncio.Coroutine<string>, () => void] {
  if (kind === "virtual") {
    const coro = asyncio.coroutine(async () => {
      await asyncio.sleep(delay);
      return "done";
    });
    return [coro(), () => undefined];
  }
  const gate = new asyncio.Future();
  const coro = asyncio.coroutine(async () => {
    await gate;
    return "done";
  });
  return [
    coro(),
    () => {
      gate.setResult(null);
    },
  ];
}

forEachLoop("waitFor with shield", (run, kind) => {
  it("zero timeout", () =>
    run(async () => {
      // shield() returns a new future wrapping the task; with timeout 0 that outer future is
      // cancelled at once while the task goes on.
      const [coro, release] = work(kind, 0.01);
      const task = asyncio.createTask(coro);
      const shielded = asyncio.shield(task);
      await assert.rejects(asyncio.waitFor(shielded, 0), asyncio.TimeoutError);
      // The task goes on in the background.
      assert.equal(task.done(), false);
      assert.equal(task.cancelled(), false);
      assert.equal(shielded.cancelled(), true);
      release();
      await asyncio.sleep(kind === "virtual" ? 0.1 : 0);
      assert.equal(task.done(), true);
    }));

  it("none timeout", () =>
    run(async () => {
      const s = scaleOf(kind);
      const coro = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        return "done";
      });
      const task = asyncio.createTask(coro());
      await asyncio.waitFor(asyncio.shield(task), null);
      assert.equal(task.done(), true);
      assert.equal(await task, "done");
    }));

  it("shielded timeout", () =>
    run(async () => {
      // shield prevents the task from being cancelled.
      const [coro, release] = work(kind, 0.1);
      const task = asyncio.createTask(coro);
      await assert.rejects(asyncio.waitFor(asyncio.shield(task), 0.01 * scaleOf(kind)), asyncio.TimeoutError);
      assert.equal(task.done(), false);
      assert.equal(task.cancelled(), false);
      release();
      assert.equal(await task, "done");
    }));
});

describe("waitFor on the virtual clock", () => {
  it("times out at the deadline and has awaited the inner task's clean-up", () =>
    runVirtual(async (loop) => {
      const trace: string[] = [];
      const inner = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(3600);
        } finally {
          trace.push(`cleanup starts at ${loop.time()}`);
          await asyncio.sleep(0.5);
          trace.push(`cleanup ends at ${loop.time()}`);
        }
      });
      await assert.rejects(asyncio.waitFor(inner(), 1.5), asyncio.TimeoutError);
      trace.push(`TimeoutError at ${loop.time()}`);
      assert.deepEqual(trace, ["cleanup starts at 1.5", "cleanup ends at 2", "TimeoutError at 2"]);
    }));
});
