// Ports, by behaviour, the loop parts of CPython 3.13 Lib/test/test_asyncio/test_base_events.py:
// BaseEventLoopTests (call_soon/call_later/call_at, _run_once's snapshot and ordering, cancelled
// handles, stop/close/run_until_complete edge cases, the exception handler and its fallbacks,
// the task factory, PYTHONASYNCIODEBUG), BaseEventLoopWithSelectorTests (coroutines refused as
// callbacks, slow-callback warnings) and RunningLoopTests.
import { before, describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { forEachLoop, Trace } from "./helpers/index.ts";
import { captureStderr, loopClass, newLoop, runBriefly, runOnce, withLoop } from "./helpers/loops.ts";
import { kScheduledTimers } from "../src/internal/symbols.ts";

const execFileAsync = promisify(execFile);

function noop(): void {
  // A callback that does nothing.
}

function zeroError(): never {
  throw new RangeError("division by zero");
}

forEachLoop("BaseEventLoop scheduling", (run, kind) => {
  it("call soon", () =>
    withLoop(kind, async (loop) => {
      const h = loop.callSoon(noop);
      assert.ok(h instanceof asyncio.Handle);
      assert.ok(!(h instanceof asyncio.TimerHandle));
      assert.equal(h.cancelled(), false);
      assert.equal(String(h), "<Handle noop()>");
      await runOnce(loop);
    }));

  it("call soon passes its arguments", () =>
    withLoop(kind, async (loop) => {
      const calls: unknown[][] = [];
      loop.callSoon((...args: unknown[]) => {
        calls.push(args);
      });
      loop.callSoon((a: number) => {
        calls.push([a]);
      }, 1);
      loop.callSoon(
        (a: number, b: string, c: null) => {
          calls.push([a, b, c]);
        },
        1,
        "two",
        null,
      );
      await runOnce(loop);
      assert.deepEqual(calls, [[], [1], [1, "two", null]]);
    }));

  it("call soon is FIFO", () =>
    withLoop(kind, async (loop) => {
      const calls: number[] = [];
      for (let i = 0; i < 10; i++) {
        loop.callSoon((n: number) => {
          calls.push(n);
        }, i);
      }
      await runOnce(loop);
      assert.deepEqual(calls, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }));

  it("call soon non callable", () =>
    withLoop(kind, async (loop) => {
      loop.setDebug(true);
      assert.throws(() => loop.callSoon(1 as never), {
        name: "TypeError",
        message: "a callable object was expected by call_soon(), got 1",
      });
      loop.setDebug(false);
      assert.throws(() => loop.callLater(1, "spam" as never), {
        name: "TypeError",
        message: "a callable object was expected by call_at(), got 'spam'",
      });
      await Promise.resolve();
    }));

  it("call later", () =>
    withLoop(kind, async (loop) => {
      const before = loop.time();
      const h = loop.callLater(10.0, noop);
      assert.ok(h instanceof asyncio.TimerHandle);
      assert.ok(h.when() >= before + 10.0 && h.when() <= loop.time() + 10.0);
      assert.throws(() => loop.callLater(null as unknown as number, noop), {
        name: "TypeError",
        message: "delay must not be None",
      });
      assert.throws(() => loop.callLater("1" as unknown as number, noop), {
        name: "TypeError",
        message: "delay must be a number of seconds, got string",
      });
      h.cancel();
      assert.equal(h.cancelled(), true);
      await runOnce(loop);
    }));

  it("call later negative delays", () =>
    withLoop(kind, async (loop) => {
      const calls: string[] = [];
      const cb = (arg: string): void => {
        calls.push(arg);
      };
      loop.callLater(-1, cb, "a");
      loop.callLater(-2, cb, "b");
      await runBriefly(loop);
      assert.deepEqual(calls, ["b", "a"]);
    }));

  it("time and call at", () =>
    withLoop(kind, async (loop) => {
      const delay = 0.01;
      const when = loop.time() + delay;
      const h = loop.callAt(when, () => {
        loop.stop();
      });
      assert.equal(h.when(), when);
      const t0 = loop.time();
      await loop.runForever();
      const dt = loop.time() - t0;
      assert.ok(dt >= delay - 0.001, `woke after ${dt} s`);
      if (kind === "virtual") assert.equal(loop.time(), when);
      assert.throws(() => loop.callAt(null as unknown as number, noop), {
        name: "TypeError",
        message: "when cannot be None",
      });
      assert.throws(() => loop.callAt("1" as unknown as number, noop), {
        name: "TypeError",
        message: "when must be a number of seconds, got string",
      });
      assert.throws(() => loop.callAt(NaN, noop), { name: "RangeError", message: "when must not be NaN" });
    }));

  it("time is monotonic", () =>
    run(async (loop) => {
      let last = loop.time();
      for (let i = 0; i < 5; i++) {
        await asyncio.sleep(0.001);
        const now = loop.time();
        assert.ok(now >= last);
        last = now;
      }
    }));

  it("run once: ready callbacks, then due timers", () =>
    // CPython: call_soon(A); call_later(0, B); call_soon(C) runs A, C, B.
    run(async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("A");
      });
      loop.callLater(0, () => {
        trace.push("B");
      });
      loop.callSoon(() => {
        trace.push("C");
      });
      await asyncio.sleep(0.002);
      assert.deepEqual(trace.lines, ["A", "C", "B"]);
    }));

  it("run once schedule handle", () =>
    // A handle scheduled by a callback of this iteration (here a timer's) runs in the next one.
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.callLater(-1, () => {
        trace.push("timer");
        loop.callSoon(() => {
          trace.push("scheduled by the timer");
        });
      });
      loop.callSoon(() => {
        trace.push("ready");
        loop.callSoon(() => {
          trace.push("scheduled by ready");
        });
        loop.stop();
      });
      await loop.runForever();
      assert.deepEqual(trace.lines, ["ready", "timer"]);
      await runOnce(loop);
      assert.deepEqual(trace.lines, ["ready", "timer", "scheduled by ready", "scheduled by the timer"]);
    }));

  it("run once: an iteration runs only the snapshot taken at its start", () =>
    run(async (loop) => {
      const trace = new Trace();
      const cb = (name: string, depth: number): void => {
        trace.push(name, depth);
        if (depth < 2) loop.callSoon(cb, name, depth + 1);
      };
      loop.callSoon(cb, "x", 0);
      loop.callSoon(cb, "y", 0);
      await asyncio.sleep(0);
      trace.push("main");
      await asyncio.sleep(0);
      trace.push("main");
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["x 0", "y 0", "main", "x 1", "y 1", "main", "x 2", "y 2"]);
    }));

  it("add callback cancelled handle", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      const h = loop.callSoon(() => {
        trace.push("cancelled handle ran");
      });
      h.cancel();
      assert.equal(h.cancelled(), true);
      assert.equal(String(h), "<Handle cancelled>");
      h.cancel();
      loop.callSoon(() => {
        trace.push("other");
      });
      await runOnce(loop);
      assert.deepEqual(trace.lines, ["other"]);
    }));

  it("a handle cancelled by an earlier callback of the same iteration does not run", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("first");
        second.cancel();
        timer.cancel();
      });
      const second = loop.callSoon(() => {
        trace.push("second");
      });
      const timer = loop.callLater(-1, () => {
        trace.push("timer");
      });
      await runOnce(loop);
      assert.deepEqual(trace.lines, ["first"]);
    }));

  it("cancelled timers are skipped and the loop waits for the next live one", () =>
    run(async (loop) => {
      const trace = new Trace();
      const h1 = loop.callLater(0.005, () => {
        trace.push("h1");
      });
      loop.callLater(0.01, () => {
        trace.push("h2");
      });
      h1.cancel();
      assert.match(String(h1), /^<TimerHandle cancelled when=[\d.]+>$/);
      await asyncio.sleep(0.02);
      assert.deepEqual(trace.lines, ["h2"]);
    }));

  it("run once cancelled event cleanup", () =>
    // CPython's test__run_once_cancelled_event_cleanup, through the heap's length: at the start of
    // an iteration, up to MIN_SCHEDULED_TIMER_HANDLES (100) timers lose only the cancelled ones at
    // the top; beyond it, with more than half of them cancelled, the heap is rebuilt without any.
    withLoop(kind, async (loop) => {
      const live: asyncio.TimerHandle[] = [loop.callLater(3000, noop)]; // keeps the rest off the top
      for (let i = 0; i < 2; i++) loop.callLater(3600, noop).cancel();
      for (let i = 0; i < 2; i++) loop.callLater(100, noop).cancel(); // at the top
      assert.equal(loop[kScheduledTimers](), 5);
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), 3);
      const addCancel = Math.ceil(100 * 0.5) + 1; // 51
      for (let i = 0; i < 100 - addCancel; i++) live.push(loop.callLater(3600, noop));
      for (let i = 0; i < addCancel; i++) loop.callLater(3600, noop).cancel();
      assert.equal(loop[kScheduledTimers](), 3 + 100);
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), live.length);
      for (const h of live) h.cancel();
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), 0);
    }));

  it("the heap is rebuilt only when more than half of its timers are cancelled", () =>
    withLoop(kind, async (loop) => {
      const handles = Array.from({ length: 200 }, (_, i) => loop.callLater(3600 + i, noop));
      for (let i = 1; i < 200; i += 2) handles[i]?.cancel(); // exactly half, none at the top
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), 200);
      handles[2]?.cancel();
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), 99);
      for (const h of handles) h.cancel();
      await runOnce(loop);
      assert.equal(loop[kScheduledTimers](), 0);
    }));

  it("cancelled timers do not pile up on a loop that never idles", () =>
    // Every waitFor that completes first cancels its timer; with a handle always ready, the loop
    // never waits for a timer, so only the purge at each iteration's start can drop them.
    run(async (loop) => {
      let most = 0;
      for (let i = 0; i < 5000; i++) {
        await asyncio.waitFor(asyncio.sleep(0), 3600);
        most = Math.max(most, loop[kScheduledTimers]());
      }
      assert.ok(most <= 102, `the heap held up to ${most} timers`);
    }));

  it("cancelled timers dropped in bulk do not disturb the live ones' order", () =>
    // Many cancelled timers (over 100, more than half of them cancelled) are dropped; the live
    // ones still run, in order.
    withLoop(kind, async (loop) => {
      const fired: number[] = [];
      const handles: asyncio.TimerHandle[] = [];
      for (let i = 0; i < 150; i++) {
        handles.push(
          loop.callLater(
            0.001 + i / 100000,
            (n: number) => {
              fired.push(n);
            },
            i,
          ),
        );
      }
      for (let i = 0; i < 150; i++) if (i % 3 !== 0) handles[i]?.cancel();
      loop.callLater(0.01, () => {
        loop.stop();
      });
      await loop.runForever();
      assert.deepEqual(
        fired,
        Array.from({ length: 50 }, (_, i) => i * 3),
      );
    }));

  it("differs: equal timers run in scheduling order", () =>
    // CPython's heapq pops twelve call_at() timers with the same `when` as
    // [0, 2, 6, 5, 11, 10, 9, 8, 7, 1, 3, 4] (documented as undefined); ours break ties FIFO.
    withLoop(kind, async (loop) => {
      const out: number[] = [];
      const when = loop.time() + 0.001;
      for (let i = 0; i < 12; i++) {
        loop.callAt(
          when,
          (n: number) => {
            out.push(n);
          },
          i,
        );
      }
      loop.callAt(when + 0.001, () => {
        loop.stop();
      });
      await loop.runForever();
      assert.deepEqual(out, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    }));

  it("set debug", () =>
    withLoop(kind, async (loop) => {
      loop.setDebug(true);
      assert.equal(loop.getDebug(), true);
      loop.setDebug(false);
      assert.equal(loop.getDebug(), false);
      await Promise.resolve();
    }));

  it("call coroutine", () =>
    withLoop(kind, async (loop) => {
      loop.setDebug(true);
      const simpleCoroutine = asyncio.coroutine(async () => {});
      async function nativeAsync(): Promise<void> {
        // An async function is a coroutine function too.
      }
      const coroObj = simpleCoroutine();
      for (const func of [simpleCoroutine, nativeAsync, coroObj]) {
        assert.throws(() => loop.callSoon(func as never), {
          name: "TypeError",
          message: "coroutines cannot be used with call_soon()",
        });
        assert.throws(() => loop.callLater(60, func as never), {
          name: "TypeError",
          message: "coroutines cannot be used with call_at()",
        });
        assert.throws(() => loop.callAt(loop.time() + 60, func as never), {
          name: "TypeError",
          message: "coroutines cannot be used with call_at()",
        });
      }
      coroObj.close();
      await Promise.resolve();
    }));
});

forEachLoop("BaseEventLoop run and stop", (_run, kind) => {
  it("close", () =>
    withLoop(kind, async (loop) => {
      assert.equal(loop.isClosed(), false);
      loop.close();
      assert.equal(loop.isClosed(), true);
      // It should be possible to call close() more than once.
      loop.close();
      loop.close();
      const closed = { name: "RuntimeError", message: "Event loop is closed" };
      assert.throws(() => loop.runForever(), closed);
      await assert.rejects(
        loop.runUntilComplete(() => asyncio.sleep(0)),
        closed,
      );
      assert.throws(() => loop.callSoon(noop), closed);
      assert.throws(() => loop.callLater(1, noop), closed);
      assert.throws(() => loop.callAt(1, noop), closed);
    }));

  it("close discards ready and scheduled handles", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("soon");
      });
      loop.callLater(0, () => {
        trace.push("later");
      });
      if (kind === "real") loop.close();
      else {
        // The virtual loop's close is strict, but closes all the same.
        assert.throws(
          () => {
            loop.close();
          },
          { name: "RuntimeError", message: "VirtualTimeLoop closed with timers still scheduled" },
        );
      }
      assert.equal(loop.isClosed(), true);
      await new Promise((resolve) => {
        queueMicrotask(() => {
          resolve(null);
        });
      });
      assert.deepEqual(trace.lines, []);
    }));

  it("create task error closes coro", () =>
    withLoop(kind, async (loop) => {
      const coro = asyncio.coroutine(async () => "never")();
      loop.close();
      assert.throws(() => asyncio.ensureFuture(coro, { loop }), {
        name: "RuntimeError",
        message: "Event loop is closed",
      });
      // Closed, so never reported as "never awaited", and unusable.
      await assert.rejects(
        async () => {
          await coro;
        },
        { name: "RuntimeError", message: "cannot reuse already closed coroutine" },
      );
    }));

  it("close running event loop", () =>
    withLoop(kind, async (loop) => {
      await loop.runUntilComplete(async () => {
        assert.throws(
          () => {
            loop.close();
          },
          { name: "RuntimeError", message: "Cannot close a running event loop" },
        );
      });
      assert.equal(loop.isClosed(), false);
    }));

  it("run until complete type error", () =>
    withLoop(kind, async (loop) => {
      await assert.rejects(loop.runUntilComplete("blah" as never), {
        name: "TypeError",
        message: "An asyncio.Future, a coroutine or an awaitable is required",
      });
    }));

  it("run until complete loop", () =>
    withLoop(kind, async (loop) => {
      const other = newLoop(kind);
      try {
        const fut = loop.createFuture();
        await assert.rejects(other.runUntilComplete(fut), {
          name: "RangeError",
          message: "The future belongs to a different loop than the one specified as the loop argument",
        });
      } finally {
        other.close();
      }
    }));

  it("run until complete returns the result or throws the exception", () =>
    withLoop(kind, async (loop) => {
      assert.equal(await loop.runUntilComplete(asyncio.coroutine(async () => 42)()), 42);
      assert.equal(await loop.runUntilComplete(async () => "fn"), "fn");
      const fut = loop.createFuture<string>();
      loop.callSoon(() => {
        fut.setResult("future");
      });
      assert.equal(await loop.runUntilComplete(fut), "future");
      const boom = new RangeError("boom");
      await assert.rejects(
        loop.runUntilComplete(async () => {
          await asyncio.sleep(0);
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(loop.isRunning(), false);
    }));

  it("run until complete sleep", () =>
    // CPython test_base_events: loop.run_until_complete(asyncio.sleep(0.01)) works, sleep() being
    // a lazy coroutine that needs the running loop only once it runs.
    withLoop(kind, async (loop) => {
      const t0 = loop.time();
      assert.equal(await loop.runUntilComplete(asyncio.sleep(0.01, "slept")), "slept");
      assert.ok(loop.time() - t0 >= 0.01 - 1e-3);
      assert.equal(await loop.runUntilComplete(() => asyncio.sleep(0.001, "again")), "again");
    }));

  it("run until complete nesting", () =>
    withLoop(kind, async (loop) => {
      await loop.runUntilComplete(async () => {
        await assert.rejects(
          loop.runUntilComplete(async () => {}),
          {
            name: "RuntimeError",
            message: "This event loop is already running",
          },
        );
        assert.throws(() => loop.runForever(), {
          name: "RuntimeError",
          message: "This event loop is already running",
        });
      });
    }));

  it("run until complete cleans up its done callback", () =>
    // CPython's test_run_until_complete_loop_orphan_future_close_loop: a run that ends early
    // (the loop stopped first) must not leave its stop-callback on the future.
    withLoop(kind, async (loop) => {
      const fut = loop.createFuture<string>();
      loop.callSoon(() => {
        loop.stop();
      });
      await assert.rejects(loop.runUntilComplete(fut), {
        name: "RuntimeError",
        message: "Event loop stopped before Future completed.",
      });
      const trace = new Trace();
      loop.callSoon(() => {
        fut.setResult("done");
      });
      loop.callLater(0.001, () => {
        trace.push("later ran");
      });
      // This run ends when the sleep does, not when fut is done (one iteration earlier).
      await loop.runUntilComplete(async () => {
        await asyncio.sleep(0.002);
      });
      assert.deepEqual(trace.lines, ["later ran"]);
      assert.equal(fut.result(), "done");
    }));

  it("running loop within a loop", () =>
    withLoop(kind, async (outer) => {
      const inner = newLoop(kind);
      try {
        await assert.rejects(
          outer.runUntilComplete(async () => {
            await inner.runForever();
          }),
          { name: "RuntimeError", message: "Cannot run the event loop while another loop is running" },
        );
        assert.equal(inner.isRunning(), false);
      } finally {
        inner.close();
      }
    }));

  it("run once", () =>
    withLoop(kind, async (loop) => {
      let count = 0;
      loop.callSoon(() => {
        count += 1;
      });
      await runOnce(loop);
      assert.equal(count, 1);
      assert.equal(loop.isRunning(), false);
    }));

  it("run forever pre stopped", () =>
    // stop() before runForever(): exactly one iteration runs, without waiting for a timer.
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("first iteration");
        loop.callSoon(() => {
          trace.push("second iteration");
        });
      });
      const timer = loop.callLater(3600, noop);
      loop.stop();
      const t0 = loop.time();
      await loop.runForever();
      assert.deepEqual(trace.lines, ["first iteration"]);
      assert.ok(loop.time() - t0 < 1);
      loop.stop();
      await loop.runForever();
      assert.deepEqual(trace.lines, ["first iteration", "second iteration"]);
      timer.cancel();
    }));

  it("run forever pre stopped with nothing ready", () =>
    withLoop(kind, async (loop) => {
      loop.stop();
      await loop.runForever();
      assert.equal(loop.isRunning(), false);
    }));

  it("single selecter event callback after stopping", () =>
    // A callback scheduled in the stopping iteration runs once, in the next run.
    withLoop(kind, async (loop) => {
      let callcount = 0;
      const doEvent = (): void => {
        callcount += 1;
      };
      loop.callSoon(() => {
        loop.callSoon(doEvent);
      });
      loop.callSoon(() => {
        loop.stop();
      });
      await loop.runForever();
      assert.equal(callcount, 0);
      for (let i = 1; i <= 2; i++) {
        loop.callSoon(() => {
          loop.stop();
        });
        await loop.runForever();
        assert.equal(callcount, 1);
      }
    }));

  it("stop finishes the current iteration", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("a");
        loop.stop();
        trace.push("after stop");
      });
      loop.callSoon(() => {
        trace.push("b");
      });
      loop.callLater(-1, () => {
        trace.push("due timer");
      });
      await loop.runForever();
      assert.deepEqual(trace.lines, ["a", "after stop", "b", "due timer"]);
      assert.equal(loop.isRunning(), false);
    }));

  it("is running and running loop", () =>
    withLoop(kind, async (loop) => {
      assert.equal(loop.isRunning(), false);
      assert.throws(() => asyncio.getRunningLoop(), {
        name: "RuntimeError",
        message: "no running event loop",
      });
      const seen = await loop.runUntilComplete(async () => [loop.isRunning(), asyncio.getRunningLoop()]);
      assert.deepEqual(seen, [true, loop]);
      assert.equal(loop.isRunning(), false);
      assert.throws(() => asyncio.getEventLoop(), { name: "RuntimeError", message: "no running event loop" });
    }));

  it("run until complete keeps a task resumable after stop", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      const t = loop.createTask(async () => {
        for (let i = 0; i < 3; i++) {
          trace.push("step", i);
          if (i === 0) loop.stop();
          await asyncio.sleep(0);
        }
        return "finished";
      });
      await assert.rejects(loop.runUntilComplete(t), {
        name: "RuntimeError",
        message: "Event loop stopped before Future completed.",
      });
      assert.deepEqual(trace.lines, ["step 0"]);
      assert.equal(await loop.runUntilComplete(t), "finished");
      assert.deepEqual(trace.lines, ["step 0", "step 1", "step 2"]);
    }));
});

forEachLoop("BaseEventLoop exception handler", (_run, kind) => {
  it("default exc handler callback", () =>
    withLoop(kind, async (loop) => {
      const records = await captureStderr(async () => {
        const fut = loop.createFuture();
        loop.callSoon(function zeroErrorCb(f: asyncio.Future) {
          f.setResult(true);
          zeroError();
        }, fut);
        fut.addDoneCallback(() => {
          loop.stop();
        });
        await loop.runForever();
      });
      assert.equal(records.length, 1);
      const lines = (records[0] as string).split("\n");
      assert.equal(lines[0], "Exception in callback zeroErrorCb()");
      assert.equal(lines[1], "handle: <Handle zeroErrorCb()>");
      assert.equal(lines[2], "RangeError: division by zero");

      const timerRecords = await captureStderr(async () => {
        const fut = loop.createFuture();
        loop.callLater(
          0.001,
          function zeroErrorLater(f: asyncio.Future) {
            f.setResult(true);
            zeroError();
          },
          fut,
        );
        fut.addDoneCallback(() => {
          loop.stop();
        });
        await loop.runForever();
      });
      assert.equal(timerRecords.length, 1);
      const timerLines = (timerRecords[0] as string).split("\n");
      assert.equal(timerLines[0], "Exception in callback zeroErrorLater()");
      assert.match(timerLines[1] as string, /^handle: <TimerHandle when=[\d.]+ zeroErrorLater\(\)>$/);
    }));

  it("debug mode shows the callback's arguments", () =>
    withLoop(kind, async (loop) => {
      loop.setDebug(true);
      const contexts: asyncio.ExceptionContext[] = [];
      loop.setExceptionHandler((_l, context) => {
        contexts.push(context);
      });
      loop.callSoon(
        function failing(_a: number, _b: string) {
          zeroError();
        },
        7,
        "x",
      );
      await runOnce(loop);
      assert.equal(contexts[0]?.message, "Exception in callback failing(7, 'x')");
    }));

  it("set exc handler invalid", () =>
    withLoop(kind, async (loop) => {
      assert.throws(
        () => {
          loop.setExceptionHandler("spam" as never);
        },
        { name: "TypeError", message: "A callable object or None is expected, got 'spam'" },
      );
      assert.equal(loop.getExceptionHandler(), null);
      await Promise.resolve();
    }));

  it("set exc handler custom", () =>
    withLoop(kind, async (loop) => {
      const runLoop = async (): Promise<asyncio.Handle> => {
        const handle = loop.callSoon(zeroError);
        await runOnce(loop);
        return handle;
      };
      assert.equal(loop.getExceptionHandler(), null);
      const calls: [asyncio.BaseEventLoop, asyncio.ExceptionContext][] = [];
      const handler = (l: asyncio.BaseEventLoop, context: asyncio.ExceptionContext): void => {
        calls.push([l, context]);
      };
      loop.setExceptionHandler(handler);
      assert.equal(loop.getExceptionHandler(), handler);
      const handle = await runLoop();
      assert.equal(calls.length, 1);
      const [l, context] = calls[0] as [asyncio.BaseEventLoop, asyncio.ExceptionContext];
      assert.equal(l, loop);
      assert.deepEqual(Object.keys(context).sort(), ["exception", "handle", "message"]);
      assert.equal(context.message, "Exception in callback zeroError()");
      assert.equal(context.handle, handle);
      assert.ok(context.exception instanceof RangeError);

      loop.setExceptionHandler(null);
      assert.equal(loop.getExceptionHandler(), null);
      const records = await captureStderr(async () => {
        await runLoop();
      });
      assert.equal(records.length, 1);
      assert.match(records[0] as string, /^Exception in callback zeroError\(\)\n/);
      assert.equal(calls.length, 1);
    }));

  it("set exc handler broken", () =>
    withLoop(kind, async (loop) => {
      loop.setExceptionHandler(() => {
        throw new TypeError("spam");
      });
      const records = await captureStderr(async () => {
        loop.callSoon(zeroError);
        await runOnce(loop);
      });
      assert.equal(records.length, 1);
      const lines = (records[0] as string).split("\n");
      assert.equal(lines[0], "Unhandled error in exception handler");
      assert.match(lines[1] as string, /^context: \{/);
      assert.match(records[0] as string, /\nTypeError: spam\n/);
    }));

  it("default exc handler broken", () =>
    withLoop(kind, async () => {
      const seen: asyncio.ExceptionContext[] = [];
      class Loop extends loopClass(kind) {
        override defaultExceptionHandler(context: asyncio.ExceptionContext): void {
          seen.push(context);
          // A buggy default handler, as a subclass may have.
          throw new RangeError("spam");
        }
      }
      const loop = new Loop();
      try {
        const records = await captureStderr(async () => {
          loop.callSoon(zeroError);
          await runOnce(loop);
        });
        assert.equal(records.length, 1);
        assert.match(records[0] as string, /^Exception in default exception handler\nRangeError: spam\n/);
        assert.equal(seen.length, 1);
        assert.equal(seen[0]?.message, "Exception in callback zeroError()");

        loop.setExceptionHandler(() => {
          throw new RangeError("ham");
        });
        const records2 = await captureStderr(async () => {
          loop.callSoon(zeroError);
          await runOnce(loop);
        });
        assert.equal(records2.length, 1);
        assert.match(
          records2[0] as string,
          /^Exception in default exception handler while handling an unexpected error in custom exception handler\nRangeError: spam\n/,
        );
        // The default handler got the original context.
        assert.equal(seen.length, 2);
        const ctx = seen[1] as asyncio.ExceptionContext;
        assert.equal(ctx.message, "Unhandled error in exception handler");
        assert.ok(ctx.exception instanceof RangeError && ctx.exception.message === "ham");
        const original = ctx.context as asyncio.ExceptionContext;
        assert.ok(original.exception instanceof RangeError);
        assert.equal(original.exception.message, "division by zero");
      } finally {
        loop.close();
      }
    }));

  it("call exception handler with a custom context", () =>
    withLoop(kind, async (loop) => {
      const records = await captureStderr(async () => {
        loop.callExceptionHandler({ message: "something odd", detail: "x" });
        loop.callExceptionHandler({ message: "" });
        await Promise.resolve();
      });
      assert.deepEqual(records, ["something odd\ndetail: x", "Unhandled exception in event loop"]);
    }));

  it("the loop goes on after a failing callback", () =>
    withLoop(kind, async (loop) => {
      const trace = new Trace();
      loop.setExceptionHandler((_l, context) => {
        trace.push("handler", context.message);
      });
      loop.callSoon(() => {
        trace.push("ok 1");
      });
      loop.callSoon(zeroError);
      loop.callSoon(() => {
        trace.push("ok 2");
      });
      await runOnce(loop);
      assert.deepEqual(trace.lines, ["ok 1", "handler Exception in callback zeroError()", "ok 2"]);
    }));
});

forEachLoop("BaseEventLoop task factory", (_run, kind) => {
  it("set task factory invalid", () =>
    withLoop(kind, async (loop) => {
      assert.throws(
        () => {
          loop.setTaskFactory(1 as never);
        },
        { name: "TypeError", message: "task factory must be a callable or None" },
      );
      assert.equal(loop.getTaskFactory(), null);
      await Promise.resolve();
    }));

  it("set task factory", () =>
    withLoop(kind, async (loop) => {
      class MyTask<T> extends asyncio.Task<T> {}
      const coro = asyncio.coroutine(async () => {});
      const factory: asyncio.TaskFactory = (l, c) => new MyTask(c, { loop: l });
      assert.equal(loop.getTaskFactory(), null);
      loop.setTaskFactory(factory);
      assert.equal(loop.getTaskFactory(), factory);
      const task = loop.createTask(coro());
      assert.ok(task instanceof MyTask);
      await loop.runUntilComplete(task);
      loop.setTaskFactory(null);
      assert.equal(loop.getTaskFactory(), null);
      const task2 = loop.createTask(coro());
      assert.ok(task2 instanceof asyncio.Task);
      assert.ok(!(task2 instanceof MyTask));
      await loop.runUntilComplete(task2);
    }));

  it("create task", () =>
    // ensureFuture() goes through the loop's createTask, which a subclass may override.
    withLoop(kind, async () => {
      class MyTask<T> extends asyncio.Task<T> {}
      class Loop extends loopClass(kind) {
        override createTask<T>(coro: asyncio.TaskBody<T>): asyncio.Task<T> {
          return new MyTask(coro, { loop: this });
        }
      }
      const loop = new Loop();
      try {
        const task = asyncio.ensureFuture(asyncio.coroutine(async () => 1)(), { loop });
        assert.ok(task instanceof MyTask);
        assert.equal(await loop.runUntilComplete(task), 1);
      } finally {
        loop.close();
      }
    }));

  it("create named task with default factory", () =>
    withLoop(kind, async (loop) => {
      const task = loop.createTask(async () => {}, { name: "test_task" });
      assert.equal(task.getName(), "test_task");
      await loop.runUntilComplete(task);
    }));

  it("create named task with custom factory", () =>
    withLoop(kind, async (loop) => {
      const seenOptions: asyncio.TaskFactoryOptions[] = [];
      loop.setTaskFactory((l, coro, options) => {
        seenOptions.push(options);
        return new asyncio.Task(coro, { loop: l });
      });
      const task = loop.createTask(async () => {}, { name: "test_task" });
      assert.equal(task.getName(), "test_task");
      // CPython 3.13: the factory is called without the name, then set_name(name).
      assert.deepEqual(seenOptions, [{}]);
      await loop.runUntilComplete(task);
    }));

  it("create named eager task keeps its default name during the eager step", () =>
    withLoop(kind, async (loop) => {
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      const names = await loop.runUntilComplete(async () => {
        const seen: string[] = [];
        const t = loop.createTask(
          () => {
            seen.push((asyncio.currentTask() as asyncio.Task).getName());
          },
          { name: "given" },
        );
        seen.push(t.getName());
        await t;
        return seen;
      });
      assert.equal(names.length, 2);
      assert.match(names[0] as string, /^Task-\d+$/);
      assert.equal(names[1], "given");
    }));
});

describe("BaseEventLoop real clock", () => {
  it("a timer beyond Node's timer range does not wake the loop early", () =>
    // Node turns a setTimeout of more than 2^31-1 ms into 1 ms (with a TimeoutOverflowWarning,
    // which test/setup.ts makes fatal): the loop must cap its wait, as CPython caps select().
    withLoop("real", async (loop) => {
      const fired: string[] = [];
      loop.callLater(3e6, () => fired.push("a month"));
      const infinite = loop.callLater(Infinity, () => fired.push("never"));
      let wakes = 0;
      const time = loop.time.bind(loop);
      await loop.runUntilComplete(async () => {
        await asyncio.sleep(0);
        loop.time = () => {
          wakes++;
          return time();
        };
        // Idle for 20 ms of real time, waiting on something that is not ours.
        await delay(20);
        loop.time = time;
      });
      assert.ok(wakes < 5, `the loop woke ${wakes} times`);
      assert.deepEqual(fired, []);
      assert.equal(infinite.when(), Infinity);
    }));
});

describe("BaseEventLoop debug", () => {
  it("env var debug", () => {
    const saved = process.env.ASYNCIO_TS_DEBUG;
    try {
      delete process.env.ASYNCIO_TS_DEBUG;
      const cases: [string | undefined, boolean][] = [
        [undefined, false],
        ["", false],
        ["0", false],
        ["1", true],
        ["yes", true],
      ];
      for (const [value, expected] of cases) {
        if (value === undefined) delete process.env.ASYNCIO_TS_DEBUG;
        else process.env.ASYNCIO_TS_DEBUG = value;
        const loop = asyncio.newEventLoop();
        assert.equal(loop.getDebug(), expected, `ASYNCIO_TS_DEBUG=${String(value)}`);
        loop.close();
      }
    } finally {
      if (saved === undefined) delete process.env.ASYNCIO_TS_DEBUG;
      else process.env.ASYNCIO_TS_DEBUG = saved;
    }
  });

  for (const kind of ["real", "virtual"] as const) {
    it(`log slow callbacks [${kind} loop]`, () =>
      withLoop(kind, async (loop) => {
        loop.setDebug(true);
        loop.slowCallbackDuration = 0.0;
        const records = await captureStderr(async () => {
          loop.callSoon(function stopLoopCb(l: asyncio.BaseEventLoop) {
            l.stop();
          }, loop);
          await loop.runForever();
        });
        assert.ok(records.length >= 1);
        assert.match(records.at(-1) as string, /^Executing <Handle stopLoopCb\(\)> took \d+\.\d{3} seconds$/);

        const taskRecords = await captureStderr(async () => {
          asyncio.ensureFuture(
            asyncio.coroutine(async function stopLoopCoro(l: asyncio.BaseEventLoop) {
              l.stop();
            })(loop),
            { loop },
          );
          await loop.runForever();
        });
        assert.ok(
          taskRecords.some((r) =>
            /^Executing <Task finished name='Task-\d+' coro=stopLoopCoro\(\) result=None created at \S+base-events\.test\.ts:\d+> took \d+\.\d{3} seconds$/.test(
              r,
            ),
          ),
          taskRecords.join("\n"),
        );
      }));

    it(`no slow callback warning when fast or not in debug mode [${kind} loop]`, () =>
      withLoop(kind, async (loop) => {
        loop.slowCallbackDuration = 0.0;
        const records = await captureStderr(async () => {
          await runOnce(loop);
          loop.setDebug(true);
          loop.slowCallbackDuration = 100;
          await runOnce(loop);
        });
        assert.deepEqual(records, []);
      }));
  }
});

describe("keep-alive", () => {
  it("a running loop keeps Node alive while it waits on nothing Node counts", async () => {
    const { execFile } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const fixture = fileURLToPath(new URL("./fixtures/keep-alive.ts", import.meta.url));
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, [fixture], { timeout: 20_000 }, (_err, stdout) => {
        resolve({ code: child.exitCode, stdout });
      });
    });
    assert.equal(out.stdout, "woken from outside\n");
    assert.equal(out.code, 0);
  });
});

describe("cancelled timers, measured after GC in a child process", () => {
  // test/fixtures/cancelled-timers.ts runs with --expose-gc on a loop that never idles (a task
  // always ready). Before the purge at each iteration's start, 100k waitFor calls left 10.8 MB
  // and 500k cancelled callLater calls 53 MB in the heap, one TimerHandle each, until their
  // deadlines. One child runs every case, to pay Node's start-up once.
  const fixture = fileURLToPath(new URL("./fixtures/cancelled-timers.ts", import.meta.url));
  const MB = 1024 * 1024;
  const byMode = new Map<string, Record<string, unknown>>();

  before(async () => {
    const args = ["callLater:500000", "waitFor:100000", "timeout:100000", "args"];
    const { stdout } = await execFileAsync(process.execPath, ["--expose-gc", fixture, ...args], {
      timeout: 60_000,
    });
    for (const line of stdout.trim().split("\n")) {
      const out = JSON.parse(line) as Record<string, unknown>;
      byMode.set(String(out.mode), out);
    }
  });

  function assertFlat(mode: string): void {
    const out = byMode.get(mode);
    assert.ok(out !== undefined, `no result for ${mode}`);
    const heap = out.heap as number[];
    const timers = out.timers as number[];
    const growth = Math.max(...heap) - (heap[0] as number);
    assert.ok(growth < 3 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB: ${JSON.stringify(out)}`);
    assert.ok(Math.max(...timers) <= 102, `timers piled up: ${JSON.stringify(out)}`);
  }

  it("500k cancelled callLater calls keep the heap flat", () => {
    assertFlat("callLater");
  });

  it("100k waitFor calls that complete first keep the heap flat", () => {
    assertFlat("waitFor");
  });

  it("100k timeout() scopes left early keep the heap flat", () => {
    assertFlat("timeout");
  });

  it("a cancelled timer still in the heap keeps none of its callback's arguments", () => {
    // CPython's Handle.cancel() sets _callback and _args to None: what the timer would have
    // passed is collectable before the timer leaves the heap.
    assert.deepEqual(byMode.get("args"), { mode: "args", collected: true, timers: 2 });
  });
});
