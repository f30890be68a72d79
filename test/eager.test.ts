// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_eager_task_factory.py:
// EagerTaskFactoryLoopTests (the first step runs inside createTask, up to the first real
// suspension; current_task and all_tasks during it; cancellation after it) and the task-counting
// tests (BaseTaskCountingTests: eager factories create no scheduled tasks for work that never
// suspends). test_context_vars has no counterpart: there are no contextvars in JavaScript.
//
// One difference runs through this file: an async function's return is seen only through its
// promise, one microtask later, so a body that completes without suspending leaves its task
// pending until then (CPython: done when createTask returns). The "differs:" cases pin it.
import { it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { assertCancelled, forEachLoop, Trace } from "./helpers/index.ts";
import { withLoop } from "./helpers/loops.ts";

/** Runs `main` on a loop whose task factory is the eager one (CPython's setUp + run_coro). */
function eager(
  run: <T>(main: (loop: asyncio.BaseEventLoop) => Promise<T>) => Promise<T>,
): <T>(main: (loop: asyncio.BaseEventLoop) => Promise<T>) => Promise<T> {
  return (main) =>
    run(async (loop) => {
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      assert.equal(loop.isRunning(), true);
      return main(loop);
    });
}

forEachLoop("eager task factory", (plainRun, kind) => {
  const run = eager(plainRun);

  it("eager task factory set", () =>
    run(async (loop) => {
      assert.equal(loop.getTaskFactory(), asyncio.eagerTaskFactory);
      const t = loop.createTask(async () => {});
      assert.ok(t instanceof asyncio.Task);
      await t;
    }));

  it("the eager step runs synchronously inside createTask", () =>
    run(async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("callback scheduled before");
      });
      const t = loop.createTask(async () => {
        trace.push("eager step");
        await asyncio.sleep(0);
        trace.push("second step");
      });
      trace.push("createTask returned");
      await t;
      assert.deepEqual(trace.lines, [
        "eager step",
        "createTask returned",
        "callback scheduled before",
        "second step",
      ]);
    }));

  it("await future during eager step", () =>
    run(async (loop) => {
      const fut = loop.createFuture<string>();
      const t = loop.createTask(async () => {
        fut.setResult("my message");
      });
      // The eager step ran: the future is already done.
      assert.equal(fut.done(), true);
      assert.equal(await fut, "my message");
      await t;
    }));

  it("differs: eager completion", () =>
    // CPython: t.done() is true as soon as createTask returns. Here the task completes when the
    // body's promise settles, one microtask later, before any other handle of the loop runs.
    run(async (loop) => {
      const trace = new Trace();
      loop.callSoon(() => {
        trace.push("callback");
      });
      const t = loop.createTask(asyncio.coroutine(async () => "hello")());
      trace.push("done at once", t.done());
      await Promise.resolve();
      trace.push("done after a microtask", t.done());
      trace.push("result", await t);
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, [
        "done at once false",
        "done after a microtask true",
        "result hello",
        "callback",
      ]);
    }));

  it("eager completion of a plain function is seen at once", () =>
    run(async (loop) => {
      const t = loop.createTask(() => "hello");
      assert.equal(t.done(), true);
      assert.equal(t.result(), "hello");
      assert.equal(asyncio.allTasks().has(t), false);
      assert.equal(t.cancel(), false);
      assert.equal(await t, "hello");
    }));

  it("block after eager step", () =>
    run(async (loop) => {
      const t = loop.createTask(async () => {
        await asyncio.sleep(0.001);
        return "finished after blocking";
      });
      assert.equal(t.done(), false);
      const result = await t;
      assert.equal(t.done(), true);
      assert.equal(result, "finished after blocking");
    }));

  it("differs: cancellation after eager completion", () =>
    // CPython: the task finished in its eager step, so cancel() returns false and awaiting it
    // gives 'finished without blocking'. Here its completion is not seen yet, so cancel() is a
    // request delivered at its end (as CPython's test_cancel_at_end) and the task ends cancelled.
    run(async (loop) => {
      const t = loop.createTask(asyncio.coroutine(async () => "finished without blocking")());
      assert.equal(t.cancel(), true);
      await assertCancelled(t);
      assert.equal(t.cancelled(), true);
    }));

  it("cancellation after eager completion, once the completion is seen", () =>
    run(async (loop) => {
      const t = loop.createTask(asyncio.coroutine(async () => "finished without blocking")());
      await Promise.resolve();
      assert.equal(t.cancel(), false);
      assert.equal(t.cancelling(), 0);
      assert.equal(await t, "finished without blocking");
      assert.equal(t.cancelled(), false);
    }));

  it("cancellation after eager step blocks", () =>
    run(async (loop) => {
      const t = loop.createTask(async () => {
        await asyncio.sleep(0.001);
        return "finished after blocking";
      });
      assert.equal(t.cancel("cancellation message"), true);
      assert.ok(t.cancelling() > 0);
      const exc = await assertCancelled(t);
      assert.deepEqual(exc.args, ["cancellation message"]);
    }));

  it("current task", () =>
    run(async (loop) => {
      const outer = asyncio.currentTask();
      let captured: asyncio.Task | null = null;
      let after: asyncio.Task | null = null;
      const t = loop.createTask(async () => {
        captured = asyncio.currentTask();
        await asyncio.sleep(0.001);
        after = asyncio.currentTask();
      });
      assert.equal(captured, t);
      // Back in the creator, the creator is current again.
      assert.equal(asyncio.currentTask(), outer);
      await t;
      assert.equal(after, t);
    }));

  it("all tasks with eager completion", () =>
    run(async (loop) => {
      let captured = null as Set<asyncio.Task> | null;
      const t = loop.createTask(async () => {
        captured = asyncio.allTasks();
      });
      assert.equal(captured?.has(t), true);
      await Promise.resolve();
      assert.equal(asyncio.allTasks().has(t), false);
      await t;
    }));

  it("all tasks with blocking", () =>
    run(async (loop) => {
      const fut1 = loop.createFuture();
      const fut2 = loop.createFuture();
      let captured: Set<asyncio.Task> | null = null;
      const t = loop.createTask(async () => {
        captured = asyncio.allTasks();
        await fut1;
        fut2.setResult(null);
      });
      assert.equal((captured as Set<asyncio.Task> | null)?.has(t), true);
      assert.equal(asyncio.allTasks().has(t), true);
      fut1.setResult(null);
      await fut2;
      await Promise.resolve();
      assert.equal(asyncio.allTasks().has(t), false);
    }));

  it("eager start happens only if the loop is running", () =>
    withLoop(kind, async (loop) => {
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      const trace = new Trace();
      const t = loop.createTask(() => {
        trace.push("body");
        return 1;
      });
      trace.push("created");
      assert.equal(t.done(), false);
      assert.equal(await loop.runUntilComplete(t), 1);
      assert.deepEqual(trace.lines, ["created", "body"]);
    }));

  it("an exception in the eager step fails the task", () =>
    run(async (loop) => {
      const boom = new RangeError("eager boom");
      const t = loop.createTask(() => {
        throw boom;
      });
      assert.equal(t.done(), true);
      assert.equal(t.exception(), boom);
    }));
});

/** A Task subclass that counts the tasks created without eagerStart (CPython's AsyncTaskCounter). */
function countingFactory(eagerFactory: boolean): { factory: asyncio.TaskFactory; count: () => number } {
  let taskCount = 0;
  class CountingTask<T> extends asyncio.Task<T> {
    constructor(coro: asyncio.TaskBody<T>, options: { loop: asyncio.BaseEventLoop; eagerStart?: boolean }) {
      super(coro, options);
      if (options.eagerStart !== true) taskCount += 1;
    }
  }
  const factory: asyncio.TaskFactory = eagerFactory
    ? asyncio.createEagerTaskFactory(CountingTask)
    : (loop, coro) => new CountingTask(coro, { loop });
  return { factory, count: () => taskCount };
}

const awaitableChain = asyncio.coroutine(async (depth: number): Promise<number> => {
  if (depth === 0) return 0;
  return 1 + (await awaitableChain(depth - 1));
});

const recursiveTaskgroups = asyncio.coroutine(async (width: number, depth: number): Promise<void> => {
  if (depth === 0) return;
  await new asyncio.TaskGroup().with((tg) => {
    for (let i = 0; i < width; i++) tg.createTask(recursiveTaskgroups(width, depth - 1));
  });
});

const recursiveGather = asyncio.coroutine(async (width: number, depth: number): Promise<void> => {
  if (depth === 0) return;
  await asyncio.gather(...Array.from({ length: width }, () => recursiveGather(width, depth - 1)));
});

for (const eagerFactory of [false, true]) {
  const label = eagerFactory ? "eager" : "non-eager";
  // 1 + 5 + 5^2 + 5^3 + 5^4 tasks without the eager factory; none with it.
  const expectedTaskCount = eagerFactory ? 0 : 781;

  forEachLoop(`task counting, ${label} factory`, (_run, kind) => {
    it("awaitables chain", () =>
      withLoop(kind, async (loop) => {
        const counter = countingFactory(eagerFactory);
        loop.setTaskFactory(counter.factory);
        assert.equal(await loop.runUntilComplete(awaitableChain(100)), 100);
        assert.equal(counter.count(), eagerFactory ? 0 : 1);
      }));

    it("recursive taskgroups", () =>
      withLoop(kind, async (loop) => {
        const counter = countingFactory(eagerFactory);
        loop.setTaskFactory(counter.factory);
        await loop.runUntilComplete(recursiveTaskgroups(5, 4));
        assert.equal(counter.count(), expectedTaskCount);
      }));

    it("recursive gather", () =>
      withLoop(kind, async (loop) => {
        const counter = countingFactory(eagerFactory);
        loop.setTaskFactory(counter.factory);
        await loop.runUntilComplete(recursiveGather(5, 4));
        assert.equal(counter.count(), expectedTaskCount);
      }));
  });
}
