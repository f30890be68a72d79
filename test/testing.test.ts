// Tests of the virtual-time loop of asyncio-ts/testing (src/testing/index.ts). It has no CPython
// test file of its own: it plays the part of CPython's test_utils.TestLoop (manual advance) and
// trio's MockClock with autojump, and its strict close stands in for the garbage-collector
// reports ("never retrieved", "destroyed but pending") that CPython's tests check with mocks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import * as asyncio from "../src/index.ts";
import { runVirtual, VirtualTimeLoop } from "../src/testing/index.ts";
import { Trace } from "./helpers/index.ts";

function noop(): void {
  // A callback that does nothing.
}

describe("VirtualTimeLoop autojump", () => {
  it("time starts at 0 and moves only with the timers", () =>
    runVirtual(async (loop) => {
      assert.equal(loop.time(), 0);
      await asyncio.sleep(0);
      assert.equal(loop.time(), 0);
      await asyncio.sleep(1.5);
      assert.equal(loop.time(), 1.5);
      await asyncio.sleep(0.25);
      assert.equal(loop.time(), 1.75);
    }));

  it("sleeps of hours finish at once, in order of their deadlines", async () => {
    const t0 = performance.now();
    const trace = await runVirtual(async (loop) => {
      const trace = new Trace();
      const sleeper = async (name: string, hours: number): Promise<void> => {
        await asyncio.sleep(hours * 3600);
        trace.push(name, loop.time());
      };
      const tasks = [
        asyncio.createTask(() => sleeper("two hours", 2)),
        asyncio.createTask(() => sleeper("half an hour", 0.5)),
        asyncio.createTask(() => sleeper("a day", 24)),
        asyncio.createTask(() => sleeper("one hour", 1)),
      ];
      for (const t of tasks) await t;
      return trace.lines;
    });
    assert.deepEqual(trace, ["half an hour 1800", "one hour 3600", "two hours 7200", "a day 86400"]);
    assert.ok(performance.now() - t0 < 1000);
  });

  it("timers fire at their exact times", () =>
    runVirtual(async (loop) => {
      const fired: number[] = [];
      loop.callAt(100, () => fired.push(loop.time()));
      loop.callLater(30, () => fired.push(loop.time()));
      loop.callLater(0, () => fired.push(loop.time()));
      await asyncio.sleep(200);
      assert.deepEqual(fired, [0, 30, 100]);
      assert.equal(loop.time(), 200);
    }));

  it("tasks interleave as on the real loop", () =>
    runVirtual(async () => {
      const trace = new Trace();
      const worker = asyncio.coroutine(async (name: string, delay: number) => {
        for (let i = 0; i < 3; i++) {
          await asyncio.sleep(delay);
          trace.push(name, i);
        }
      });
      await asyncio.gather(worker("slow", 3), worker("fast", 2));
      // fast at 2, 4, 6; slow at 3, 6, 9: at 6 the slow timer was scheduled first (at 3).
      assert.deepEqual(trace.lines, ["fast 0", "slow 0", "fast 1", "slow 1", "fast 2", "slow 2"]);
    }));

  it("waitFor times out at the deadline", () =>
    runVirtual(async (loop) => {
      await assert.rejects(asyncio.waitFor(asyncio.sleep(3600), 1.5), { name: "TimeoutError" });
      assert.equal(loop.time(), 1.5);
    }));

  it("runVirtual returns main's result and passes on its exception", async () => {
    assert.equal(await runVirtual(async () => "result"), "result");
    const boom = new RangeError("main failed");
    await assert.rejects(
      runVirtual(async () => {
        await asyncio.sleep(1);
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
  });

  it("runVirtual debug option", async () => {
    assert.equal(await runVirtual(async (loop) => loop.getDebug(), { debug: true }), true);
    assert.equal(await runVirtual(async (loop) => loop.getDebug(), { debug: false }), false);
  });

  it("a VirtualTimeLoop is an event loop", () => {
    const loop = new VirtualTimeLoop();
    assert.ok(loop instanceof asyncio.BaseEventLoop);
    assert.equal(loop.isRunning(), false);
    loop.close();
    assert.equal(loop.isClosed(), true);
  });
});

describe("VirtualTimeLoop manual mode", () => {
  it("nothing moves without advance()", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    const trace = new Trace();
    const main = loop.runUntilComplete(async () => {
      trace.push("start", loop.time());
      await asyncio.sleep(10);
      trace.push("woke", loop.time());
      return "done";
    });
    await loop.runUntilIdle();
    assert.equal(loop.time(), 0);
    assert.deepEqual(trace.lines, ["start 0"]);
    await loop.advance(4);
    assert.equal(loop.time(), 4);
    assert.deepEqual(trace.lines, ["start 0"]);
    await loop.advance(6);
    assert.equal(loop.time(), 10);
    assert.equal(await main, "done");
    assert.deepEqual(trace.lines, ["start 0", "woke 10"]);
    loop.close();
  });

  it("advance runs the due timers in order, each at its own time", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    const fired: [string, number][] = [];
    for (const [name, delay] of [
      ["c", 3],
      ["a", 1],
      ["b", 2],
    ] as const) {
      loop.callLater(delay, () => fired.push([name, loop.time()]));
    }
    const stopper = loop.createFuture();
    const main = loop.runUntilComplete(stopper);
    await loop.advance(2.5);
    assert.deepEqual(fired, [
      ["a", 1],
      ["b", 2],
    ]);
    assert.equal(loop.time(), 2.5);
    await loop.advance(1);
    assert.deepEqual(fired, [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    assert.equal(loop.time(), 3.5);
    loop.callSoon(() => {
      stopper.setResult(null);
    });
    await main;
    loop.close();
  });

  it("advance(0) runs what is due now", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    const trace = new Trace();
    const stopper = loop.createFuture();
    const main = loop.runUntilComplete(stopper);
    await loop.runUntilIdle();
    loop.callLater(0, () => {
      trace.push("due now");
    });
    await loop.advance(0);
    assert.deepEqual(trace.lines, ["due now"]);
    assert.equal(loop.time(), 0);
    stopper.setResult(null);
    await main;
    loop.close();
  });

  it("advance needs seconds >= 0", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    await assert.rejects(loop.advance(-1), {
      name: "RangeError",
      message: "advance() needs seconds >= 0, got -1",
    });
    loop.close();
  });

  it("runUntilIdle runs everything ready, callbacks and task steps", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    const trace = new Trace();
    const stopper = loop.createFuture();
    const main = loop.runUntilComplete(stopper);
    const chain = (n: number): void => {
      trace.push("cb", n);
      if (n < 3) loop.callSoon(chain, n + 1);
    };
    loop.callSoon(chain, 1);
    const t = loop.createTask(async () => {
      for (let i = 0; i < 3; i++) {
        trace.push("task", i);
        await asyncio.sleep(0);
      }
    });
    await loop.runUntilIdle();
    assert.equal(t.done(), true);
    assert.deepEqual(trace.lines, ["cb 1", "task 0", "cb 2", "task 1", "cb 3", "task 2"]);
    assert.equal(loop.time(), 0);
    stopper.setResult(null);
    await main;
    loop.close();
  });

  it("runUntilIdle on a loop that is not running resolves at once", async () => {
    const loop = new VirtualTimeLoop({ autojump: false });
    await loop.runUntilIdle();
    loop.close();
  });
});

describe("VirtualTimeLoop strict close", () => {
  it("a clean loop closes", async () => {
    const loop = new VirtualTimeLoop();
    assert.equal(await loop.runUntilComplete(async () => 1), 1);
    loop.close();
    assert.equal(loop.isClosed(), true);
    // Idempotent, and no longer strict once closed.
    loop.close();
  });

  it("fails on pending tasks", async () => {
    const loop = new VirtualTimeLoop();
    const fut = loop.createFuture();
    const t = loop.createTask(
      asyncio.coroutine(async function waitsForever() {
        await fut;
      })(),
      { name: "stuck" },
    );
    await loop.runUntilComplete(async () => {
      await asyncio.sleep(0);
    });
    assert.throws(
      () => {
        loop.close();
      },
      {
        name: "RuntimeError",
        message: `VirtualTimeLoop closed with pending tasks: <Task pending name='stuck' coro=waitsForever() wait_for=<Future pending cb=[Task.wakeup(stuck)]>>`,
      },
    );
    assert.equal(loop.isClosed(), true);
    assert.equal(t.done(), false);
  });

  it("fails on scheduled timers", async () => {
    await assert.rejects(
      runVirtual(async (loop) => {
        loop.callLater(10, noop);
        await asyncio.sleep(1);
      }),
      { name: "RuntimeError", message: "VirtualTimeLoop closed with timers still scheduled" },
    );
  });

  it("cancelled timers do not count", () =>
    runVirtual(async (loop) => {
      loop.callLater(10, noop).cancel();
      loop.callAt(5, noop).cancel();
      await asyncio.sleep(1);
    }));

  it("fails on exceptions never retrieved", async () => {
    await assert.rejects(
      runVirtual(async () => {
        asyncio.createTask(
          asyncio.coroutine(async function failing() {
            throw new RangeError("boom");
          })(),
          { name: "orphan" },
        );
        await asyncio.sleep(0);
        await asyncio.sleep(0);
      }),
      {
        name: "RuntimeError",
        message:
          "VirtualTimeLoop closed with exceptions never retrieved: " +
          "<Task finished name='orphan' coro=failing() exception=RangeError('boom')>",
      },
    );
  });

  it("lists every problem", async () => {
    const loop = new VirtualTimeLoop();
    await loop.runUntilComplete(async () => {
      loop.createFuture().setException(new TypeError("lost"));
      loop.callLater(1, noop);
      loop.createTask(async function idle() {
        await loop.createFuture();
      });
      await asyncio.sleep(0);
    });
    assert.throws(
      () => {
        loop.close();
      },
      (e: unknown) => {
        assert.ok(e instanceof asyncio.RuntimeError);
        assert.match(
          e.message,
          /^VirtualTimeLoop closed with pending tasks: <Task pending name='Task-\d+' coro=idle\(\) wait_for=<Future pending cb=\[Task\.wakeup\(Task-\d+\)\]>>; timers still scheduled; exceptions never retrieved: <Future finished exception=TypeError\('lost'\)>$/,
        );
        return true;
      },
    );
  });

  it("a retrieved exception does not count", () =>
    runVirtual(async () => {
      const t = asyncio.createTask(async () => {
        throw new RangeError("boom");
      });
      await asyncio.sleep(0);
      assert.ok(t.exception() instanceof RangeError);
    }));
});
