// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_locks.py: LockTests, EventTests,
// ConditionTests, SemaphoreTests (with BoundedSemaphore) and BarrierTests, and the loop binding of
// _LoopBoundMixin (test_ambiguous_loops) as "used from another loop". CPython peeks at private
// fields (`_waiters`, `_value`, `_count`); here the repr counts the waiters, a subclass reads the
// protected semaphore value, and a counter of exits stands for the barrier's `_count`.
import { it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { assertCancelled, forEachLoop, Trace } from "./helpers/index.ts";

// CPython's RGX_REPR without the ` at 0x...` address (see "differs: repr has no address").
const RGX_REPR =
  /^<(?<class>.*?) object \[(?<extras>(set|unset|locked|unlocked|filling|draining|resetting|broken)(, value:\d)?(, waiters:\d+)?(, waiters:\d+\/\d+)?)\]>$/;

/** The waiter count a primitive's repr shows (CPython's `len(x._waiters)`). */
function nWaiters(primitive: asyncio.Lock | asyncio.Event | asyncio.Condition | asyncio.Semaphore): number {
  const m = /, waiters:(\d+)\]>$/.exec(String(primitive));
  return m === null ? 0 : Number(m[1]);
}

/** A Semaphore whose value a test can read (CPython's `sem._value`). */
class ProbeSemaphore extends asyncio.Semaphore {
  get currentValue(): number {
    return this.value;
  }
}

function isRuntimeError(message: string | RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof asyncio.RuntimeError, `expected RuntimeError, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

forEachLoop("Lock", (run) => {
  it("repr", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      assert.equal(String(lock), "<asyncio.locks.Lock object [unlocked]>");
      assert.match(String(lock), RGX_REPR);
      await lock.acquire();
      assert.equal(inspect(lock), "<asyncio.locks.Lock object [locked]>");
      assert.match(String(lock), RGX_REPR);
      const t = asyncio.createTask(() => lock.acquire());
      await asyncio.sleep(0);
      assert.equal(String(lock), "<asyncio.locks.Lock object [locked, waiters:1]>");
      assert.match(String(lock), RGX_REPR);
      lock.release();
      await t;
      assert.equal(String(lock), "<asyncio.locks.Lock object [locked]>");
    }));

  it("differs: repr has no address", () =>
    // CPython: <asyncio.locks.Lock object at 0x7f2c... [unlocked]>. JavaScript objects have no
    // stable address to show; the rest of the repr is the same for every primitive.
    run(async () => {
      assert.equal(String(new asyncio.Lock()), "<asyncio.locks.Lock object [unlocked]>");
      assert.equal(String(new asyncio.Event()), "<asyncio.locks.Event object [unset]>");
      assert.equal(String(new asyncio.Condition()), "<asyncio.locks.Condition object [unlocked]>");
      assert.equal(String(new asyncio.Semaphore(2)), "<asyncio.locks.Semaphore object [unlocked, value:2]>");
      assert.equal(String(new asyncio.Barrier(2)), "<asyncio.locks.Barrier object [filling, waiters:0/2]>");
    }));

  it("condition with a lock that is not a Lock: a TypeError that says what to pass", () =>
    // CPython 3.13: Condition(42) fails later with AttributeError ('int' object has no attribute
    // 'locked'); here at once, saying what was expected.
    run(async () => {
      for (const [bad, shown] of [
        [42, "42"],
        [new asyncio.Semaphore(), "<asyncio.locks.Semaphore object [unlocked, value:1]>"],
      ] as const) {
        assert.throws(() => new asyncio.Condition(bad as unknown as asyncio.Lock), {
          name: "TypeError",
          message: `Condition() lock must be an asyncio Lock, got ${shown}`,
        });
      }
      // None (null or undefined) is a new Lock, as in CPython.
      assert.equal(new asyncio.Condition(null).locked(), false);
      const lock = new asyncio.Lock();
      const cond = new asyncio.Condition(lock);
      await cond.acquire();
      assert.equal(lock.locked(), true);
      cond.release();
    }));

  it("differs: a lock is not awaitable", () =>
    // CPython: `await lock` and `with await lock:` raise TypeError ("object Lock can't be used in
    // 'await' expression"). A JavaScript `await` of a non-thenable returns the value itself; the
    // primitives have no `then`, so it neither acquires nor fails.
    run(async () => {
      for (const primitive of [
        new asyncio.Lock(),
        new asyncio.Condition(),
        new asyncio.Semaphore(),
        new asyncio.BoundedSemaphore(),
      ]) {
        assert.equal("then" in primitive, false);
        assert.equal(await (primitive as unknown as PromiseLike<unknown>), primitive);
        assert.equal(primitive.locked(), false);
      }
    }));

  it("acquire", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      const result: number[] = [];
      assert.equal(await lock.acquire(), true);
      const c = (n: number) => async () => {
        assert.equal(await lock.acquire(), true);
        result.push(n);
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      await asyncio.sleep(0);
      assert.deepEqual(result, []);

      lock.release();
      // No hand-off: the lock stays free until the woken waiter runs.
      assert.equal(lock.locked(), false);
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(lock.locked(), true);
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);

      const t3 = asyncio.createTask(c(3));
      lock.release();
      assert.equal(lock.locked(), false);
      await asyncio.sleep(0);
      // t3 ran first and found the lock free, yet queued behind the woken t2.
      assert.deepEqual(result, [1, 2]);
      assert.equal(nWaiters(lock), 1);

      lock.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      for (const t of [t1, t2, t3]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), true);
      }
    }));

  it("a newcomer queues behind the woken waiter", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      const trace = new Trace();
      await lock.acquire();
      const waiter = asyncio.createTask(async () => {
        await lock.acquire();
        trace.push("waiter holds");
        lock.release();
      });
      await asyncio.sleep(0);
      // The newcomer's first step is scheduled before release() wakes the waiter.
      const newcomer = asyncio.createTask(async () => {
        trace.push("newcomer sees locked:", lock.locked());
        await lock.acquire();
        trace.push("newcomer holds");
        lock.release();
      });
      lock.release();
      await asyncio.gather(waiter, newcomer);
      assert.deepEqual(trace.lines, ["newcomer sees locked: false", "waiter holds", "newcomer holds"]);
      assert.equal(lock.locked(), false);
    }));

  it("acquire cancel", () =>
    run(async (loop) => {
      const lock = new asyncio.Lock();
      assert.equal(await lock.acquire(), true);
      const task = asyncio.createTask(() => lock.acquire());
      loop.callSoon(() => {
        task.cancel();
      });
      await assertCancelled(task);
      assert.equal(nWaiters(lock), 0);
      assert.equal(lock.locked(), true);
    }));

  it("cancel race", () =>
    // A holds the lock, B and C wait. B is cancelled while A releases: A's release must not trip
    // over B's cancelled waiter, and C must get the lock.
    run(async (loop) => {
      const lock = new asyncio.Lock();
      const lockit = async (blocker: asyncio.Future | null) => {
        await lock.acquire();
        try {
          if (blocker !== null) await blocker;
        } finally {
          lock.release();
        }
      };
      const fa = loop.createFuture();
      const ta = asyncio.createTask(() => lockit(fa));
      await asyncio.sleep(0);
      assert.equal(lock.locked(), true);
      const tb = asyncio.createTask(() => lockit(null));
      await asyncio.sleep(0);
      assert.equal(nWaiters(lock), 1);
      const tc = asyncio.createTask(() => lockit(null));
      await asyncio.sleep(0);
      assert.equal(nWaiters(lock), 2);

      fa.setResult(null);
      tb.cancel();
      await asyncio.sleep(0);
      assert.equal(lock.locked(), false);
      assert.equal(ta.done(), true);
      assert.equal(tb.cancelled(), true);
      await tc;
      assert.equal(lock.locked(), false);
    }));

  it("cancel release race", () =>
    // bpo-32734: with 3 waiters, cancelling the first while releasing must let exactly one in.
    run(async (loop) => {
      const lock = new asyncio.Lock();
      let lockCount = 0;
      let callCount = 0;
      const lockit = async () => {
        callCount++;
        await lock.acquire();
        lockCount++;
      };
      await lock.acquire();
      const t1 = asyncio.createTask(lockit);
      const t2 = asyncio.createTask(lockit);
      const t3 = asyncio.createTask(lockit);
      await asyncio.sleep(0);
      loop.callSoon(() => {
        t1.cancel();
        lock.release();
      });
      await assertCancelled(t1);
      assert.equal(lockCount, 1);
      assert.equal(callCount, 3);
      assert.equal(t1.cancelled(), true);
      assert.equal(t2.done(), true);
      t3.cancel();
      await asyncio.sleep(0);
      assert.equal(t3.cancelled(), true);
    }));

  it("finished waiter cancelled", () =>
    // A waiter woken and then cancelled must not strand the next one.
    run(async () => {
      const lock = new asyncio.Lock();
      await lock.acquire();
      assert.equal(lock.locked(), true);
      const tb = asyncio.createTask(() => lock.acquire());
      await asyncio.sleep(0);
      assert.equal(nWaiters(lock), 1);
      const tc = asyncio.createTask(() => lock.acquire());
      tb.cancel();
      lock.release();
      await asyncio.sleep(0);
      assert.equal(lock.locked(), true);
      assert.equal(tb.cancelled(), true);
      assert.equal(await tc, true);
    }));

  it("woken waiter cancelled wakes the next", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      await lock.acquire();
      const tb = asyncio.createTask(() => lock.acquire());
      const tc = asyncio.createTask(() => lock.acquire());
      await asyncio.sleep(0);
      lock.release(); // wakes tb
      tb.cancel(); // tb's future is done: the cancel lands when tb resumes
      await assertCancelled(tb);
      assert.equal(await tc, true);
      assert.equal(lock.locked(), true);
      assert.equal(nWaiters(lock), 0);
    }));

  it("release not acquired", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      assert.throws(() => {
        lock.release();
      }, isRuntimeError("Lock is not acquired."));
    }));

  it("release no waiters", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      await lock.acquire();
      assert.equal(lock.locked(), true);
      lock.release();
      assert.equal(lock.locked(), false);
    }));

  it("context manager", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      assert.equal(lock.locked(), false);
      const value = await lock.with(() => {
        assert.equal(lock.locked(), true);
        return 42;
      });
      assert.equal(value, 42);
      assert.equal(lock.locked(), false);
    }));

  it("with releases the lock when the body throws", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      await assert.rejects(
        lock.with(async () => {
          await asyncio.sleep(0);
          throw new RangeError("boom");
        }),
        { name: "RangeError", message: "boom" },
      );
      assert.equal(lock.locked(), false);
      // A waiter queued behind the failing body gets the lock.
      const trace = new Trace();
      const failing = asyncio.createTask(() =>
        lock.with(async () => {
          await asyncio.sleep(0);
          throw new RangeError("again");
        }),
      );
      const next = asyncio.createTask(() =>
        lock.with(() => {
          trace.push("next holds");
        }),
      );
      await assert.rejects(
        async () => {
          await failing;
        },
        { name: "RangeError", message: "again" },
      );
      await next;
      assert.deepEqual(trace.lines, ["next holds"]);
      assert.equal(lock.locked(), false);
    }));

  it("with is cancelled while waiting and does not release", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      await lock.acquire();
      const t = asyncio.createTask(() => lock.with(() => "never"));
      await asyncio.sleep(0);
      t.cancel();
      await assertCancelled(t);
      // The cancelled `with` never held the lock, so it must not have released ours.
      assert.equal(lock.locked(), true);
      lock.release();
    }));
});

forEachLoop("Event", (run) => {
  it("repr", () =>
    run(async () => {
      const ev = new asyncio.Event();
      assert.equal(String(ev), "<asyncio.locks.Event object [unset]>");
      assert.equal(RGX_REPR.exec(String(ev))?.groups?.extras, "unset");
      const t = asyncio.createTask(() => ev.wait());
      await asyncio.sleep(0);
      assert.equal(String(ev), "<asyncio.locks.Event object [unset, waiters:1]>");
      assert.match(String(ev), RGX_REPR);
      ev.set();
      assert.equal(String(ev), "<asyncio.locks.Event object [set, waiters:1]>");
      await t;
      assert.equal(inspect(ev), "<asyncio.locks.Event object [set]>");
      assert.match(String(ev), RGX_REPR);
    }));

  it("wait", () =>
    run(async () => {
      const ev = new asyncio.Event();
      assert.equal(ev.isSet(), false);
      const result: number[] = [];
      const c = (n: number) => async () => {
        assert.equal(await ev.wait(), true);
        result.push(n);
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      await asyncio.sleep(0);
      assert.deepEqual(result, []);
      const t3 = asyncio.createTask(c(3));
      ev.set();
      await asyncio.sleep(0);
      // t3's first step was scheduled before set() woke t1 and t2.
      assert.deepEqual(result, [3, 1, 2]);
      for (const t of [t1, t2, t3] as asyncio.Task[]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), undefined);
      }
    }));

  it("wait on set", () =>
    run(async () => {
      const ev = new asyncio.Event();
      ev.set();
      assert.equal(await ev.wait(), true);
    }));

  it("wait on set does not yield", () =>
    run(async () => {
      const ev = new asyncio.Event();
      ev.set();
      const trace = new Trace();
      const other = asyncio.createTask(() => {
        trace.push("other task");
      });
      assert.equal(await ev.wait(), true);
      trace.push("after wait");
      await other;
      assert.deepEqual(trace.lines, ["after wait", "other task"]);
    }));

  it("wait cancel", () =>
    run(async (loop) => {
      const ev = new asyncio.Event();
      const wait = asyncio.createTask(() => ev.wait());
      loop.callSoon(() => {
        wait.cancel();
      });
      await assertCancelled(wait);
      assert.equal(nWaiters(ev), 0);
      // A later set() finds no stale waiter.
      ev.set();
      assert.equal(await ev.wait(), true);
    }));

  it("clear", () =>
    run(async () => {
      const ev = new asyncio.Event();
      assert.equal(ev.isSet(), false);
      ev.set();
      assert.equal(ev.isSet(), true);
      ev.clear();
      assert.equal(ev.isSet(), false);
    }));

  it("clear with waiters", () =>
    run(async () => {
      const ev = new asyncio.Event();
      const result: number[] = [];
      const t = asyncio.createTask(async () => {
        assert.equal(await ev.wait(), true);
        result.push(1);
        return true;
      });
      await asyncio.sleep(0);
      assert.deepEqual(result, []);
      ev.set();
      ev.clear();
      assert.equal(ev.isSet(), false);
      ev.set();
      ev.set();
      assert.equal(nWaiters(ev), 1);
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(nWaiters(ev), 0);
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }));

  it("set then clear still wakes every waiter", () =>
    run(async () => {
      const ev = new asyncio.Event();
      const tasks = [0, 1, 2].map(() => asyncio.createTask(() => ev.wait()));
      await asyncio.sleep(0);
      ev.set();
      ev.clear();
      assert.deepEqual(await asyncio.gather(...tasks), [true, true, true]);
      assert.equal(ev.isSet(), false);
    }));
});

forEachLoop("Condition", (run) => {
  it("wait", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        assert.equal(await cond.wait(), true);
        result.push(n);
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      const t3 = asyncio.createTask(c(3));
      await asyncio.sleep(0);
      assert.deepEqual(result, []);
      assert.equal(cond.locked(), false);

      assert.equal(await cond.acquire(), true);
      cond.notify();
      await asyncio.sleep(0);
      assert.deepEqual(result, []);
      assert.equal(cond.locked(), true);

      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(cond.locked(), true);

      cond.notify(2);
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(cond.locked(), true);

      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2]);
      assert.equal(cond.locked(), true);

      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      assert.equal(cond.locked(), true);
      for (const t of [t1, t2, t3]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), true);
      }
    }));

  it("wait cancel", () =>
    run(async (loop) => {
      const cond = new asyncio.Condition();
      await cond.acquire();
      const wait = asyncio.createTask(() => cond.wait());
      loop.callSoon(() => {
        wait.cancel();
      });
      await assertCancelled(wait);
      assert.equal(nWaiters(cond), 0);
      // wait() re-acquired the lock before it let the cancellation out.
      assert.equal(cond.locked(), true);
    }));

  it("wait cancel contested", () =>
    run(async (loop) => {
      const cond = new asyncio.Condition();
      await cond.acquire();
      assert.equal(cond.locked(), true);
      const waitTask = asyncio.createTask(() => cond.wait());
      await asyncio.sleep(0);
      assert.equal(cond.locked(), false);

      // Notify, but contest the lock before cancelling.
      await cond.acquire();
      assert.equal(cond.locked(), true);
      cond.notify();
      loop.callSoon(() => {
        waitTask.cancel();
      });
      loop.callSoon(() => {
        cond.release();
      });
      try {
        await waitTask;
      } catch (e) {
        if (!(e instanceof asyncio.CancelledError)) throw e;
      }
      assert.equal(cond.locked(), true);
    }));

  it("wait cancel after notify", () =>
    // bpo-32841
    run(async () => {
      let waited = false as boolean;
      const cond = new asyncio.Condition();
      const waiter = asyncio.createTask(() =>
        cond.with(async () => {
          waited = true;
          await cond.wait();
        }),
      );
      await asyncio.sleep(0); // start waiting
      await cond.acquire();
      cond.notify();
      await asyncio.sleep(0); // the waiter gets to acquire()
      waiter.cancel();
      await asyncio.sleep(0); // the cancellation is delivered
      cond.release();
      await asyncio.sleep(0); // the waiter re-acquires, raises, releases
      assert.equal(waiter.cancelled(), true);
      assert.equal(waited, true);
      assert.equal(cond.locked(), false);
    }));

  it("wait unacquired", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      await assert.rejects(cond.wait(), isRuntimeError("cannot wait on un-acquired lock"));
    }));

  it("wait for", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      let presult = false;
      const result: number[] = [];
      const t = asyncio.createTask(async () => {
        await cond.acquire();
        if (await cond.waitFor(() => presult)) {
          result.push(1);
          cond.release();
        }
        return true;
      });
      await asyncio.sleep(0);
      assert.deepEqual(result, []);

      await cond.acquire();
      cond.notify();
      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, []);

      presult = true;
      await cond.acquire();
      cond.notify();
      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }));

  it("wait for unacquired", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      // The predicate may be true at once: no lock needed, and its value is returned.
      assert.deepEqual(await cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
      await assert.rejects(
        cond.waitFor(() => false),
        isRuntimeError("cannot wait on un-acquired lock"),
      );
    }));

  it("notify", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        assert.equal(await cond.wait(), true);
        result.push(n);
        cond.release();
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      const t3 = asyncio.createTask(c(3));
      await asyncio.sleep(0);
      assert.deepEqual(result, []);

      await cond.acquire();
      cond.notify(1);
      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);

      await cond.acquire();
      cond.notify(1);
      cond.notify(2048);
      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2, 3]);
      for (const t of [t1, t2, t3]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), true);
      }
    }));

  it("notify counts only waiters not yet notified", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      const result: number[] = [];
      const tasks = [1, 2, 3].map((n) =>
        asyncio.createTask(() =>
          cond.with(async () => {
            await cond.wait();
            result.push(n);
          }),
        ),
      );
      await asyncio.sleep(0);
      await cond.with(() => {
        cond.notify(1);
        cond.notify(1); // skips the first, already notified: wakes the second
      });
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2]);
      await cond.with(() => {
        cond.notifyAll();
      });
      await asyncio.gather(...tasks);
      assert.deepEqual(result, [1, 2, 3]);
    }));

  it("notify all", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      const result: number[] = [];
      const c = (n: number) => async () => {
        await cond.acquire();
        assert.equal(await cond.wait(), true);
        result.push(n);
        cond.release();
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      await asyncio.sleep(0);
      assert.deepEqual(result, []);
      await cond.acquire();
      cond.notifyAll();
      cond.release();
      await asyncio.sleep(0);
      assert.deepEqual(result, [1, 2]);
      for (const t of [t1, t2]) {
        assert.equal(t.done(), true);
        assert.equal(t.result(), true);
      }
    }));

  it("notify unacquired", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      assert.throws(() => {
        cond.notify();
      }, isRuntimeError("cannot notify on un-acquired lock"));
    }));

  it("notify all unacquired", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      assert.throws(() => {
        cond.notifyAll();
      }, isRuntimeError("cannot notify on un-acquired lock"));
    }));

  it("repr", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      assert.equal(String(cond), "<asyncio.locks.Condition object [unlocked]>");
      assert.match(String(cond), RGX_REPR);
      const waiters = [0, 1].map(() => asyncio.createTask(() => cond.with(() => cond.wait())));
      await asyncio.sleep(0);
      // Both released the lock inside wait().
      assert.equal(String(cond), "<asyncio.locks.Condition object [unlocked, waiters:2]>");
      await cond.acquire();
      assert.equal(String(cond), "<asyncio.locks.Condition object [locked, waiters:2]>");
      assert.match(String(cond), RGX_REPR);
      cond.notifyAll();
      cond.release();
      await asyncio.gather(...waiters);
      assert.equal(inspect(cond), "<asyncio.locks.Condition object [unlocked]>");
    }));

  it("context manager", () =>
    run(async () => {
      const cond = new asyncio.Condition();
      assert.equal(cond.locked(), false);
      assert.equal(
        await cond.with(() => {
          assert.equal(cond.locked(), true);
          return "body";
        }),
        "body",
      );
      assert.equal(cond.locked(), false);
    }));

  it("explicit lock", () =>
    // A Condition over a Lock shares its state: either one's `with` locks both.
    run(async () => {
      const f = async (lock?: asyncio.Lock, cond?: asyncio.Condition) => {
        lock ??= new asyncio.Lock();
        cond ??= new asyncio.Condition(lock);
        assert.equal(lock.locked(), false);
        assert.equal(cond.locked(), false);
        await cond.with(() => {
          assert.equal(lock.locked(), true);
          assert.equal(cond.locked(), true);
        });
        assert.equal(lock.locked(), false);
        assert.equal(cond.locked(), false);
        await lock.with(() => {
          assert.equal(lock.locked(), true);
          assert.equal(cond.locked(), true);
        });
        assert.equal(lock.locked(), false);
        assert.equal(cond.locked(), false);
      };
      await f();
      await f(new asyncio.Lock());
      const lock = new asyncio.Lock();
      await f(lock, new asyncio.Condition(lock));
    }));

  it("two conditions share a lock", () =>
    run(async () => {
      const lock = new asyncio.Lock();
      const notEmpty = new asyncio.Condition(lock);
      const notFull = new asyncio.Condition(lock);
      const items: number[] = [];
      const consumer = asyncio.createTask(() =>
        notEmpty.with(async () => {
          await notEmpty.waitFor(() => items.length > 0);
          const item = items.shift();
          notFull.notify();
          return item;
        }),
      );
      await asyncio.sleep(0);
      assert.equal(lock.locked(), false);
      await lock.with(() => {
        items.push(7);
        // notFull has no waiter: notifying it does not wake the consumer.
        notFull.notify();
      });
      await asyncio.sleep(0);
      assert.equal(consumer.done(), false);
      await notEmpty.with(() => {
        notEmpty.notify();
      });
      assert.equal(await consumer, 7);
      assert.equal(lock.locked(), false);
    }));

  it("timeout in block", () =>
    run(async () => {
      const condition = new asyncio.Condition();
      await condition.with(async () => {
        await assert.rejects(
          asyncio.timeout(0.01).with(() => condition.wait()),
          (e: unknown) => e instanceof asyncio.TimeoutError,
        );
        // The timed-out wait() re-acquired the lock before it raised.
        assert.equal(condition.locked(), true);
        await assert.rejects(
          async () => {
            await asyncio.waitFor(() => condition.wait(), 0.01);
          },
          (e: unknown) => e instanceof asyncio.TimeoutError,
        );
        assert.equal(condition.locked(), true);
      });
      assert.equal(condition.locked(), false);
      assert.equal(nWaiters(condition), 0);
    }));

  it("cancelled error wakeup", () =>
    // A CancelledError received while waiting for the wake-up is re-raised unchanged.
    run(async () => {
      const wake = false;
      let raised: unknown = null;
      const cond = new asyncio.Condition();
      const task = asyncio.createTask(() =>
        cond.with(async () => {
          try {
            await cond.waitFor(() => wake);
          } catch (e) {
            assert.ok(e instanceof asyncio.CancelledError);
            raised = e;
            throw e;
          }
          assert.fail("not cancelled");
        }),
      );
      await asyncio.sleep(0);
      task.cancel("foo");
      const err = await assertCancelled(task);
      assert.deepEqual(err.args, ["foo"]);
      assert.equal(err, raised);
      assert.equal(cond.locked(), false);
    }));

  it("cancelled error re aquire", () =>
    // A CancelledError received while re-acquiring the lock is re-raised unchanged.
    run(async () => {
      let wake = false;
      let raised: unknown = null;
      const cond = new asyncio.Condition();
      const task = asyncio.createTask(() =>
        cond.with(async () => {
          try {
            await cond.waitFor(() => wake);
          } catch (e) {
            assert.ok(e instanceof asyncio.CancelledError);
            raised = e;
            throw e;
          }
          assert.fail("not cancelled");
        }),
      );
      await asyncio.sleep(0);
      await cond.acquire();
      wake = true;
      cond.notify();
      await asyncio.sleep(0);
      // The task is now re-acquiring the lock: cancel it there.
      task.cancel("foo");
      cond.release();
      const err = await assertCancelled(task);
      assert.deepEqual(err.args, ["foo"]);
      assert.equal(err, raised);
      assert.equal(cond.locked(), false);
    }));

  for (const relock of [false, true]) {
    it(relock ? "cancelled wakeup relock" : "cancelled wakeup", () =>
      // A task cancelled just as notify() wakes it (still queued for the wake-up, or already
      // re-acquiring the lock) passes the notification on: no wake-up is lost.
      run(async () => {
        const condition = new asyncio.Condition();
        let state = 0;
        const consumer = () =>
          condition.with(async () => {
            for (;;) {
              await condition.waitFor(() => state !== 0);
              if (state < 0) return;
              state -= 1;
            }
          });
        const c = [asyncio.createTask(consumer), asyncio.createTask(consumer)] as const;
        await asyncio.sleep(0);
        await condition.with(async () => {
          state += 1;
          condition.notify(1);
          // With relock, let the woken task settle on re-acquiring the lock first.
          if (relock) await asyncio.sleep(0);
          c[0].cancel();
          try {
            await asyncio.timeout(0.01).with(() => condition.waitFor(() => state === 0));
          } catch (e) {
            if (!(e instanceof asyncio.TimeoutError)) throw e;
          }
          assert.equal(state, 0);
          state = -1;
          condition.notifyAll();
        });
        await c[1];
        await assertCancelled(c[0]);
      }),
    );
  }
});

forEachLoop("Semaphore", (run) => {
  it("initial value zero", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(0);
      assert.equal(sem.locked(), true);
    }));

  it("repr", () =>
    run(async () => {
      const sem = new asyncio.Semaphore();
      assert.equal(String(sem), "<asyncio.locks.Semaphore object [unlocked, value:1]>");
      assert.match(String(sem), RGX_REPR);
      await sem.acquire();
      assert.equal(String(sem), "<asyncio.locks.Semaphore object [locked]>");
      assert.match(String(sem), RGX_REPR);
      const waiters = [0, 1].map(() => asyncio.createTask(() => sem.acquire()));
      await asyncio.sleep(0);
      assert.equal(String(sem), "<asyncio.locks.Semaphore object [locked, waiters:2]>");
      assert.match(String(sem), RGX_REPR);
      sem.release();
      sem.release();
      sem.release();
      await asyncio.gather(...waiters);
      assert.equal(inspect(sem), "<asyncio.locks.Semaphore object [unlocked, value:1]>");
      assert.equal(
        String(new asyncio.BoundedSemaphore(3)),
        "<asyncio.locks.BoundedSemaphore object [unlocked, value:3]>",
      );
    }));

  it("semaphore", () =>
    run(async () => {
      const sem = new ProbeSemaphore();
      assert.equal(sem.currentValue, 1);
      assert.equal(sem.locked(), false);
    }));

  it("semaphore value", () =>
    run(async () => {
      assert.throws(() => new asyncio.Semaphore(-1), {
        name: "RangeError",
        message: "Semaphore initial value must be >= 0",
      });
      assert.throws(() => new asyncio.BoundedSemaphore(-1), {
        name: "RangeError",
        message: "Semaphore initial value must be >= 0",
      });
    }));

  it("acquire", () =>
    run(async () => {
      const sem = new ProbeSemaphore(3);
      const result: number[] = [];
      assert.equal(await sem.acquire(), true);
      assert.equal(await sem.acquire(), true);
      assert.equal(sem.locked(), false);
      const c = (n: number) => async () => {
        await sem.acquire();
        result.push(n);
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      const t3 = asyncio.createTask(c(3));
      await asyncio.sleep(0);
      assert.deepEqual(result, [1]);
      assert.equal(sem.locked(), true);
      assert.equal(nWaiters(sem), 2);
      assert.equal(sem.currentValue, 0);

      const t4 = asyncio.createTask(c(4));
      sem.release();
      sem.release();
      // release() takes the unit on behalf of the waiter it wakes.
      assert.equal(sem.currentValue, 0);
      await asyncio.sleep(0);
      assert.equal(sem.currentValue, 0);
      assert.equal(result.length, 3);
      assert.equal(sem.locked(), true);
      assert.equal(nWaiters(sem), 1);
      assert.equal(t1.done(), true);
      assert.equal(t1.result(), true);
      const raceTasks = [t2, t3, t4];
      assert.equal(raceTasks.filter((t) => t.done() && t.result()).length, 2);
      sem.release();
      await asyncio.gather(...raceTasks);
    }));

  it("acquire cancel", () =>
    run(async (loop) => {
      const sem = new asyncio.Semaphore();
      await sem.acquire();
      const acquire = asyncio.createTask(() => sem.acquire());
      loop.callSoon(() => {
        acquire.cancel();
      });
      await assertCancelled(acquire);
      assert.equal(nWaiters(sem), 0);
    }));

  it("acquire cancel before awoken", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(0);
      const [t1, t2, t3, t4] = [0, 1, 2, 3].map(() => asyncio.createTask(() => sem.acquire())) as [
        asyncio.Task,
        asyncio.Task,
        asyncio.Task,
        asyncio.Task,
      ];
      await asyncio.sleep(0);
      t1.cancel();
      t2.cancel();
      sem.release();
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      assert.equal([t3, t4].filter((t) => t.done()).length, 1);
      assert.equal(t3.done(), true);
      assert.equal(t4.done(), false);
      t3.cancel();
      t4.cancel();
      await asyncio.sleep(0);
      await asyncio.gather(t1, t2, t4, { returnExceptions: true });
    }));

  it("acquire hang", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(0);
      const t1 = asyncio.createTask(() => sem.acquire());
      const t2 = asyncio.createTask(() => sem.acquire());
      await asyncio.sleep(0);
      t1.cancel();
      sem.release();
      await asyncio.sleep(0);
      await asyncio.sleep(0);
      assert.equal(sem.locked(), true);
      assert.equal(t2.done(), true);
      await assertCancelled(t1);
    }));

  it("acquire no hang", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(1);
      const t1 = asyncio.createTask(async () => {
        await sem.with(() => asyncio.sleep(0));
        t2.cancel();
      });
      const t2 = asyncio.createTask(() =>
        sem.with(() => {
          assert.fail("t2 must not get the semaphore");
        }),
      );
      const [r1, r2] = await asyncio.gather(t1, t2, { returnExceptions: true });
      assert.equal(r1, undefined);
      assert.ok(r2 instanceof asyncio.CancelledError);
      await asyncio.waitFor(() => sem.acquire(), 1.0);
    }));

  it("release not acquired", () =>
    run(async () => {
      const sem = new asyncio.BoundedSemaphore();
      assert.throws(
        () => {
          sem.release();
        },
        { name: "RangeError", message: "BoundedSemaphore released too many times" },
      );
    }));

  it("bounded semaphore releases up to its initial value", () =>
    run(async () => {
      const sem = new asyncio.BoundedSemaphore(2);
      await sem.acquire();
      await sem.acquire();
      assert.equal(sem.locked(), true);
      sem.release();
      sem.release();
      assert.throws(
        () => {
          sem.release();
        },
        { name: "RangeError", message: "BoundedSemaphore released too many times" },
      );
      assert.equal(String(sem), "<asyncio.locks.BoundedSemaphore object [unlocked, value:2]>");
      assert.equal(await sem.with(() => "in"), "in");
      assert.equal(sem.locked(), false);
    }));

  it("release no waiters", () =>
    run(async () => {
      const sem = new asyncio.Semaphore();
      await sem.acquire();
      assert.equal(sem.locked(), true);
      sem.release();
      assert.equal(sem.locked(), false);
    }));

  it("locked while a waiter is queued even with value > 0", () =>
    run(async () => {
      const sem = new ProbeSemaphore(0);
      const waiter = asyncio.createTask(() => sem.acquire());
      await asyncio.sleep(0);
      sem.release();
      sem.release();
      // One unit went to the woken waiter; one is free, but FIFO forbids jumping the queue.
      assert.equal(sem.currentValue, 1);
      assert.equal(sem.locked(), true);
      await waiter;
      assert.equal(sem.locked(), false);
      assert.equal(sem.currentValue, 1);
    }));

  it("acquire fifo order", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(1);
      const result: string[] = [];
      const coro = (tag: string) => async () => {
        await sem.acquire();
        result.push(`${tag}_1`);
        await asyncio.sleep(0.001);
        sem.release();
        await sem.acquire();
        result.push(`${tag}_2`);
        await asyncio.sleep(0.001);
        sem.release();
      };
      await new asyncio.TaskGroup().with((tg) => {
        tg.createTask(coro("c1"));
        tg.createTask(coro("c2"));
        tg.createTask(coro("c3"));
      });
      assert.deepEqual(result, ["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"]);
    }));

  it("acquire fifo order 2", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(1);
      const result: number[] = [];
      const t1 = asyncio.createTask(async () => {
        await sem.acquire();
        result.push(1);
        return true;
      });
      const t2 = asyncio.createTask(async () => {
        await sem.acquire();
        result.push(2);
        sem.release();
        await sem.acquire();
        result.push(4);
        return true;
      });
      const t3 = asyncio.createTask(async () => {
        await sem.acquire();
        result.push(3);
        return true;
      });
      await asyncio.sleep(0);
      sem.release();
      sem.release();
      await asyncio.gather(t1, t2, t3);
      assert.deepEqual(result, [1, 2, 3, 4]);
    }));

  it("acquire fifo order 3", () =>
    run(async () => {
      const sem = new asyncio.Semaphore(0);
      const result: number[] = [];
      const c = (n: number) => async () => {
        await sem.acquire();
        result.push(n);
        return true;
      };
      const t1 = asyncio.createTask(c(1));
      const t2 = asyncio.createTask(c(2));
      const t3 = asyncio.createTask(c(3));
      await asyncio.sleep(0);
      t1.cancel();
      await asyncio.sleep(0);
      sem.release();
      sem.release();
      await asyncio.gather(t1, t2, t3, { returnExceptions: true });
      assert.deepEqual(result, [2, 3]);
    }));

  it("acquire fifo order 4", () =>
    // A successful acquire() wakes further waiters while units are left.
    run(async () => {
      const sem = new ProbeSemaphore(0);
      const result: number[] = [];
      let t4 = null as asyncio.Task | null;
      const c4 = () => {
        result.push(4);
        return true;
      };
      const t1 = asyncio.createTask(async () => {
        // The first task waits at once; c2 wakes it.
        assert.equal(sem.currentValue, 0);
        await sem.acquire();
        // Every waiting task has been woken now.
        assert.equal(sem.currentValue, 0);
        // A fourth task: it runs after c3, not c2.
        t4 = asyncio.createTask(c4);
        result.push(1);
        return true;
      });
      const t2 = asyncio.createTask(async () => {
        // Release three units: for c1, c2 and c3.
        sem.release();
        sem.release();
        sem.release();
        assert.equal(sem.currentValue, 2);
        // Locked, because c1 has not woken up yet.
        assert.equal(sem.locked(), true);
        await sem.acquire();
        result.push(2);
        return true;
      });
      const t3 = asyncio.createTask(async () => {
        await sem.acquire();
        assert.equal(sem.locked(), true);
        result.push(3);
        return true;
      });
      await asyncio.sleep(0);
      // Three tasks queue; the first has not woken up yet.
      assert.equal(sem.currentValue, 2);
      assert.equal(nWaiters(sem), 3);
      await asyncio.sleep(0);
      assert.ok(t4 !== null);
      await asyncio.gather(t1, t2, t3, t4);
      assert.deepEqual(result, [1, 2, 3, 4]);
    }));

  it("woken then cancelled waiter gives its unit back", () =>
    run(async () => {
      const sem = new ProbeSemaphore(0);
      const t1 = asyncio.createTask(() => sem.acquire());
      const t2 = asyncio.createTask(() => sem.acquire());
      await asyncio.sleep(0);
      sem.release(); // wakes t1, taking the unit for it
      assert.equal(sem.currentValue, 0);
      t1.cancel();
      await assertCancelled(t1);
      // t1 gave the unit back and woke t2 with it.
      assert.equal(await t2, true);
      assert.equal(sem.currentValue, 0);
      sem.release();
      assert.equal(sem.currentValue, 1);
      assert.equal(sem.locked(), false);
    }));
});

forEachLoop("Barrier", (run) => {
  const N = 5;

  function makeTasks<T>(n: number, coro: () => Promise<T>): asyncio.Task<T>[] {
    return Array.from({ length: n }, () => asyncio.createTask(coro));
  }

  async function gatherTasks<T>(n: number, coro: () => Promise<T>): Promise<T[]> {
    return await asyncio.gather(...makeTasks(n, coro));
  }

  it("barrier", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      assert.match(String(barrier), /filling/);
    }));

  it("repr", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      assert.equal(String(barrier), "<asyncio.locks.Barrier object [filling, waiters:0/5]>");
      assert.match(String(barrier), RGX_REPR);
      const waiters: asyncio.Task[] = [];
      const wait = async () => {
        await barrier.wait();
      };
      const incr = 2;
      for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(wait));
      await asyncio.sleep(0);
      assert.match(String(barrier), RGX_REPR);
      assert.equal(inspect(barrier), `<asyncio.locks.Barrier object [filling, waiters:${incr}/${N}]>`);

      // The missing waiters.
      for (let i = 0; i < barrier.parties - barrier.nWaiting; i++) waiters.push(asyncio.createTask(wait));
      await asyncio.sleep(0);
      assert.match(String(barrier), RGX_REPR);
      assert.match(String(barrier), /draining/);

      // Some more waiters, then reset.
      for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(wait));
      await asyncio.sleep(0);
      await barrier.reset();
      assert.match(String(barrier), RGX_REPR);
      assert.match(String(barrier), /resetting/);

      // More waiters again, then abort.
      for (let i = 0; i < incr; i++) waiters.push(asyncio.createTask(wait));
      await asyncio.sleep(0);
      await barrier.abort();
      assert.equal(String(barrier), "<asyncio.locks.Barrier object [broken]>");
      assert.match(String(barrier), RGX_REPR);
      assert.equal(barrier.broken, true);
      await asyncio.gather(...waiters, { returnExceptions: true });
    }));

  it("barrier parties", () =>
    run(async () => {
      for (const parties of [0, -4, 0.5]) {
        assert.throws(() => new asyncio.Barrier(parties), {
          name: "RangeError",
          message: "parties must be > 0",
        });
      }
      const barrier = new asyncio.Barrier(N);
      assert.ok(barrier instanceof asyncio.Barrier);
      assert.equal(barrier.parties, N);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("context manager", () =>
    run(async () => {
      const n = 3;
      const barrier = new asyncio.Barrier(n);
      const results: number[] = [];
      await gatherTasks(n, () =>
        barrier.with((i) => {
          results.push(i);
        }),
      );
      assert.deepEqual(
        results.toSorted((a, b) => a - b),
        [0, 1, 2],
      );
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling one task", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(1);
      assert.equal(await barrier.with(() => true), true);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling one task twice", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(1);
      const t1 = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 0);
      const t2 = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      assert.equal(t1.result(), t2.result());
      assert.equal(t1.result(), 0);
      assert.equal(t1.done(), t2.done());
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling task by task", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(3);
      const t1 = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 1);
      assert.match(String(barrier), /filling/);
      const t2 = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 2);
      assert.match(String(barrier), /filling/);
      const t3 = asyncio.createTask(() => barrier.wait());
      await asyncio.sleep(0);
      await asyncio.wait([t1, t2, t3]);
      assert.deepEqual([t1.result(), t2.result(), t3.result()], [0, 1, 2]);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling tasks wait twice", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results: boolean[] = [];
      await gatherTasks(N, () =>
        barrier.with(async () => {
          results.push(true);
          await barrier.with(() => {
            results.push(false);
          });
        }),
      );
      assert.equal(results.length, N * 2);
      assert.equal(results.filter((r) => r).length, N);
      assert.equal(results.filter((r) => !r).length, N);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling tasks check return value", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const res = await gatherTasks(N, () =>
        barrier.with(async () => {
          results1.push(true);
          return barrier.with((i) => {
            results2.push(true);
            return i;
          });
        }),
      );
      assert.equal(results1.length, N);
      assert.equal(results2.length, N);
      assert.deepEqual(
        res.toSorted((a, b) => a - b),
        [0, 1, 2, 3, 4],
      );
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("draining state", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results: boolean[] = [];
      await gatherTasks(N, () =>
        barrier.with(() => {
          // The state goes back to filling when the last task leaves.
          results.push(String(barrier).includes("draining"));
        }),
      );
      assert.equal(results.length, N);
      assert.equal(results.at(-1), false);
      assert.ok(results.slice(0, N - 1).every((r) => r));
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("blocking tasks while draining", () =>
    run(async () => {
      const rewait = 2;
      const barrier = new asyncio.Barrier(N);
      const barrierNowaiting = new asyncio.Barrier(N - rewait);
      let rewaitN = rewait;
      // Succeeds only if barrierNowaiting is waited for exactly N - rewait times.
      await gatherTasks(N, async () => {
        await barrier.wait();
        if (rewaitN > 0) {
          rewaitN--;
          // Wait again, only for the rewait tasks: they block until the draining ends.
          await barrier.wait();
        } else {
          await barrierNowaiting.wait();
          await barrier.wait();
        }
      });
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("filling tasks cancel one", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(3);
      const results: boolean[] = [];
      const coro = async () => {
        await barrier.wait();
        results.push(true);
      };
      const t1 = asyncio.createTask(coro);
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 1);
      const t2 = asyncio.createTask(coro);
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 2);
      t1.cancel();
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 1);
      await assertCancelled(t1);
      assert.equal(t1.cancelled(), true);
      const t3 = asyncio.createTask(coro);
      await asyncio.sleep(0);
      assert.equal(barrier.nWaiting, 2);
      const t4 = asyncio.createTask(coro);
      await asyncio.gather(t2, t3, t4);
      assert.equal(results.length, 3);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("reset barrier", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(1);
      const t = asyncio.createTask(() => barrier.reset());
      await asyncio.sleep(0);
      assert.equal(t.done(), true);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, false);
    }));

  it("reset barrier while tasks waiting", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results: boolean[] = [];
      const tasks = makeTasks(N - 1, async () => {
        try {
          await barrier.wait();
        } catch (e) {
          if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
          assert.equal(e.message, "Abort or reset of barrier");
          results.push(true);
        }
      });
      await asyncio.sleep(0);
      const reset = asyncio.createTask(() => barrier.reset());
      await asyncio.gather(...tasks);
      await reset;
      assert.equal(results.length, N - 1);
      assert.equal(barrier.nWaiting, 0);
      assert.doesNotMatch(String(barrier), /resetting/);
      assert.equal(barrier.broken, false);
    }));

  it("reset barrier when tasks half draining", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const restOfTasks = Math.floor(N / 2);
      let exited = 0;
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (e) {
          if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
          // The tasks still waiting to drain.
          results1.push(true);
          return;
        }
        // A drained task, outside the barrier. CPython compares with barrier._count, the tasks
        // still inside: N minus those that left.
        exited++;
        if (N - exited === restOfTasks) await barrier.reset();
      });
      assert.deepEqual(results1, Array<boolean>(restOfTasks).fill(true));
      assert.equal(barrier.nWaiting, 0);
      assert.doesNotMatch(String(barrier), /resetting/);
      assert.equal(barrier.broken, false);
    }));

  it("reset barrier when tasks half draining half blocking", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (e) {
          if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
          // The tasks still waiting; they wait again to reach the parties.
          results1.push(true);
          await barrier.wait();
          return;
        }
        count++;
        if (count > blockingTasks) {
          // Reset now: the waiting tasks get BrokenBarrierError; then wait again.
          await barrier.reset();
          await barrier.wait();
        } else {
          try {
            await barrier.wait();
          } catch (e) {
            if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
            // Never: the blocked tasks wait on.
            results2.push(true);
          }
        }
      });
      assert.deepEqual(results1, Array<boolean>(blockingTasks).fill(true));
      assert.deepEqual(results2, []);
      assert.equal(barrier.nWaiting, 0);
      assert.doesNotMatch(String(barrier), /resetting/);
      assert.equal(barrier.broken, false);
    }));

  it("reset barrier while tasks waiting and waiting again", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const tasks = makeTasks(N - 1, async () => {
        try {
          await barrier.wait();
        } catch (e) {
          if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
          results1.push(true);
        } finally {
          await barrier.wait();
          results2.push(true);
        }
      });
      // Reset: the N - 1 waiting tasks get BrokenBarrierError.
      const reset = asyncio.createTask(() => barrier.reset());
      await asyncio.sleep(0);
      // Completes the waits in the `finally`.
      const last = asyncio.createTask(() =>
        barrier.with(() => {
          results2.push(true);
        }),
      );
      await asyncio.gather(...tasks);
      await asyncio.gather(reset, last);
      assert.equal(barrier.broken, false);
      assert.equal(results1.length, N - 1);
      assert.equal(results2.length, N);
      assert.equal(barrier.nWaiting, 0);
    }));

  it("reset barrier while tasks draining", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      let count = 0;
      await gatherTasks(N, async () => {
        await barrier.wait();
        count++;
        if (count === N) {
          // The last task out of the barrier resets it, then waits to reach the parties.
          await barrier.reset();
          await barrier.wait();
        } else {
          try {
            await barrier.wait(); // N - 1 tasks get here
            results1.push(true);
          } catch {
            results2.push(true); // never
          }
        }
        // Pass the barrier once more: must complete.
        await barrier.wait();
        results3.push(true);
      });
      assert.equal(barrier.broken, false);
      assert.equal(results1.length, N - 1);
      assert.equal(results2.length, 0);
      assert.equal(results3.length, N);
      assert.equal(barrier.nWaiting, 0);
    }));

  it("abort barrier", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(1);
      const t = asyncio.createTask(() => barrier.abort());
      await asyncio.sleep(0);
      assert.equal(t.done(), true);
      assert.equal(barrier.nWaiting, 0);
      assert.equal(barrier.broken, true);
      // A broken barrier refuses every later wait.
      await assert.rejects(barrier.wait(), (e: unknown) => {
        assert.ok(e instanceof asyncio.BrokenBarrierError);
        assert.ok(e instanceof asyncio.RuntimeError);
        assert.equal(e.message, "Barrier aborted");
        return true;
      });
    }));

  it("abort barrier when tasks half draining half blocking", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const blockingTasks = Math.floor(N / 2);
      let count = 0;
      await gatherTasks(N, async () => {
        try {
          await barrier.wait();
        } catch (e) {
          if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
          // The tasks waiting to drain.
          results1.push(true);
          return;
        }
        count++;
        if (count > blockingTasks) {
          // Abort now: every task gets BrokenBarrierError.
          await barrier.abort();
        } else {
          try {
            await barrier.wait();
          } catch (e) {
            if (!(e instanceof asyncio.BrokenBarrierError)) throw e;
            // The blocked tasks (already drained).
            results2.push(true);
          }
        }
      });
      assert.equal(barrier.broken, true);
      assert.deepEqual(results1, Array<boolean>(blockingTasks).fill(true));
      assert.deepEqual(results2, Array<boolean>(N - blockingTasks - 1).fill(true));
      assert.equal(barrier.nWaiting, 0);
      assert.doesNotMatch(String(barrier), /resetting/);
    }));

  it("abort barrier when exception", () =>
    run(async () => {
      const barrier = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      await gatherTasks(N, async () => {
        try {
          await barrier.with((i) => {
            if (i === Math.floor(N / 2)) throw new asyncio.RuntimeError("boom");
          });
          await barrier.with(() => {
            results1.push(true);
          });
        } catch (e) {
          if (e instanceof asyncio.BrokenBarrierError) results2.push(true);
          else if (e instanceof asyncio.RuntimeError) await barrier.abort();
          else throw e;
        }
      });
      assert.equal(barrier.broken, true);
      assert.equal(results1.length, 0);
      assert.equal(results2.length, N - 1);
      assert.equal(barrier.nWaiting, 0);
    }));

  it("abort barrier when exception then resetting", () =>
    run(async () => {
      const barrier1 = new asyncio.Barrier(N);
      const barrier2 = new asyncio.Barrier(N);
      const results1: boolean[] = [];
      const results2: boolean[] = [];
      const results3: boolean[] = [];
      await gatherTasks(N, async () => {
        try {
          const i = await barrier1.wait();
          if (i === Math.floor(N / 2)) throw new asyncio.RuntimeError("boom");
          await barrier1.wait();
          results1.push(true);
        } catch (e) {
          if (e instanceof asyncio.BrokenBarrierError) results2.push(true);
          else if (e instanceof asyncio.RuntimeError) await barrier1.abort();
          else throw e;
        }
        // Synchronize, reset barrier1, synchronize again so that nobody enters it before.
        const i = await barrier2.wait();
        if (i === Math.floor(N / 2)) await barrier1.reset();
        await barrier2.wait();
        await barrier1.wait();
        results3.push(true);
      });
      assert.equal(barrier1.broken, false);
      assert.equal(results1.length, 0);
      assert.equal(results2.length, N - 1);
      assert.equal(results3.length, N);
      assert.equal(barrier1.nWaiting, 0);
    }));
});

forEachLoop("used from another loop", (run) => {
  // CPython's _LoopBoundMixin: a primitive binds to the first loop it blocks on; blocking on it
  // from another loop is a RuntimeError. An uncontended acquire never touches the loop.
  it("lock", async () => {
    const lock = new asyncio.Lock();
    await run(async () => {
      await lock.acquire();
      const t = asyncio.createTask(() => lock.acquire()); // blocks: binds the lock to this loop
      await asyncio.sleep(0);
      lock.release();
      await t;
      lock.release();
    });
    await run(async () => {
      await lock.with(async () => {
        await assert.rejects(
          lock.acquire(),
          isRuntimeError("<asyncio.locks.Lock object [locked]> is bound to a different event loop"),
        );
      });
      assert.equal(lock.locked(), false);
    });
  });

  it("ambiguous loops", async () => {
    // The lock is bound elsewhere; the condition's acquire() waits on the lock and finds out.
    const lock = new asyncio.Lock();
    const cond = new asyncio.Condition();
    await run(async () => {
      await lock.acquire();
      const t = asyncio.createTask(() => lock.acquire());
      await asyncio.sleep(0);
      lock.release();
      await t;
      lock.release();
      // Bind the condition too: wait() on it.
      await cond.with(async () => {
        const notifier = asyncio.createTask(() =>
          cond.with(() => {
            cond.notify();
          }),
        );
        await cond.wait();
        await notifier;
      });
    });
    await run(async () => {
      await lock.with(async () => {
        // Acquired at once through the fast path, with no loop involved.
        const condOverLock = new asyncio.Condition(lock);
        await assert.rejects(condOverLock.acquire(), isRuntimeError(/ is bound to a different event loop$/));
      });
      // The same the other way round: a fresh lock, but the condition is bound elsewhere.
      await cond.with(async () => {
        await assert.rejects(
          cond.wait(),
          isRuntimeError("<asyncio.locks.Condition object [locked]> is bound to a different event loop"),
        );
        assert.equal(cond.locked(), true);
      });
    });
  });

  it("event, semaphore and queue", async () => {
    const ev = new asyncio.Event();
    const sem = new asyncio.Semaphore(0);
    const q = new asyncio.Queue<number>();
    await run(async () => {
      const tasks = [
        asyncio.createTask(() => ev.wait()),
        asyncio.createTask(() => sem.acquire()),
        asyncio.createTask(() => q.get()),
      ];
      await asyncio.sleep(0);
      ev.set();
      sem.release();
      q.putNowait(1);
      await asyncio.gather(...tasks);
      ev.clear();
    });
    await run(async () => {
      await assert.rejects(
        ev.wait(),
        isRuntimeError("<asyncio.locks.Event object [unset]> is bound to a different event loop"),
      );
      await assert.rejects(
        sem.acquire(),
        isRuntimeError("<asyncio.locks.Semaphore object [locked]> is bound to a different event loop"),
      );
      await assert.rejects(
        q.get(),
        isRuntimeError("<Queue maxsize=0 tasks=1> is bound to a different event loop"),
      );
      // What needs no waiting still works.
      ev.set();
      assert.equal(await ev.wait(), true);
      sem.release();
      assert.equal(await sem.acquire(), true);
      q.putNowait(2);
      assert.equal(await q.get(), 2);
    });
  });
});
