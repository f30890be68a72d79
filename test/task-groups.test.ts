// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_taskgroups.py (TestTaskGroup):
// a child's error cancels its siblings and the body, errors come back in one ExceptionGroup,
// outside cancellation, nesting, the createTask rules and 3.13's cancellation counting.
// Reference: shared/reference/cpython-asyncio.md §2.8.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { forEachLoop, type LoopKind } from "./helpers/index.ts";

class MyExc extends Error {
  override name = "MyExc";
}
/** Python's ZeroDivisionError, for `1 / 0`. */
class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
  constructor() {
    super("division by zero");
  }
}
class ValueError extends Error {
  override name = "ValueError";
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** Real-loop runs shrink CPython's durations tenfold; the virtual loop keeps them exact. */
function scaleOf(kind: LoopKind): number {
  return kind === "real" ? 0.1 : 1;
}

/** CPython's get_error_types: the set of the member classes. */
function errorTypes(eg: unknown): Set<unknown> {
  assert.ok(eg instanceof asyncio.ExceptionGroup, `not an ExceptionGroup: ${inspect(eg)}`);
  return new Set(eg.exceptions.map((e) => (e as object).constructor));
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

/** Python's `except* cls`: the matching part of the group; anything else is re-thrown. */
function exceptStar(e: unknown, cls: ErrorClass): asyncio.ExceptionGroup {
  if (!(e instanceof asyncio.ExceptionGroup)) throw e;
  const [match, rest] = e.split(cls);
  if (rest !== null) throw rest;
  assert.ok(match !== null);
  return match;
}

function isCancelled(e: unknown): boolean {
  return e instanceof asyncio.CancelledError;
}

function current(): asyncio.Task {
  return asyncio.currentTask() as asyncio.Task;
}

forEachLoop("TaskGroup", (run, kind) => {
  it("taskgroup 01", () =>
    run(async () => {
      const s = scaleOf(kind);
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        return 42;
      });
      const foo2 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.2 * s);
        return 11;
      });
      const [t1, t2] = await new asyncio.TaskGroup().with((g) => [
        g.createTask(foo1()),
        g.createTask(foo2()),
      ]);
      assert.equal(t1.result(), 42);
      assert.equal(t2.result(), 11);
    }));

  it("taskgroup 02", () =>
    run(async () => {
      const s = scaleOf(kind);
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        return 42;
      });
      const foo2 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.2 * s);
        return 11;
      });
      const [t1, t2] = await new asyncio.TaskGroup().with(async (g) => {
        const a = g.createTask(foo1());
        await asyncio.sleep(0.15 * s);
        return [a, g.createTask(foo2())];
      });
      assert.equal(t1.result(), 42);
      assert.equal(t2.result(), 11);
    }));

  it("taskgroup 03", () =>
    run(async () => {
      const s = scaleOf(kind);
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(1);
        return 42;
      });
      const foo2 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.2 * s);
        return 11;
      });
      const [t1, t2] = await new asyncio.TaskGroup().with(async (g) => {
        const a = g.createTask(foo1());
        await asyncio.sleep(0.15 * s);
        // Cancelling a child explicitly: everything else goes on as expected.
        a.cancel();
        return [a, g.createTask(foo2())];
      });
      assert.equal(t1.cancelled(), true);
      assert.equal(t2.result(), 11);
    }));

  it("taskgroup 04", () =>
    run(async () => {
      const s = scaleOf(kind);
      let NUM = 0;
      let t2Cancel = false;
      let t2: asyncio.Task | null = null;
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new ZeroDivisionError();
      });
      const foo2 = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(1);
        } catch (e) {
          if (isCancelled(e)) t2Cancel = true;
          throw e;
        }
        NUM += 1;
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with((g) => {
          g.createTask(foo1());
          t2 = g.createTask(foo2());
        });
        NUM += 10;
      });
      const eg = await errorOf(asyncio.createTask(runner()));
      assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      assert.equal(NUM, 0);
      assert.equal(t2Cancel, true);
      assert.equal((t2 as asyncio.Task | null)?.cancelled(), true);
    }));

  it("cancel children on child error", () =>
    run(async () => {
      // A child's error cancels the other children and the body; the errors are gathered into
      // an ExceptionGroup.
      const s = scaleOf(kind);
      let NUM = 0;
      let t2Cancel = false;
      let runnerCancel = false;
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new ZeroDivisionError();
      });
      const foo2 = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(5);
        } catch (e) {
          if (isCancelled(e)) t2Cancel = true;
          throw e;
        }
        NUM += 1;
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(foo1());
          g.createTask(foo1());
          g.createTask(foo1());
          g.createTask(foo2());
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (isCancelled(e)) runnerCancel = true;
            throw e;
          }
        });
        NUM += 10;
      });
      const r = asyncio.createTask(runner());
      const eg = await errorOf(r);
      assert.ok(eg instanceof asyncio.ExceptionGroup);
      assert.equal(eg.message, "unhandled errors in a TaskGroup");
      assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      // The three timers are due in one iteration: all three children fail before the
      // cancellation reaches them (CPython notes this can be racy on a busy host).
      if (kind === "virtual") {
        assert.equal(eg.exceptions.length, 3);
        assert.equal(String(eg), "unhandled errors in a TaskGroup (3 sub-exceptions)");
      }
      assert.equal(NUM, 0);
      assert.equal(t2Cancel, true);
      assert.equal(runnerCancel, true);
      assert.equal(r.cancelling(), 0);
    }));

  it("cancellation", () =>
    run(async () => {
      const s = scaleOf(kind);
      let NUM = 0;
      const foo = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(5);
        } catch (e) {
          if (isCancelled(e)) NUM += 1;
          throw e;
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with((g) => {
          for (let i = 0; i < 5; i++) g.createTask(foo());
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.1 * s);
      assert.equal(r.done(), false);
      r.cancel();
      // A plain CancelledError, not a group.
      const err = await errorOf(r);
      assert.equal((err as Error).constructor, asyncio.CancelledError);
      assert.equal(r.cancelled(), true);
      assert.equal(NUM, 5);
    }));

  it("taskgroup 07", () =>
    run(async () => {
      const s = scaleOf(kind);
      let NUM = 0;
      const foo = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(5);
        } catch (e) {
          if (isCancelled(e)) NUM += 1;
          throw e;
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          for (let i = 0; i < 5; i++) g.createTask(foo());
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (isCancelled(e)) NUM += 10;
            throw e;
          }
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.1 * s);
      assert.equal(r.done(), false);
      r.cancel();
      const err = await errorOf(r);
      assert.equal((err as Error).constructor, asyncio.CancelledError);
      assert.equal(NUM, 15);
    }));

  it("taskgroup 08", () =>
    run(async () => {
      // Children that raise while being cancelled: a group propagates instead of CancelledError.
      const s = scaleOf(kind);
      const foo = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new ZeroDivisionError();
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          for (let i = 0; i < 5; i++) g.createTask(foo());
          await asyncio.sleep(10);
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.1 * s);
      assert.equal(r.done(), false);
      r.cancel();
      const eg = await errorOf(r);
      assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      assert.equal((eg as asyncio.ExceptionGroup).exceptions.length, 5);
    }));

  for (const [name, sleepFirst] of [
    ["taskgroup 09", true],
    ["taskgroup 10", false],
  ] as const) {
    it(name, () =>
      run(async () => {
        // An error in the body cancels the children and joins the group.
        const s = scaleOf(kind);
        let t1: asyncio.Task | null = null;
        let t2: asyncio.Task | null = null;
        const foo1 = asyncio.coroutine(async () => {
          await asyncio.sleep(1);
          return 42;
        });
        const foo2 = asyncio.coroutine(async () => {
          await asyncio.sleep(2);
          return 11;
        });
        const runner = asyncio.coroutine(async () => {
          await new asyncio.TaskGroup().with(async (g) => {
            t1 = g.createTask(foo1());
            t2 = g.createTask(foo2());
            if (sleepFirst) await asyncio.sleep(0.1 * s);
            throw new ZeroDivisionError();
          });
        });
        const eg = await errorOf(runner());
        assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
        assert.equal((t1 as asyncio.Task | null)?.cancelled(), true);
        assert.equal((t2 as asyncio.Task | null)?.cancelled(), true);
        assert.equal(current().cancelling(), 0);
      }),
    );
  }

  for (const [name, outerChild] of [
    ["taskgroup 11", false],
    ["taskgroup 12", true],
  ] as const) {
    it(name, () =>
      run(async () => {
        // Nested groups nest their errors.
        const s = scaleOf(kind);
        const foo = asyncio.coroutine(async () => {
          try {
            await asyncio.sleep(10);
          } finally {
            // eslint-disable-next-line no-unsafe-finally
            throw new ZeroDivisionError();
          }
        });
        const runner = asyncio.coroutine(async () => {
          await new asyncio.TaskGroup().with(async (g1) => {
            if (outerChild) g1.createTask(asyncio.sleep(10));
            await new asyncio.TaskGroup().with(async (g2) => {
              for (let i = 0; i < 5; i++) g2.createTask(foo());
              await asyncio.sleep(10);
            });
          });
        });
        const r = asyncio.createTask(runner());
        await asyncio.sleep(0.1 * s);
        assert.equal(r.done(), false);
        r.cancel();
        const eg = await errorOf(r);
        assert.deepEqual(errorTypes(eg), new Set([asyncio.ExceptionGroup]));
        assert.deepEqual(
          errorTypes((eg as asyncio.ExceptionGroup).exceptions[0]),
          new Set([ZeroDivisionError]),
        );
      }),
    );
  }

  it("taskgroup 13", () =>
    run(async () => {
      const s = scaleOf(kind);
      const crashAfter = asyncio.coroutine(async (t: number) => {
        await asyncio.sleep(t);
        throw new ValueError(String(t));
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g1) => {
          g1.createTask(crashAfter(0.1 * s));
          await new asyncio.TaskGroup().with((g2) => {
            g2.createTask(crashAfter(10));
          });
        });
      });
      const eg = await errorOf(asyncio.createTask(runner()));
      // The outer child failed first: the inner group was cancelled from outside (plain
      // CancelledError), so only the outer child's error is in the group.
      assert.deepEqual(errorTypes(eg), new Set([ValueError]));
    }));

  it("taskgroup 14", () =>
    run(async () => {
      const s = scaleOf(kind);
      const crashAfter = asyncio.coroutine(async (t: number) => {
        await asyncio.sleep(t);
        throw new ValueError(String(t));
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g1) => {
          g1.createTask(crashAfter(10));
          await new asyncio.TaskGroup().with((g2) => {
            g2.createTask(crashAfter(0.1 * s));
          });
        });
      });
      const eg = await errorOf(asyncio.createTask(runner()));
      assert.deepEqual(errorTypes(eg), new Set([asyncio.ExceptionGroup]));
      assert.deepEqual(errorTypes((eg as asyncio.ExceptionGroup).exceptions[0]), new Set([ValueError]));
    }));

  for (const [name, nested] of [
    ["taskgroup 15", false],
    ["taskgroup 16", true],
  ] as const) {
    it(name, () =>
      run(async () => {
        // A child fails while the cancelled body is still cleaning up: the group wins over the
        // CancelledError.
        const s = scaleOf(kind);
        const crashSoon = asyncio.coroutine(async () => {
          await asyncio.sleep(0.3 * s);
          throw new ZeroDivisionError();
        });
        const nestedRunner = asyncio.coroutine(async () => {
          await new asyncio.TaskGroup().with(async (g1) => {
            g1.createTask(crashSoon());
            try {
              await asyncio.sleep(10);
            } catch (e) {
              if (isCancelled(e)) await asyncio.sleep(0.5 * s);
              throw e;
            }
          });
        });
        const runner = nested
          ? asyncio.coroutine(async () => {
              const t = asyncio.createTask(nestedRunner());
              await t;
            })
          : nestedRunner;
        const r = asyncio.createTask(runner());
        await asyncio.sleep(0.1 * s);
        assert.equal(r.done(), false);
        r.cancel();
        const eg = await errorOf(r);
        assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      }),
    );
  }

  it("taskgroup 17", () =>
    run(async () => {
      const s = scaleOf(kind);
      let NUM = 0;
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async () => {
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (isCancelled(e)) NUM += 10;
            throw e;
          }
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.1 * s);
      assert.equal(r.done(), false);
      r.cancel();
      const err = await errorOf(r);
      assert.equal((err as Error).constructor, asyncio.CancelledError);
      assert.equal(NUM, 10);
    }));

  it("taskgroup 18", () =>
    run(async () => {
      // A body that turns its cancellation into an exception: the group holds that exception.
      const s = scaleOf(kind);
      let NUM = 0;
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async () => {
          try {
            await asyncio.sleep(10);
          } catch (e) {
            if (!isCancelled(e)) throw e;
            NUM += 10;
            // Not a good idea, but supported.
            throw new MyExc();
          }
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.1 * s);
      assert.equal(r.done(), false);
      r.cancel();
      const eg = await errorOf(r);
      assert.deepEqual(errorTypes(eg), new Set([MyExc]));
      assert.equal(NUM, 10);
    }));

  it("taskgroup 19", () =>
    run(async () => {
      const s = scaleOf(kind);
      const crashSoon = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new ZeroDivisionError();
      });
      const nested = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new MyExc();
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(crashSoon());
          await nested();
        });
      });
      const eg = await errorOf(asyncio.createTask(runner()));
      assert.deepEqual(errorTypes(eg), new Set([MyExc, ZeroDivisionError]));
      // The child's error first, then the body's.
      assert.deepEqual(
        (eg as asyncio.ExceptionGroup).exceptions.map((e) => (e as Error).name),
        ["ZeroDivisionError", "MyExc"],
      );
    }));

  it("taskgroup 20", () =>
    run(async () => {
      // KeyboardInterrupt is re-raised bare, never grouped.
      const s = scaleOf(kind);
      const crashSoon = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new ZeroDivisionError();
      });
      const ki = new asyncio.KeyboardInterrupt();
      const nested = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw ki;
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(crashSoon());
          await nested();
        });
      });
      assert.equal(await errorOf(runner()), ki);
    }));

  it("differs: taskgroup 20a", () =>
    run(async () => {
      // CPython: a BaseException subclass (MyBaseExc) from the body yields a BaseExceptionGroup.
      // JavaScript has no BaseException: any error other than KeyboardInterrupt is grouped in an
      // ExceptionGroup.
      const s = scaleOf(kind);
      const crashSoon = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new ZeroDivisionError();
      });
      const nested = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new MyExc("base");
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(crashSoon());
          await nested();
        });
      });
      const eg = await errorOf(runner());
      assert.deepEqual(errorTypes(eg), new Set([MyExc, ZeroDivisionError]));
    }));

  it("differs: taskgroup 21a", () =>
    run(async () => {
      // CPython: BaseExceptionGroup({MyBaseExc, TypeError}); here an ExceptionGroup.
      const s = scaleOf(kind);
      const crashSoon = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw new MyExc("base");
      });
      const nested = asyncio.coroutine(async () => {
        try {
          await asyncio.sleep(10);
        } finally {
          // eslint-disable-next-line no-unsafe-finally
          throw new TypeError("type");
        }
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(crashSoon());
          await nested();
        });
      });
      const eg = await errorOf(runner());
      assert.deepEqual(errorTypes(eg), new Set([MyExc, TypeError]));
    }));

  it("a KeyboardInterrupt from a child is re-raised bare", () =>
    run(async () => {
      // CPython cannot test this (_test_taskgroup_21: the loop itself stops on KeyboardInterrupt);
      // here a child's KeyboardInterrupt is a task exception, and the group re-raises it bare.
      const s = scaleOf(kind);
      const ki = new asyncio.KeyboardInterrupt();
      const crashSoon = asyncio.coroutine(async () => {
        await asyncio.sleep(0.1 * s);
        throw ki;
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with(async (g) => {
          g.createTask(crashSoon());
          await asyncio.sleep(10);
        });
      });
      assert.equal(await errorOf(runner()), ki);
    }));

  it("taskgroup 22", () =>
    run(async () => {
      const s = scaleOf(kind);
      const foo1 = asyncio.coroutine(async () => {
        await asyncio.sleep(1);
        return 42;
      });
      const foo2 = asyncio.coroutine(async () => {
        await asyncio.sleep(2);
        return 11;
      });
      const runner = asyncio.coroutine(async () => {
        await new asyncio.TaskGroup().with((g) => {
          g.createTask(foo1());
          g.createTask(foo2());
        });
      });
      const r = asyncio.createTask(runner());
      await asyncio.sleep(0.05 * s);
      r.cancel();
      const err = await errorOf(r);
      assert.equal((err as Error).constructor, asyncio.CancelledError);
    }));

  it("taskgroup 24", () =>
    run(async () => {
      // A child adds tasks after the body has ended (the group is already exiting).
      const s = scaleOf(kind);
      const done: number[] = [];
      const coro1 = asyncio.coroutine(async (delay: number) => {
        await asyncio.sleep(delay);
        done.push(delay);
      });
      const root = asyncio.coroutine(async (g: asyncio.TaskGroup) => {
        await asyncio.sleep(0.1 * s);
        g.createTask(coro1(0.1 * s));
        g.createTask(coro1(0.2 * s));
      });
      await new asyncio.TaskGroup().with((g) => {
        g.createTask(root(g));
      });
      assert.deepEqual(done, [0.1 * s, 0.2 * s]);
    }));

  it("taskgroup 25", () =>
    run(async () => {
      const s = scaleOf(kind);
      let nhydras = 0;
      const hydra = asyncio.coroutine(async (g: asyncio.TaskGroup): Promise<void> => {
        nhydras += 1;
        await asyncio.sleep(0.01 * s);
        g.createTask(hydra(g));
        g.createTask(hydra(g));
      });
      const hercules = asyncio.coroutine(async () => {
        while (nhydras < 10) await asyncio.sleep(0.015 * s);
        throw new ZeroDivisionError();
      });
      const eg = await errorOf(
        new asyncio.TaskGroup().with((g) => {
          g.createTask(hydra(g));
          g.createTask(hercules());
        }),
      );
      assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      assert.ok(nhydras >= 10);
    }));

  it("taskgroup task name", () =>
    run(async () => {
      await new asyncio.TaskGroup().with((g) => {
        const t = g.createTask(asyncio.sleep(0), { name: "yolo" });
        assert.equal(t.getName(), "yolo");
      });
    }));

  it("taskgroup no create task after failure", () =>
    run(async () => {
      const s = scaleOf(kind);
      const messages: string[] = [];
      const coro1 = asyncio.coroutine(async () => {
        await asyncio.sleep(0.001 * s);
        throw new ZeroDivisionError();
      });
      const coro2 = asyncio.coroutine(async (g: asyncio.TaskGroup) => {
        try {
          await asyncio.sleep(1);
        } catch (e) {
          if (!isCancelled(e)) throw e;
          const late = coro1();
          assert.throws(
            () => g.createTask(late),
            (err: unknown) => {
              messages.push((err as Error).message);
              return err instanceof asyncio.RuntimeError;
            },
          );
          // The coroutine was closed: it can never run.
          assert.equal(late.started(), false);
          await assert.rejects(late, {
            name: "RuntimeError",
            message: "cannot reuse already closed coroutine",
          });
        }
      });
      const eg = await errorOf(
        new asyncio.TaskGroup().with((g) => {
          g.createTask(coro1());
          g.createTask(coro2(g));
        }),
      );
      assert.deepEqual(errorTypes(eg), new Set([ZeroDivisionError]));
      assert.deepEqual(messages, ["TaskGroup <TaskGroup tasks=1 errors=1 cancelling> is shutting down"]);
    }));

  it("taskgroup context manager exit raises", () =>
    run(async () => {
      // https://github.com/python/cpython/issues/95289: a context manager inside the group that
      // raises while the body is being cancelled.
      class CustomException extends Error {}
      const raiseExc = asyncio.coroutine(async () => {
        throw new CustomException("child");
      });
      const main = asyncio.coroutine(async () => {
        const task = current();
        try {
          await new asyncio.TaskGroup().with(async (tg) => {
            // async with database(): ... finally: raise CustomException
            try {
              tg.createTask(raiseExc());
              await asyncio.sleep(1);
            } finally {
              // eslint-disable-next-line no-unsafe-finally
              throw new CustomException("database");
            }
          });
          assert.fail("CustomException not raised");
        } catch (e) {
          const err = exceptStar(e, CustomException);
          assert.equal(task.cancelling(), 0);
          assert.equal(err.exceptions.length, 2);
        }
      });
      await asyncio.createTask(main());
    }));

  it("taskgroup already entered", () =>
    run(async () => {
      const tg = new asyncio.TaskGroup();
      await tg.with(async () => {
        await assert.rejects(
          tg.with(() => undefined),
          { name: "RuntimeError", message: "TaskGroup <TaskGroup entered> has already been entered" },
        );
      });
    }));

  it("taskgroup double enter", () =>
    run(async () => {
      const tg = new asyncio.TaskGroup();
      await tg.with(() => undefined);
      await assert.rejects(
        tg.with(() => undefined),
        { name: "RuntimeError", message: "TaskGroup <TaskGroup entered> has already been entered" },
      );
    }));

  it("taskgroup finished", () =>
    run(async () => {
      const tg = new asyncio.TaskGroup();
      await tg.with(() => undefined);
      const coro = asyncio.coroutine(async () => {
        await asyncio.sleep(0);
      })();
      assert.throws(() => tg.createTask(coro), {
        name: "RuntimeError",
        message: "TaskGroup <TaskGroup entered> is finished",
      });
      // The coroutine was closed, never run.
      assert.equal(coro.started(), false);
      await assert.rejects(coro, { name: "RuntimeError", message: "cannot reuse already closed coroutine" });
    }));

  it("taskgroup not entered", () =>
    run(async () => {
      const tg = new asyncio.TaskGroup();
      const coro = asyncio.coroutine(async () => {
        await asyncio.sleep(0);
      })();
      assert.throws(() => tg.createTask(coro), {
        name: "RuntimeError",
        message: "TaskGroup <TaskGroup> has not been entered",
      });
      await assert.rejects(coro, { name: "RuntimeError", message: "cannot reuse already closed coroutine" });
    }));

  it("taskgroup without parent task", () =>
    run(async (loop) => {
      const tg = new asyncio.TaskGroup();
      const entered = loop.createFuture();
      // A plain callback runs outside any task.
      loop.callSoon(() => {
        tg.with(() => "body").then(
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
      assert.equal(err.message, "TaskGroup <TaskGroup> cannot determine the parent task");
      const coro = asyncio.coroutine(async () => {
        await asyncio.sleep(0);
      })();
      assert.throws(() => tg.createTask(coro), {
        name: "RuntimeError",
        message: "TaskGroup <TaskGroup> has not been entered",
      });
    }));

  it("cancelling level preserved", () =>
    run(async () => {
      const raiseAfter = asyncio.coroutine(async (t: number) => {
        await asyncio.sleep(t);
        throw new asyncio.RuntimeError();
      });
      try {
        await new asyncio.TaskGroup().with((tg) => {
          tg.createTask(raiseAfter(0));
        });
      } catch (e) {
        exceptStar(e, asyncio.RuntimeError);
      }
      assert.equal(current().cancelling(), 0);
    }));

  it("nested groups both cancelled", () =>
    run(async () => {
      const raiseAfter = asyncio.coroutine(async (t: number, E: new () => Error) => {
        await asyncio.sleep(t);
        throw new E();
      });
      const trace: string[] = [];
      try {
        await new asyncio.TaskGroup().with(async (outerTg) => {
          try {
            await new asyncio.TaskGroup().with((innerTg) => {
              innerTg.createTask(raiseAfter(0, asyncio.RuntimeError));
              outerTg.createTask(raiseAfter(0, ValueError));
            });
            trace.push("RuntimeError not raised");
          } catch (e) {
            exceptStar(e, asyncio.RuntimeError);
            trace.push("inner group: RuntimeError");
          }
          trace.push(`cancelling after inner group: ${current().cancelling()}`);
        });
        trace.push("ValueError not raised");
      } catch (e) {
        exceptStar(e, ValueError);
        trace.push("outer group: ValueError");
      }
      trace.push(`cancelling at the end: ${current().cancelling()}`);
      assert.deepEqual(trace, [
        "inner group: RuntimeError",
        "cancelling after inner group: 1",
        "outer group: ValueError",
        "cancelling at the end: 0",
      ]);
    }));

  it("error and cancel", () =>
    run(async () => {
      // 3.13: a child error and an outside cancel() race; the outside cancellation stays pending
      // after the group (cancelling() is 1) and the next await raises CancelledError.
      const event = new asyncio.Event();
      const trace: string[] = [];
      const raiseError = asyncio.coroutine(async () => {
        event.set();
        await asyncio.sleep(0);
        throw new asyncio.RuntimeError();
      });
      const inner = asyncio.coroutine(async () => {
        try {
          await new asyncio.TaskGroup().with(async (tg) => {
            tg.createTask(raiseError());
            await asyncio.sleep(1);
            trace.push("Sleep in group should have been cancelled");
          });
        } catch (e) {
          exceptStar(e, asyncio.RuntimeError);
          trace.push(`except*: cancelling=${current().cancelling()}`);
        }
        trace.push(`after group: cancelling=${current().cancelling()}`);
        await asyncio.sleep(1);
        trace.push("Sleep after group should have been cancelled");
      });
      const t = asyncio.createTask(inner());
      await event.wait();
      assert.equal(t.cancelling(), 0);
      t.cancel();
      assert.equal(t.cancelling(), 1);
      const err = await errorOf(t);
      assert.ok(err instanceof asyncio.CancelledError);
      assert.equal(t.cancelled(), true);
      assert.deepEqual(trace, ["except*: cancelling=1", "after group: cancelling=1"]);
    }));

  it("a failing body and failing children: body error last, children cancelled", () =>
    run(async () => {
      const order: string[] = [];
      const child = asyncio.coroutine(async (name: string) => {
        try {
          await asyncio.sleep(10);
        } catch (e) {
          order.push(`${name} ${(e as Error).name}`);
          throw e;
        }
      });
      const body = new MyExc("body");
      const eg = await errorOf(
        new asyncio.TaskGroup().with(async (tg) => {
          tg.createTask(child("a"));
          tg.createTask(child("b"));
          await asyncio.sleep(0);
          throw body;
        }),
      );
      assert.ok(eg instanceof asyncio.ExceptionGroup);
      assert.deepEqual(eg.exceptions, [body]);
      assert.deepEqual(order, ["a CancelledError", "b CancelledError"]);
      assert.equal(current().cancelling(), 0);
    }));

  it("repr", () =>
    run(async () => {
      const tg = new asyncio.TaskGroup();
      assert.equal(inspect(tg), "<TaskGroup>");
      await tg.with(async () => {
        assert.equal(String(tg), "<TaskGroup entered>");
        tg.createTask(asyncio.sleep(0));
        tg.createTask(asyncio.sleep(0));
        assert.equal(inspect(tg), "<TaskGroup tasks=2 entered>");
        await asyncio.sleep(0);
      });
      assert.equal(inspect(tg), "<TaskGroup entered>");
    }));
});

describe("TaskGroup: virtual loop only", () => {
  it("taskgroup 23", () =>
    runVirtual(async (loop) => {
      // Tasks finish and leave the group while the body keeps adding new ones.
      const doJob = asyncio.coroutine(async (delay: number) => {
        await asyncio.sleep(delay);
      });
      const count = (g: asyncio.TaskGroup): number => {
        const m = /tasks=(\d+)/.exec(inspect(g));
        return m === null ? 0 : Number(m[1]);
      };
      await new asyncio.TaskGroup().with(async (g) => {
        for (let i = 0; i < 10; i++) {
          await asyncio.sleep(0.1);
          g.createTask(doJob(0.3));
          if (i === 5) assert.ok(count(g) < 5, inspect(g));
        }
        await asyncio.sleep(1.35);
        assert.equal(count(g), 0);
      });
      assert.ok(Math.abs(loop.time() - 2.35) < 1e-9);
    }));

  it("coro closed when tg closed", () =>
    runVirtual(async () => {
      const tg = new asyncio.TaskGroup();
      await tg.with(() => undefined);
      const coro = asyncio.sleep(0);
      assert.throws(() => tg.createTask(coro), {
        name: "RuntimeError",
        message: "TaskGroup <TaskGroup entered> is finished",
      });
    }));

  it("the group waits for children that outlive the body, at their own pace", () =>
    runVirtual(async (loop) => {
      const trace: string[] = [];
      await new asyncio.TaskGroup().with((tg) => {
        for (const d of [3, 1, 2]) {
          tg.createTask(async () => {
            await asyncio.sleep(d);
            trace.push(`${d} at ${loop.time()}`);
          });
        }
        trace.push("body done");
      });
      trace.push(`group done at ${loop.time()}`);
      assert.deepEqual(trace, ["body done", "1 at 1", "2 at 2", "3 at 3", "group done at 3"]);
    }));
});
