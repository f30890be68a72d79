// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_futures.py: BaseFutureTests (states,
// InvalidStateError, cancel(msg), exception classes, awaiting a done future, the traceback logger)
// and BaseFutureDoneCallbackTests (done callbacks scheduled with call_soon, in order, and
// remove_done_callback counts). "Never retrieved" is checked through the virtual loop's strict
// close, which tracks unretrieved exceptions deterministically (no garbage collector involved).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { forEachLoop, Trace } from "./helpers/index.ts";

/** For assert.rejects, which wants a Promise: awaits `aw` in the calling task. */
function awaiting(aw: PromiseLike<unknown>): () => Promise<void> {
  return async () => {
    await aw;
  };
}

function assertInvalidState(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof asyncio.InvalidStateError);
    assert.equal(e.name, "InvalidStateError");
    assert.equal(e.message, message);
    return true;
  });
}

function assertCancelledSync(fn: () => unknown, args: unknown[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof asyncio.CancelledError);
    assert.deepEqual(e.args, args);
    return true;
  });
}

forEachLoop("Future", (run) => {
  it("isfuture", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.equal(asyncio.isfuture(f), true);
      assert.equal(asyncio.isfuture(asyncio.Future), false);
      assert.equal(asyncio.isfuture(1), false);
      assert.equal(asyncio.isfuture(Promise.resolve(1)), false);
      assert.equal(asyncio.isfuture({ then() {} }), false);
      class MyFuture extends asyncio.Future {}
      assert.equal(asyncio.isfuture(new MyFuture()), true);
      const t = asyncio.createTask(async () => {});
      assert.equal(asyncio.isfuture(t), true);
      await t;
      f.cancel();
    }));

  it("initial state", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), false);
      f.cancel();
      assert.equal(f.cancelled(), true);
      assert.equal(f.done(), true);
      await Promise.resolve();
    }));

  it("constructor use running loop", () =>
    run(async (loop) => {
      const f = new asyncio.Future();
      assert.equal(f.getLoop(), loop);
      const g = new asyncio.Future({ loop });
      assert.equal(g.getLoop(), loop);
      await Promise.resolve();
    }));

  it("future cancel message getter", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.equal(f.cancel("my message"), true);
      await assert.rejects(awaiting(f), (e: unknown) => {
        assert.ok(e instanceof asyncio.CancelledError);
        assert.deepEqual(e.args, ["my message"]);
        assert.equal(e.message, "my message");
        assert.equal(e.name, "CancelledError");
        return true;
      });
    }));

  it("cancel", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.equal(f.cancel(), true);
      assert.equal(f.cancelled(), true);
      assert.equal(f.done(), true);
      assertCancelledSync(() => f.result(), []);
      assertCancelledSync(() => f.exception(), []);
      assertInvalidState(() => {
        f.setResult(null);
      }, "invalid state");
      assertInvalidState(() => {
        f.setException(new Error("x"));
      }, "invalid state");
      assert.equal(f.cancel(), false);
      await Promise.resolve();
    }));

  it("cancel message round-trips, None is no message", () =>
    run(async (loop) => {
      const cases: [unknown[], unknown[], string][] = [
        [[], [], ""],
        [[null], [], ""],
        [[undefined], [], ""],
        [["my message"], ["my message"], "my message"],
        [[5], [5], "5"],
      ];
      for (const [cancelArgs, args, message] of cases) {
        const f = loop.createFuture();
        f.cancel(...cancelArgs);
        assert.throws(
          () => f.result(),
          (e: unknown) => {
            assert.ok(e instanceof asyncio.CancelledError);
            assert.deepEqual(e.args, args);
            assert.equal(e.message, message);
            return true;
          },
        );
      }
      await Promise.resolve();
    }));

  it("result", () =>
    run(async (loop) => {
      const f = loop.createFuture<number>();
      assertInvalidState(() => f.result(), "Result is not set.");
      f.setResult(42);
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), true);
      assert.equal(f.result(), 42);
      assert.equal(f.exception(), null);
      assertInvalidState(() => {
        f.setResult(1);
      }, "invalid state");
      assertInvalidState(() => {
        f.setException(new Error("x"));
      }, "invalid state");
      assert.equal(f.cancel(), false);
      assert.equal(f.result(), 42);
      await Promise.resolve();
    }));

  it("exception", () =>
    run(async (loop) => {
      const exc = new asyncio.RuntimeError();
      const f = loop.createFuture();
      assertInvalidState(() => f.exception(), "Exception is not set.");
      f.setException(exc);
      assert.equal(f.cancelled(), false);
      assert.equal(f.done(), true);
      assert.throws(
        () => f.result(),
        (e: unknown) => e === exc,
      );
      assert.equal(f.exception(), exc);
      assertInvalidState(() => {
        f.setResult(null);
      }, "invalid state");
      assertInvalidState(() => {
        f.setException(new Error("x"));
      }, "invalid state");
      assert.equal(f.cancel(), false);
      await Promise.resolve();
    }));

  it("exception class", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      f.setException(asyncio.RuntimeError);
      const exc = f.exception();
      assert.ok(exc instanceof asyncio.RuntimeError);
      assert.equal(exc.message, "");
      await Promise.resolve();
    }));

  it("set exception needs an exception", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.throws(
        () => {
          f.setException(null);
        },
        { name: "TypeError", message: "invalid exception object" },
      );
      assert.equal(f.done(), false);
      await Promise.resolve();
    }));

  it("yield from twice", () =>
    // Awaiting a done future returns at once, as often as asked: it does not yield to the loop.
    run(async (loop) => {
      const trace = new Trace();
      const f = loop.createFuture<number>();
      loop.callSoon(() => {
        trace.push("callback");
      });
      trace.push("A");
      f.setResult(42);
      trace.push("B", await f);
      trace.push("C", await f);
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["A", "B 42", "C 42", "callback"]);
    }));

  it("await pending future suspends until it is done", () =>
    run(async (loop) => {
      const trace = new Trace();
      const f = loop.createFuture<string>();
      loop.callSoon(() => {
        trace.push("first callback");
        loop.callSoon(() => {
          trace.push("second callback");
          f.setResult("done");
        });
      });
      trace.push("before");
      trace.push("result", await f);
      assert.deepEqual(trace.lines, ["before", "first callback", "second callback", "result done"]);
    }));

  it("await failed future throws its exception object", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      const exc = new RangeError("bad value");
      loop.callSoon(() => {
        f.setException(exc);
      });
      await assert.rejects(awaiting(f), (e: unknown) => e === exc);
      // A second await throws the same object again.
      await assert.rejects(awaiting(f), (e: unknown) => e === exc);
    }));
});

describe("Future outside a loop", () => {
  it("differs: constructor without loop binds lazily", () => {
    // CPython: Future() outside a loop raises RuntimeError('no current event loop'). Here it is
    // created unbound and takes the running loop when it first needs one.
    const f = new asyncio.Future<number>();
    assert.throws(() => f.getLoop(), { name: "RuntimeError", message: "no running event loop" });
    f.setResult(1);
    assert.equal(f.result(), 1);
  });
});

describe("Future never retrieved [virtual loop strict close]", () => {
  it("tb logger abandoned", () =>
    runVirtual(async (loop) => {
      loop.createFuture();
      await asyncio.sleep(0);
    }));

  it("tb logger not called after cancel", () =>
    runVirtual(async (loop) => {
      const f = loop.createFuture();
      f.setException(new Error("boom"));
      assert.equal(f.cancel(), false);
      await asyncio.sleep(0);
    }));

  it("tb logger result unretrieved", () =>
    runVirtual(async (loop) => {
      loop.createFuture().setResult(42);
      await asyncio.sleep(0);
    }));

  it("tb logger result retrieved", () =>
    runVirtual(async (loop) => {
      const f = loop.createFuture();
      f.setResult(42);
      f.result();
      await asyncio.sleep(0);
    }));

  it("tb logger exception unretrieved", async () => {
    await assert.rejects(
      runVirtual(async (loop) => {
        loop.createFuture().setException(new RangeError("boom"));
        await asyncio.sleep(0);
      }),
      {
        name: "RuntimeError",
        message:
          "VirtualTimeLoop closed with exceptions never retrieved: <Future finished exception=RangeError('boom')>",
      },
    );
  });

  it("tb logger exception unretrieved on a future made without a loop argument", async () => {
    await assert.rejects(
      runVirtual(async () => {
        new asyncio.Future().setException(new RangeError("boom"));
        await asyncio.sleep(0);
      }),
      {
        name: "RuntimeError",
        message:
          "VirtualTimeLoop closed with exceptions never retrieved: <Future finished exception=RangeError('boom')>",
      },
    );
  });

  it("tb logger exception retrieved", () =>
    runVirtual(async (loop) => {
      const f = loop.createFuture();
      f.setException(new RangeError("boom"));
      f.exception();
      await asyncio.sleep(0);
    }));

  it("tb logger exception result retrieved", () =>
    runVirtual(async (loop) => {
      const f = loop.createFuture();
      f.setException(new RangeError("boom"));
      assert.throws(() => f.result(), { name: "RangeError", message: "boom" });
      await asyncio.sleep(0);
    }));

  it("tb logger exception retrieved by await", () =>
    runVirtual(async (loop) => {
      const f = loop.createFuture();
      f.setException(new RangeError("boom"));
      await assert.rejects(awaiting(f), { name: "RangeError", message: "boom" });
    }));
});

forEachLoop("Future.then", (run) => {
  it("then on a done future calls the reaction at once and never throws", () =>
    run(async (loop) => {
      const f = loop.createFuture<number>();
      f.setResult(1);
      const trace = new Trace();
      const chained = f.then(function failing(v): number {
        trace.push("reaction", v);
        throw new RangeError("in reaction");
      });
      trace.push("then returned");
      await assert.rejects(awaiting(chained), { name: "RangeError", message: "in reaction" });
      assert.deepEqual(trace.lines, ["reaction 1", "then returned"]);
    }));

  it("then on a pending future calls the reaction from the loop", () =>
    run(async (loop) => {
      const f = loop.createFuture<number>();
      const trace = new Trace();
      const chained = f.then((v) => {
        trace.push("reaction", v);
        return v + 1;
      });
      loop.callSoon(() => {
        trace.push("callback");
      });
      f.setResult(1);
      trace.push("set");
      assert.equal(await chained, 2);
      assert.deepEqual(trace.lines, ["set", "callback", "reaction 1"]);
    }));

  it("a failing then() reaction nobody chains on reaches the exception handler", () =>
    run(async (loop) => {
      const contexts: asyncio.ExceptionContext[] = [];
      loop.setExceptionHandler((_l, context) => {
        contexts.push(context);
      });
      const done = loop.createFuture<number>();
      done.setResult(1);
      const pending = loop.createFuture<number>();
      loop.callSoon(() => {
        void done.then(function onDone() {
          throw new RangeError("from a done future");
        });
        void pending.then(function onPending() {
          throw new RangeError("from a pending future");
        });
      });
      await asyncio.sleep(0);
      pending.setResult(2);
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      assert.deepEqual(
        contexts.map((c) => [c.message, (c.exception as Error).message, inspect(c.handle)]),
        [
          ["Exception in callback onDone()", "from a done future", "<Waiter onDone()>"],
          ["Exception in callback onPending()", "from a pending future", "<Waiter onPending()>"],
        ],
      );
    }));
});

forEachLoop("Future done callbacks", (run) => {
  function makeCallback(bag: unknown[], thing: unknown): (f: asyncio.Future) => void {
    return () => {
      bag.push(thing);
    };
  }

  it("callbacks remove first callback", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture<string>();
      const cb1 = makeCallback(bag, 42);
      const cb2 = makeCallback(bag, 17);
      const cb3 = makeCallback(bag, 100);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(cb3);
      assert.equal(f.removeDoneCallback(cb1), 1);
      assert.equal(f.removeDoneCallback(cb1), 0);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      assert.deepEqual(bag, []);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [17, 100]);
      assert.equal(f.result(), "foo");
    }));

  it("callbacks remove first and second callback", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture<string>();
      const cb1 = makeCallback(bag, 42);
      const cb2 = makeCallback(bag, 17);
      const cb3 = makeCallback(bag, 100);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(cb3);
      assert.equal(f.removeDoneCallback(cb1), 1);
      assert.equal(f.removeDoneCallback(cb2), 1);
      assert.equal(f.removeDoneCallback(cb1), 0);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [100]);
      assert.equal(f.result(), "foo");
    }));

  it("callbacks remove third callback", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture<string>();
      const cb1 = makeCallback(bag, 42);
      const cb2 = makeCallback(bag, 17);
      const cb3 = makeCallback(bag, 100);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      f.addDoneCallback(cb3);
      assert.equal(f.removeDoneCallback(cb3), 1);
      assert.equal(f.removeDoneCallback(cb3), 0);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [42, 17]);
    }));

  it("callbacks invoked on set result", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture<string>();
      f.addDoneCallback(makeCallback(bag, 42));
      f.addDoneCallback(makeCallback(bag, 17));
      assert.deepEqual(bag, []);
      f.setResult("foo");
      // Never inline: the callbacks were only scheduled.
      assert.deepEqual(bag, []);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [42, 17]);
      assert.equal(f.result(), "foo");
    }));

  it("callbacks invoked on set exception", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture();
      f.addDoneCallback(makeCallback(bag, 100));
      const exc = new asyncio.RuntimeError();
      f.setException(exc);
      assert.deepEqual(bag, []);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [100]);
      assert.equal(f.exception(), exc);
    }));

  it("callbacks invoked on cancel, with the future", () =>
    run(async (loop) => {
      const seen: asyncio.Future[] = [];
      const f = loop.createFuture();
      f.addDoneCallback((fut) => {
        seen.push(fut);
      });
      f.cancel();
      assert.deepEqual(seen, []);
      await asyncio.sleep(0);
      assert.equal(seen.length, 1);
      assert.equal(seen[0], f);
    }));

  it("callbacks are scheduled in order with other callSoon callbacks", () =>
    run(async (loop) => {
      const trace = new Trace();
      const f = loop.createFuture<string>();
      f.addDoneCallback(() => {
        trace.push("cb1");
      });
      f.addDoneCallback(() => {
        trace.push("cb2");
      });
      loop.callSoon(() => {
        trace.push("A");
      });
      f.setResult("x");
      loop.callSoon(() => {
        trace.push("B");
      });
      f.addDoneCallback(() => {
        trace.push("cb3 added when done");
      });
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["A", "cb1", "cb2", "B", "cb3 added when done"]);
    }));

  it("add done callback on a done future is never called inline", () =>
    run(async (loop) => {
      const trace = new Trace();
      const f = loop.createFuture<number>();
      f.setResult(1);
      f.addDoneCallback((fut) => {
        trace.push("cb", fut.result());
      });
      trace.push("after add");
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["after add", "cb 1"]);
    }));

  it("add done callback needs a callable", () =>
    run(async (loop) => {
      const f = loop.createFuture();
      assert.throws(
        () => {
          f.addDoneCallback(42 as unknown as () => void);
        },
        { name: "TypeError", message: "addDoneCallback() needs a function, got 42" },
      );
      await Promise.resolve();
    }));

  it("remove done callback", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture<string>();
      const cb1 = makeCallback(bag, 1);
      const cb2 = makeCallback(bag, 2);
      const cb3 = makeCallback(bag, 3);
      f.addDoneCallback(cb1);
      f.addDoneCallback(cb2);
      assert.equal(f.removeDoneCallback(cb2), 1);
      assert.equal(f.removeDoneCallback(cb3), 0);
      f.addDoneCallback(cb2);
      for (let i = 0; i < 5; i++) f.addDoneCallback(cb1);
      assert.equal(f.removeDoneCallback(cb1), 6);
      assert.deepEqual(bag, []);
      f.setResult("foo");
      await asyncio.sleep(0);
      assert.deepEqual(bag, [2]);
      assert.equal(f.result(), "foo");
    }));

  it("remove done callback keeps the order of the others", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture();
      const cbs = [1, 2, 3, 4].map((n) => makeCallback(bag, n));
      for (const cb of cbs) f.addDoneCallback(cb);
      assert.equal(f.removeDoneCallback(cbs[0] as (f: asyncio.Future) => void), 1);
      f.addDoneCallback(makeCallback(bag, 5));
      assert.equal(f.removeDoneCallback(cbs[2] as (f: asyncio.Future) => void), 1);
      f.addDoneCallback(makeCallback(bag, 6));
      f.setResult(null);
      await asyncio.sleep(0);
      assert.deepEqual(bag, [2, 4, 5, 6]);
    }));

  it("schedule callbacks list mutation 1", () =>
    // Once the future is done its callbacks are scheduled: removing one from inside another no
    // longer unschedules it.
    run(async (loop) => {
      const bag: unknown[] = [];
      const f = loop.createFuture();
      const other = makeCallback(bag, "other");
      f.addDoneCallback((fut) => {
        bag.push("mut");
        assert.equal(fut.removeDoneCallback(other), 0);
      });
      f.addDoneCallback(other);
      f.addDoneCallback(other);
      f.setResult(1);
      await asyncio.sleep(0);
      assert.deepEqual(bag, ["mut", "other", "other"]);
    }));

  it("a failing callback reaches the exception handler and the others still run", () =>
    run(async (loop) => {
      const bag: unknown[] = [];
      const contexts: asyncio.ExceptionContext[] = [];
      loop.setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      const f = loop.createFuture();
      const boom = new RangeError("boom");
      f.addDoneCallback(function failing() {
        throw boom;
      });
      f.addDoneCallback(makeCallback(bag, "after"));
      f.setResult(null);
      await asyncio.sleep(0);
      assert.deepEqual(bag, ["after"]);
      assert.equal(contexts.length, 1);
      const ctx = contexts[0] as asyncio.ExceptionContext;
      assert.equal(ctx.message, "Exception in callback failing()");
      assert.equal(ctx.exception, boom);
      assert.ok(ctx.handle instanceof asyncio.Handle);
    }));
});
