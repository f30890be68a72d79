// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_pep492.py (CoroutineTests:
// iscoroutine, iscoroutinefunction, async def coroutines, double await) and the coroutine cases of
// test_tasks.py (test_iscoroutinefunction, test_coroutine_non_gen_function), plus what laziness
// means here: `coroutine(fn)` runs nothing until awaited (inline, in the awaiting task) or wrapped
// in a task (first step on a later iteration).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { forEachLoop, Trace } from "./helpers/index.ts";
import { withLoop } from "./helpers/loops.ts";

describe("coroutine predicates", () => {
  it("iscoroutine", () => {
    const foo = asyncio.coroutine(async () => {});
    const f = foo();
    assert.equal(asyncio.iscoroutine(f), true);
    f.close();
    assert.equal(asyncio.iscoroutine(foo), false);
    const p = (async () => {})();
    assert.equal(asyncio.iscoroutine(p), false);
    assert.equal(asyncio.iscoroutine({ then() {} }), false);
    assert.equal(asyncio.iscoroutine(null), false);
  });

  it("iscoroutine generator", () => {
    function* gen(): Generator<number> {
      yield 1;
    }
    async function* agen(): AsyncGenerator<number> {
      yield 1;
    }
    assert.equal(asyncio.iscoroutine(gen()), false);
    assert.equal(asyncio.iscoroutine(agen()), false);
  });

  it("iscoroutinefunction", () => {
    function fn(): void {
      // Not a coroutine function.
    }
    function* fn1(): Generator<undefined> {
      yield;
    }
    async function fn2(): Promise<void> {
      // An async function is a coroutine function.
    }
    const promiseReturning = (): Promise<number> => Promise.resolve(1);
    assert.equal(asyncio.iscoroutinefunction(fn), false);
    assert.equal(asyncio.iscoroutinefunction(fn1), false);
    assert.equal(asyncio.iscoroutinefunction(fn2), true);
    assert.equal(
      asyncio.iscoroutinefunction(async () => {}),
      true,
    );
    assert.equal(asyncio.iscoroutinefunction(asyncio.coroutine(fn)), true);
    assert.equal(asyncio.iscoroutinefunction(asyncio.coroutine(fn2)), true);
    assert.equal(asyncio.iscoroutinefunction(promiseReturning), false);
    assert.equal(asyncio.iscoroutinefunction(fn2()), false);
    assert.equal(asyncio.iscoroutinefunction(class {}), false);
  });

  it("coroutine needs a function", () => {
    assert.throws(() => asyncio.coroutine(42 as never), {
      name: "TypeError",
      message: "coroutine() needs a function, got number",
    });
  });

  it("coroutine name and repr", () => {
    const named = asyncio.coroutine(async function fetchData() {});
    assert.equal(named.name, "fetchData");
    const c = named();
    assert.equal(c.name, "fetchData");
    assert.equal(Object.prototype.toString.call(c), "[object Coroutine]");
    c.close();
    const anon = asyncio.coroutine(async () => {});
    // An arrow function assigned to a const takes its name; one passed inline has none.
    assert.equal(anon.name, "");
    const a = anon();
    assert.equal(a.name, "<anonymous>");
    a.close();
  });
});

forEachLoop("Coroutine", (run, kind) => {
  it("coroutine non gen function", () =>
    withLoop(kind, async (loop) => {
      const func = asyncio.coroutine(async () => "test");
      assert.equal(asyncio.iscoroutinefunction(func), true);
      const coro = func();
      assert.equal(asyncio.iscoroutine(coro), true);
      assert.equal(await loop.runUntilComplete(coro), "test");
    }));

  it("async def coroutines", () =>
    withLoop(kind, async (loop) => {
      const bar = asyncio.coroutine(async () => "spam");
      const foo = asyncio.coroutine(async () => await bar());
      assert.equal(await loop.runUntilComplete(foo()), "spam");
      loop.setDebug(true);
      assert.equal(await loop.runUntilComplete(foo()), "spam");
    }));

  it("calling a coroutine function runs nothing", () =>
    run(async () => {
      const trace = new Trace();
      const body = asyncio.coroutine(async () => {
        trace.push("body");
        await asyncio.sleep(0);
        return 1;
      });
      const coro = body();
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, []);
      assert.equal(coro.started(), false);
      assert.equal(await coro, 1);
      assert.equal(coro.started(), true);
      assert.deepEqual(trace.lines, ["body"]);
    }));

  it("an awaited coroutine runs inline, in the awaiting task", () =>
    run(async () => {
      const me = asyncio.currentTask();
      const seen: unknown[] = [];
      const inner = asyncio.coroutine(async () => {
        seen.push(asyncio.currentTask());
        await asyncio.sleep(0);
        seen.push(asyncio.currentTask());
        return "inner";
      });
      assert.equal(await inner(), "inner");
      assert.deepEqual(seen, [me, me]);
    }));

  it("awaiting a coroutine that does not suspend does not yield to the loop", () =>
    run(async (loop) => {
      const trace = new Trace();
      const leaf = asyncio.coroutine(async (n: number) => {
        trace.push("leaf", n);
        return n;
      });
      const middle = asyncio.coroutine(async () => {
        const a = await leaf(1);
        const done = loop.createFuture<number>();
        done.setResult(2);
        const b = await done; // Done: no suspension either.
        return a + b;
      });
      loop.callSoon(() => {
        trace.push("callback");
      });
      trace.push("total", await middle());
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["leaf 1", "total 3", "callback"]);
    }));

  it("a coroutine given to a task runs in that task, first step on a later iteration", () =>
    run(async (loop) => {
      const trace = new Trace();
      const body = asyncio.coroutine(async () => {
        trace.push("body", asyncio.currentTask() === task);
      });
      loop.callSoon(() => {
        trace.push("callback before");
      });
      const task = asyncio.createTask(body());
      trace.push("created");
      await task;
      assert.deepEqual(trace.lines, ["created", "callback before", "body true"]);
    }));

  it("arguments and this are passed on", () =>
    run(async () => {
      class Counter {
        n = 10;
        add = asyncio.coroutine(async function (this: Counter, a: number, b: number) {
          return this.n + a + b;
        });
      }
      const c = new Counter();
      assert.equal(await c.add(1, 2), 13);
    }));

  it("a wrapped plain function works, its result and its exception too", () =>
    run(async () => {
      const sync = asyncio.coroutine((x: number) => x * 2);
      assert.equal(await sync(21), 42);
      const failing = asyncio.coroutine((): number => {
        throw new RangeError("sync failure");
      });
      const coro = failing();
      await assert.rejects(
        async () => {
          await coro;
        },
        { name: "RangeError", message: "sync failure" },
      );
      const t = asyncio.createTask(failing());
      await assert.rejects(
        async () => {
          await t;
        },
        { name: "RangeError", message: "sync failure" },
      );
    }));

  it("a coroutine can be awaited only once", () =>
    run(async () => {
      const body = asyncio.coroutine(async () => 5);
      const coro = body();
      assert.equal(await coro, 5);
      await assert.rejects(
        async () => {
          await coro;
        },
        { name: "RuntimeError", message: "cannot reuse already awaited coroutine" },
      );
      // As in CPython, a task given a used coroutine fails at its first step.
      const t = asyncio.createTask(coro);
      await assert.rejects(
        async () => {
          await t;
        },
        { name: "RuntimeError", message: "cannot reuse already awaited coroutine" },
      );
    }));

  it("differs: double await", () =>
    // CPython raises RuntimeError('coroutine is being awaited already') while the task still runs
    // the coroutine; we say 'cannot reuse already awaited coroutine' in both cases, because
    // telling them apart would cost a promise reaction on every coroutine.
    run(async () => {
      const afunc = asyncio.coroutine(async () => {
        await asyncio.sleep(0.001);
      });
      const coro = afunc();
      const t = asyncio.createTask(coro);
      try {
        await asyncio.sleep(0);
        await assert.rejects(
          async () => {
            await coro;
          },
          { name: "RuntimeError", message: "cannot reuse already awaited coroutine" },
        );
      } finally {
        t.cancel();
      }
      await asyncio.wait([t]);
    }));

  it("close", () =>
    run(async () => {
      const trace = new Trace();
      const body = asyncio.coroutine(async () => {
        trace.push("ran");
      });
      const coro = body();
      coro.close();
      coro.close();
      assert.equal(coro.started(), false);
      await assert.rejects(
        async () => {
          await coro;
        },
        { name: "RuntimeError", message: "cannot reuse already closed coroutine" },
      );
      const started = body();
      await started;
      started.close(); // No effect once started.
      assert.equal(started.started(), true);
      assert.deepEqual(trace.lines, ["ran"]);
    }));

  it("a closed coroutine given to a task fails the task", () =>
    run(async () => {
      const coro = asyncio.coroutine(async () => 1)();
      coro.close();
      const t = asyncio.createTask(coro);
      await assert.rejects(
        async () => {
          await t;
        },
        { name: "RuntimeError", message: "cannot reuse already closed coroutine" },
      );
    }));
});
