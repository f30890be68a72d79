// Pins each entry of docs/differences.md: where JavaScript cannot do what CPython 3.13 does,
// this is what asyncio-ts does instead.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";

describe("differences from CPython", () => {
  it("differs: lazy coroutines — a plain async function starts when called, coroutine() when awaited", () =>
    runVirtual(async () => {
      const started: string[] = [];
      const plain = async (): Promise<void> => {
        started.push("plain");
        await asyncio.sleep(0);
      };
      const lazy = asyncio.coroutine(async () => {
        started.push("lazy");
        await asyncio.sleep(0);
      });
      const p = plain();
      const c = lazy();
      assert.deepEqual(started, ["plain"]);
      await c;
      assert.deepEqual(started, ["plain", "lazy"]);
      await p;
    }));

  it("differs: cancelled is catchable — a bare catch sees CancelledError", () =>
    runVirtual(async () => {
      let caught: unknown = null;
      const task = asyncio.createTask(async () => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          caught = e;
        }
        return "swallowed";
      });
      await asyncio.sleep(0);
      task.cancel();
      assert.equal(await task, "swallowed");
      assert.ok(caught instanceof asyncio.CancelledError);
      assert.equal(task.cancelled(), false);
    }));

  it("differs: equal timers fifo — callAt with the same time runs in scheduling order", () =>
    runVirtual(async (loop) => {
      const order: number[] = [];
      const when = loop.time() + 1;
      for (let i = 0; i < 12; i++) loop.callAt(when, () => order.push(i));
      await asyncio.sleep(2);
      // CPython's heapq gives [0, 2, 6, 5, 11, 10, 9, 8, 7, 1, 3, 4] (documented as undefined).
      assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    }));

  it("differs: foreign promises — cancel cannot interrupt them, the task's signal aborts at once", () =>
    asyncio.run(async () => {
      const events: string[] = [];
      const task = asyncio.createTask(async () => {
        const signal = asyncio.currentTask()?.signal;
        await new Promise<void>((resolve) => {
          signal?.addEventListener("abort", () => {
            events.push("aborted");
            resolve();
          });
        });
        events.push("foreign await returned");
        await asyncio.sleep(0); // the pending cancel is delivered here
        events.push("not reached");
      });
      await asyncio.sleep(0);
      task.cancel();
      await assert.rejects(async () => task, { name: "CancelledError" });
      assert.deepEqual(events, ["aborted", "foreign await returned"]);
    }));

  it("differs: getEventLoop outside a running loop throws instead of creating one", () => {
    assert.throws(() => asyncio.getEventLoop(), { name: "RuntimeError", message: "no running event loop" });
  });

  it("differs: eager tasks — the eager step ends at the first await; done() is seen a microtask later", () =>
    runVirtual(async (loop) => {
      loop.setTaskFactory(asyncio.eagerTaskFactory);
      const log: string[] = [];
      const task = asyncio.createTask(async () => {
        log.push("eager step");
        return 1;
      });
      log.push("after createTask");
      assert.deepEqual(log, ["eager step", "after createTask"]);
      // CPython: task.done() is already True here.
      assert.equal(task.done(), false);
      assert.equal(await task, 1);
      loop.setTaskFactory(null);
    }));

  it("differs: exception chains — an error escaping an expired timeout carries timeoutContext", () =>
    runVirtual(async () => {
      const err = await asyncio
        .timeout(0.01)
        .with(async () => {
          try {
            await asyncio.sleep(1);
          } catch {
            throw new RangeError("while cancelling");
          }
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      assert.ok(err instanceof RangeError);
      assert.ok((err as { timeoutContext?: unknown }).timeoutContext instanceof asyncio.TimeoutError);
    }));

  it("differs: run() returns a promise — code after an un-awaited run() goes on at once", async () => {
    const order: string[] = [];
    const p = asyncio.run(async () => {
      order.push("main");
    });
    order.push("after run()");
    await p;
    assert.deepEqual(order, ["after run()", "main"]);
  });
});

describe("contexts", () => {
  it("a callback scheduled by a task runs with no current task, after the task's step", () =>
    asyncio.run(async () => {
      const seen: (string | null)[] = [];
      const loop = asyncio.getRunningLoop();
      const t = asyncio.createTask(
        async () => {
          loop.callSoon(() => seen.push(asyncio.currentTask()?.getName() ?? null));
          await asyncio.sleep(0);
          seen.push(asyncio.currentTask()?.getName() ?? null);
        },
        { name: "worker" },
      );
      await t;
      assert.deepEqual(seen, [null, "worker"]);
    }));
});

describe("async generators", () => {
  it("differs: async generators — run() cannot close a generator left open; its finally does not run", async () => {
    const events: string[] = [];
    async function* ticks(): AsyncGenerator<number> {
      try {
        for (let i = 0; ; i++) {
          await asyncio.sleep(0);
          yield i;
        }
      } finally {
        events.push("finally");
      }
    }
    await asyncio.run(async () => {
      const gen = ticks();
      await gen.next();
      events.push("main done");
      await asyncio.getRunningLoop().shutdownAsyncgens(); // nothing to close: no hook tells the loop
    });
    // CPython's asyncio.run() would have run the generator's finally during shutdown_asyncgens().
    assert.deepEqual(events, ["main done"]);
  });
});
