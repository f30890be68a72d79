// Loops in worker threads (issue 13 item 4): a real worker thread runs a loop of its own
// (test/fixtures/loop-thread.ts); the threads run functions on each other's loops by module
// reference with runCoroutineThreadsafe / callSoonThreadsafe, and wait for the ConcurrentFuture
// from their loop or by blocking in result(timeout). Ports CPython 3.13's
// test_asyncio/test_tasks.py RunCoroutineThreadsafeTests and test_futures.py wrap_future cases.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { threadId, Worker } from "node:worker_threads";
import * as asyncio from "../src/index.ts";
import { readLog } from "./fixtures/loop-thread.ts";

const TIMEOUT = { timeout: 30_000 };
const FIXTURE = new URL("./fixtures/loop-thread.ts", import.meta.url);

function ref(name: string): asyncio.FunctionRef {
  return { module: FIXTURE.href, name };
}

interface LoopThread {
  readonly worker: Worker;
  readonly handle: asyncio.ThreadHandleLike;
}

/**
 * A worker thread running a loop, stopped when the test ends. It must then exit by itself with
 * code 0: its loop closed its ports and left no timer behind (nothing terminates it).
 */
async function loopThread(t: { after: (fn: () => Promise<void>) => void }): Promise<LoopThread> {
  const worker = new Worker(FIXTURE, { workerData: { role: "loop" } });
  const exited = once(worker, "exit") as Promise<[number]>;
  const [message] = (await once(worker, "message")) as [{ handle: asyncio.ThreadHandleLike }];
  const { handle } = message;
  let stopped = false;
  t.after(async () => {
    if (!stopped) asyncio.callSoonThreadsafe(handle, ref("stop"));
    const [code] = await exited;
    assert.equal(code, 0, "the loop's thread ended by itself");
  });
  return {
    worker,
    handle: Object.assign(handle, {
      stop: async () => {
        stopped = true;
        asyncio.callSoonThreadsafe(handle, ref("stop"));
        return (await exited)[0];
      },
    }),
  };
}

async function stopAndJoin(lt: LoopThread): Promise<number> {
  return (lt.handle as unknown as { stop: () => Promise<number> }).stop();
}

describe("runCoroutineThreadsafe into a loop of a worker thread", TIMEOUT, () => {
  it("runs the function as a task of the worker's loop; the ConcurrentFuture is awaitable", async (t) => {
    const { handle } = await loopThread(t);
    assert.notEqual(handle.threadId, threadId);
    await asyncio.run(async () => {
      const future = asyncio.runCoroutineThreadsafe<number>(ref("add"), [1, 2], handle);
      assert.ok(future instanceof asyncio.ConcurrentFuture);
      assert.equal(String(future), "<ConcurrentFuture state=pending>");
      assert.equal(future.done(), false);
      assert.equal(future.running(), false);
      assert.equal(await future, 3);
      assert.equal(String(future), "<ConcurrentFuture state=finished returned number>");
      assert.equal(future.result(), 3);
      assert.equal(future.exception(), null);
      const where = await asyncio.runCoroutineThreadsafe<number>(ref("whereAmI"), [], handle);
      assert.equal(where, handle.threadId);
    });
  });

  it("from the worker's loop back to the main thread's loop", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const mine = asyncio.getRunningLoop().threadHandle();
      assert.equal(mine.threadId, threadId);
      const got = await asyncio.runCoroutineThreadsafe<string>(ref("callBack"), [mine, 3, 4], handle);
      assert.equal(got, `7 from thread ${String(threadId)}`);
    });
  });

  it("result(timeout) blocks the worker until the main loop has run the call", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const blocked = asyncio.runCoroutineThreadsafe(
        ref("blockFor"),
        [loop.threadHandle(), "add", [5, 6], 10],
        handle,
      );
      assert.deepEqual(await blocked, { ok: true, value: 11 });
    });
  });

  it("result(timeout) in the worker: TimeoutError on expiry; cancelling then cancels the call", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const t0 = loop.time();
      const blocked = asyncio.runCoroutineThreadsafe(
        ref("blockFor"),
        [loop.threadHandle(), "sleepLong", ["main"], 0.2],
        handle,
      );
      assert.deepEqual(await blocked, { ok: false, name: "TimeoutError", message: "" });
      assert.ok(loop.time() - t0 >= 0.19, `waited ${String(loop.time() - t0)} s`);
      // blockFor cancelled the future after the timeout: sleepLong was cancelled here.
      for (let i = 0; i < 100 && asyncio.allTasks().size > 1; i++) await asyncio.sleep(0.01);
      assert.equal(asyncio.allTasks().size, 1, "the main loop's sleepLong task was cancelled");
      assert.deepEqual(readLog(), [`main cancelled in thread ${String(threadId)}`]);
    });
  });

  it("result(timeout) on the main thread blocks, and raises TimeoutError on expiry", async (t) => {
    const { handle } = await loopThread(t);
    const ok = asyncio.runCoroutineThreadsafe<number>(ref("add"), [20, 22], handle);
    assert.equal(ok.result(10), 42);
    const slow = asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["blocked"], handle);
    const t0 = performance.now();
    assert.throws(
      () => slow.result(0.1),
      (e: unknown) => e instanceof asyncio.TimeoutError && e.message === "",
    );
    assert.ok(performance.now() - t0 >= 99);
    assert.throws(() => slow.exception(0), asyncio.TimeoutError);
    assert.equal(slow.cancel(), true);
    assert.throws(() => slow.result(), asyncio.CancelledError);
    const log = await asyncio.run(waitLog(handle, 1));
    assert.deepEqual(log, [`blocked cancelled in thread ${String(handle.threadId)}`]);
  });

  it("cancelling the future cancels the task on the worker's loop", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const future = asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["direct"], handle);
      await asyncio.sleep(0.05);
      assert.equal(future.cancel(), true);
      assert.equal(future.cancelled(), true);
      assert.equal(future.done(), true);
      assert.equal(future.cancel(), true);
      assert.equal(String(future), "<ConcurrentFuture state=cancelled>");
      await assert.rejects(Promise.resolve(future), asyncio.CancelledError);
      assert.deepEqual(await waitLog(handle, 1), [`direct cancelled in thread ${String(handle.threadId)}`]);
    });
  });

  it("cancelling the task that awaits the future cancels the task on the worker's loop", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const task = asyncio.createTask(() =>
        asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["awaited"], handle),
      );
      await asyncio.sleep(0.05);
      task.cancel();
      await assert.rejects(async () => task, asyncio.CancelledError);
      assert.deepEqual(await waitLog(handle, 1), [`awaited cancelled in thread ${String(handle.threadId)}`]);
    });
  });

  it("a task cancelled on the worker's loop cancels the caller's future, and the waiting task", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const future = asyncio.runCoroutineThreadsafe(ref("cancelSelf"), [], handle);
      await assert.rejects(Promise.resolve(future), asyncio.CancelledError);
      assert.equal(future.cancelled(), true);
      assert.throws(() => future.result(), asyncio.CancelledError);
    });
  });

  it("from the worker: cancelling its task cancels the task on the main loop", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const remote = asyncio.runCoroutineThreadsafe(
        ref("awaitRemoteSleep"),
        [loop.threadHandle(), "from-worker"],
        handle,
      );
      // The worker's task now awaits sleepLong on this loop.
      for (let i = 0; i < 200 && asyncio.allTasks().size < 2; i++) await asyncio.sleep(0.01);
      assert.equal(asyncio.allTasks().size, 2);
      remote.cancel();
      for (let i = 0; i < 200 && asyncio.allTasks().size > 1; i++) await asyncio.sleep(0.01);
      assert.equal(asyncio.allTasks().size, 1, "this loop's sleepLong was cancelled");
      assert.deepEqual(readLog(), [`from-worker cancelled in thread ${String(threadId)}`]);
    });
  });

  it("an error crosses with its class, message, stack, cause and own properties", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const future = asyncio.runCoroutineThreadsafe(ref("fail"), ["bad input"], handle);
      const error = (await Promise.resolve(future).catch((e: unknown) => e)) as RangeError & { code: string };
      assert.ok(error instanceof RangeError);
      assert.equal(error.message, "bad input");
      assert.equal(error.code, "E_BAD");
      assert.match(error.stack ?? "", /^RangeError: bad input\n\s+at fail \(.*loop-thread\.ts/);
      assert.equal((error.cause as Error).message, "the cause");
      assert.equal(future.exception(), error);
      assert.equal(String(future), "<ConcurrentFuture state=finished raised RangeError>");
    });
  });

  it("a bad module reference gets a clear error", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      await assert.rejects(Promise.resolve(asyncio.runCoroutineThreadsafe(ref("nope"), [], handle)), {
        name: "TypeError",
        message: `${FIXTURE.href} has no exported function named "nope"`,
      });
      const missing = { module: new URL("./fixtures/no-such-module.ts", import.meta.url).href, name: "f" };
      await assert.rejects(Promise.resolve(asyncio.runCoroutineThreadsafe(missing, [], handle)), {
        code: "ERR_MODULE_NOT_FOUND",
      });
      assert.throws(() => asyncio.runCoroutineThreadsafe({ module: FIXTURE.href } as never, [], handle), {
        name: "TypeError",
        message:
          'runCoroutineThreadsafe() needs a function by reference, { module: import.meta.url, name: "exportName" }, got { module: ' +
          `'${FIXTURE.href}' }`,
      });
      const add = async (): Promise<number> => 1;
      assert.throws(() => asyncio.runCoroutineThreadsafe(add as never, [], handle), {
        name: "TypeError",
        message:
          /got <function add> \(a function or a coroutine cannot cross to another thread: export it and pass its reference\)$/,
      });
      assert.throws(() => asyncio.runCoroutineThreadsafe(ref("add"), 1 as never, handle), {
        name: "TypeError",
        message: "runCoroutineThreadsafe(fn, args, handle) takes the arguments as an array, got 1",
      });
      assert.throws(() => asyncio.callSoonThreadsafe({ port: 1 } as never, ref("add")), {
        name: "TypeError",
        message:
          "callSoonThreadsafe() needs the thread handle of a loop (what loop.threadHandle() returns, " +
          "sent to this thread with its port in the transfer list), got { port: 1 }",
      });
    });
  });

  it("an argument or a result a structured clone refuses gets a DataCloneError", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      assert.throws(() => asyncio.runCoroutineThreadsafe(ref("add"), [() => 1, 2], handle), {
        name: "DataCloneError",
        message:
          "runCoroutineThreadsafe(): the arguments cannot be sent to another thread (() => 1 could not " +
          "be cloned.): pass values a structured clone keeps (no functions, no promises, no class " +
          "instances with methods)",
      });
      await assert.rejects(Promise.resolve(asyncio.runCoroutineThreadsafe(ref("unclonable"), [], handle)), {
        name: "DataCloneError",
        message: "() => 1 could not be cloned.",
      });
      // The channel still works.
      assert.equal(await asyncio.runCoroutineThreadsafe(ref("add"), [1, 1], handle), 2);
    });
  });

  it("the worker's loop closing cancels the calls still running; later calls are refused", async (t) => {
    const lt = await loopThread(t);
    const { handle } = lt;
    await asyncio.run(async () => {
      const pending = asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["left"], handle);
      await asyncio.sleep(0.05);
      assert.equal(await stopAndJoin(lt), 0);
      // asyncio.run() in the worker cancelled the task it left: the future is cancelled.
      await assert.rejects(Promise.resolve(pending), asyncio.CancelledError);
      for (let i = 0; i < 100; i++) {
        try {
          asyncio.callSoonThreadsafe(handle, ref("add"), 1, 2).cancel();
        } catch (e) {
          assert.ok(e instanceof asyncio.RuntimeError);
          assert.equal(e.message, "the event loop of this thread handle is closed");
          return;
        }
        await asyncio.sleep(0.01);
      }
      assert.fail("calls were still accepted after the loop closed");
    });
  });
});

/** The worker's log once it has `n` entries (the cancellation reaches it a few iterations later). */
function waitLog(handle: asyncio.ThreadHandleLike, n: number): asyncio.Coroutine<string[]> {
  return waitLogImpl(handle, n);
}

const waitLogImpl = asyncio.coroutine(async (handle: asyncio.ThreadHandleLike, n: number) => {
  const got: string[] = [];
  for (let i = 0; i < 200 && got.length < n; i++) {
    got.push(...(await asyncio.runCoroutineThreadsafe<string[]>(ref("readLog"), [], handle)));
    if (got.length < n) await asyncio.sleep(0.01);
  }
  return got;
});

describe("callSoonThreadsafe", TIMEOUT, () => {
  it("runs a function as a callback of the worker's loop and returns a ConcurrentFuture", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      assert.equal(await asyncio.callSoonThreadsafe(handle, ref("loopRunning")), true);
      assert.equal(await asyncio.callSoonThreadsafe(handle, ref("whereAmI")), handle.threadId);
      // An async function's outcome is the future's.
      assert.equal(await asyncio.callSoonThreadsafe(handle, ref("add"), 2, 5), 7);
    });
  });

  it("calls reach the loop in the order they were made, even when a module is still being imported", async (t) => {
    const { handle } = await loopThread(t);
    await asyncio.run(async () => {
      const extra = {
        module: new URL("./fixtures/loop-thread-extra.ts", import.meta.url).href,
        name: "mark",
      };
      const first = asyncio.callSoonThreadsafe(handle, extra, "first");
      const second = asyncio.callSoonThreadsafe(handle, ref("record"), "second");
      const third = asyncio.runCoroutineThreadsafe(ref("record"), ["third"], handle);
      await asyncio.gather(asyncio.wrapFuture(first), asyncio.wrapFuture(second), asyncio.wrapFuture(third));
      assert.deepEqual(await asyncio.runCoroutineThreadsafe(ref("readLog"), [], handle), [
        "first",
        "second",
        "third",
      ]);
    });
  });

  it("on the loop's own thread, loop.callSoonThreadsafe(fn) is callSoon", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const order: string[] = [];
      loop.callSoon(() => order.push("a"));
      const h = loop.callSoonThreadsafe((x: string) => order.push(x), "b");
      assert.ok(h instanceof asyncio.Handle);
      loop.callSoon(() => order.push("c"));
      loop.callSoonThreadsafe(() => order.push("cancelled")).cancel();
      await asyncio.sleep(0);
      assert.deepEqual(order, ["a", "b", "c"]);
      assert.throws(() => loop.callSoonThreadsafe(42 as never), {
        name: "TypeError",
        message: "a callable object was expected by call_soon(), got 42",
      });
    });
  });

  it("differs: a handle of this thread's own loop works through its port, and result() refuses to block (CPython would block for ever)", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const handle = loop.threadHandle();
      assert.equal(String(handle), `<ThreadHandle thread=${String(threadId)}>`);
      const future = asyncio.runCoroutineThreadsafe<number>(ref("add"), [2, 3], handle);
      assert.throws(() => future.result(1), {
        name: "RuntimeError",
        message: "result() cannot wait for a future that only this thread can settle: await it instead",
      });
      assert.equal(await future, 5);
      assert.equal(future.result(), 5);
    });
  });
});

describe("runCoroutineThreadsafe(coro, loop) and wrapFuture on one thread", () => {
  it("submits a coroutine to a loop of this thread (CPython's form)", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const add = asyncio.coroutine(async (a: number, b: number) => {
        await asyncio.sleep(0);
        return a + b;
      });
      const future = asyncio.runCoroutineThreadsafe(add(1, 2), loop);
      assert.ok(future instanceof asyncio.ConcurrentFuture);
      assert.equal(await future, 3);
      assert.throws(() => asyncio.runCoroutineThreadsafe(42 as never, loop), {
        name: "TypeError",
        message: "A coroutine object is required, got 42",
      });
      // Cancelling the concurrent future cancels the task.
      let cancelled = false;
      const sleeper = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(3600);
        } catch (e) {
          cancelled = e instanceof asyncio.CancelledError;
          throw e;
        }
      });
      const f2 = asyncio.runCoroutineThreadsafe(sleeper(), loop);
      await asyncio.sleep(0);
      assert.equal(f2.cancel(), true);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      assert.equal(cancelled, true);
    });
  });

  it("wrapFuture: the outcome is copied; cancelling the wrapper cancels the concurrent future", async () => {
    await asyncio.run(async () => {
      const cf = new asyncio.ConcurrentFuture<string>();
      const fut = asyncio.wrapFuture(cf);
      assert.ok(asyncio.isfuture(fut));
      assert.equal(asyncio.wrapFuture(fut), fut);
      cf.setResult("done");
      assert.equal(await fut, "done");

      const cf2 = new asyncio.ConcurrentFuture();
      const fut2 = asyncio.wrapFuture(cf2);
      fut2.cancel();
      await asyncio.sleep(0);
      assert.equal(cf2.cancelled(), true);

      const cf3 = new asyncio.ConcurrentFuture();
      const fut3 = asyncio.wrapFuture(cf3);
      cf3.setException(new RangeError("x"));
      await assert.rejects(async () => fut3, { name: "RangeError", message: "x" });

      assert.throws(() => asyncio.wrapFuture(42 as never), {
        name: "TypeError",
        message: "concurrent.futures.Future is expected, got 42",
      });
    });
  });
});

describe("ConcurrentFuture (CPython 3.13 test_concurrent_futures/test_future.py)", () => {
  it("states, setRunningOrNotifyCancel, and done callbacks", async () => {
    const f = new asyncio.ConcurrentFuture<number>();
    const seen: string[] = [];
    f.addDoneCallback((x) => seen.push(`first ${String(x.result())}`));
    assert.equal(f.setRunningOrNotifyCancel(), true);
    assert.equal(f.running(), true);
    assert.equal(f.cancel(), false);
    assert.throws(() => f.setRunningOrNotifyCancel(), {
      name: "RuntimeError",
      message: "Future in unexpected state: running",
    });
    f.setResult(1);
    assert.deepEqual(seen, ["first 1"]);
    f.addDoneCallback(() => seen.push("late, at once"));
    assert.deepEqual(seen, ["first 1", "late, at once"]);
    assert.throws(
      () => {
        f.setResult(2);
      },
      {
        name: "InvalidStateError",
        message: "finished: <ConcurrentFuture state=finished returned number>",
      },
    );
    // then() outside a loop: a Promise.
    assert.equal(await f, 1);

    const c = new asyncio.ConcurrentFuture();
    assert.equal(c.cancel(), true);
    assert.equal(c.setRunningOrNotifyCancel(), false);
    await assert.rejects(Promise.resolve(c), asyncio.CancelledError);
    assert.throws(() => c.exception(), asyncio.CancelledError);
    // No other thread can settle this one: result() does not block for ever.
    assert.throws(() => new asyncio.ConcurrentFuture().result(0.01), asyncio.RuntimeError);
    assert.throws(() => new asyncio.ConcurrentFuture().result("1" as never), {
      name: "TypeError",
      message: "timeout must be a number of seconds or null, got '1'",
    });
    assert.throws(
      () => {
        c.addDoneCallback(1 as never);
      },
      {
        name: "TypeError",
        message: "addDoneCallback() needs a function, got 1",
      },
    );
  });
});

describe("executors: async jobs run on a loop of their own", TIMEOUT, () => {
  const jobs = new URL("./fixtures/async-jobs.ts", import.meta.url).href;
  for (const [name, make] of [
    ["ThreadPoolExecutor", () => new asyncio.ThreadPoolExecutor(1)],
    ["ProcessPoolExecutor", () => new asyncio.ProcessPoolExecutor(1)],
  ] as const) {
    it(`${name}: an async function and a coroutine function use asyncio in the worker`, async () => {
      await asyncio.run(async () => {
        await using pool = make();
        assert.deepEqual(await pool.submit({ module: jobs, name: "sleepyGather" }, 3), [3, 2, 1]);
        assert.deepEqual(await pool.submit({ module: jobs, name: "coroutineJob" }, 4), {
          n: 4,
          tasksLeft: 0,
        });
        // The same worker and loop: the task the first job left was cancelled when it returned.
        assert.deepEqual(await pool.submit({ module: jobs, name: "coroutineJob" }, 5), {
          n: 5,
          tasksLeft: 0,
        });
        // A plain async function sent by source: its own loop too.
        const bySource = async (x: number, lib: string): Promise<number> => {
          const { getRunningLoop } = (await import(lib)) as typeof asyncio;
          return getRunningLoop().isRunning() ? x * 2 : -1;
        };
        assert.equal(await pool.submit(bySource, 21, new URL("../src/index.ts", import.meta.url).href), 42);
      });
    });
  }
});
