import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import * as asyncio from "../src/index.ts";
import { BrokenThreadPool, RuntimeError } from "../src/exceptions.ts";
import {
  defaultExecutorFor,
  setDefaultExecutorFor,
  shutdownDefaultExecutorFor,
  ThreadPoolExecutor,
  toThread,
} from "../src/executors.ts";

const fixtures = new URL("./fixtures/worker-fns.ts", import.meta.url).href;
const TIMEOUT = { timeout: 20_000 };

/** A pool shut down (queued jobs cancelled, workers ended) when the test ends. */
function pool(t: { after: (fn: () => Promise<void>) => void }, maxWorkers?: number): ThreadPoolExecutor {
  const p = new ThreadPoolExecutor(maxWorkers === undefined ? undefined : { maxWorkers });
  t.after(() => p.shutdown({ wait: true, cancelFutures: true }));
  return p;
}

/** A job that blocks its worker until `release(sab)`; returns "released". */
function blocker(sab: SharedArrayBuffer): string {
  const a = new Int32Array(sab);
  Atomics.wait(a, 0, 0, 10_000);
  return "released";
}

/** For assert.rejects, which takes a Promise or a function returning one (a Future is a thenable). */
function awaited(f: PromiseLike<unknown>): () => Promise<unknown> {
  return async () => await f;
}

function release(sab: SharedArrayBuffer): void {
  const a = new Int32Array(sab);
  Atomics.store(a, 0, 1);
  Atomics.notify(a, 0);
}

/** Writes 1 at index 1 of `sab`: the marker of a job that ran. */
function marker(sab: SharedArrayBuffer): string {
  Atomics.store(new Int32Array(sab), 1, 1);
  return "ran";
}

describe("ThreadPoolExecutor", TIMEOUT, () => {
  it("runs a function by source; args and result cross by structured clone", async (t) => {
    const p = pool(t, 2);
    const out = await asyncio.run(async () => {
      const fut = p.submit(
        (m: Map<string, number>, d: Date, bytes: Uint8Array) => ({
          sum: [...m.values()].reduce((x, y) => x + y, 0),
          year: d.getUTCFullYear(),
          doubled: bytes.map((b) => b * 2),
          set: new Set([1, 2]),
        }),
        new Map([
          ["a", 1],
          ["b", 2],
        ]),
        new Date(Date.UTC(2024, 0, 1)),
        new Uint8Array([1, 2, 3]),
      );
      assert.ok(asyncio.isfuture(fut));
      assert.equal(fut.getLoop(), asyncio.getRunningLoop());
      return await fut;
    });
    assert.equal(out.sum, 3);
    assert.equal(out.year, 2024);
    assert.deepEqual([...out.doubled], [2, 4, 6]);
    assert.ok(out.set instanceof Set && out.set.has(2));
  });

  it("awaits a function that returns a promise", async (t) => {
    const p = pool(t, 1);
    const r = await asyncio.run(async () => await p.submit(async (x: number) => Promise.resolve(x * 3), 5));
    assert.equal(r, 15);
  });

  it("runs an exported function by reference, on another thread", async (t) => {
    const p = pool(t, 1);
    const [sum, tid] = await asyncio.run(async () => [
      await p.submit<number>({ module: fixtures, name: "add" }, 2, 40),
      await p.submit<number>({ module: new URL(fixtures), name: "whereAmI" }),
    ]);
    assert.equal(sum, 42);
    assert.notEqual(tid, 0);
  });

  it("rejects a reference to something that is not an exported function", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      await assert.rejects(awaited(p.submit({ module: fixtures, name: "notAFunction" })), {
        name: "TypeError",
        message: /no exported function named "notAFunction"/,
      });
    });
  });

  it("a closure over outer variables fails with an error that says what to do", async (t) => {
    const p = pool(t, 1);
    const k = 3;
    await asyncio.run(async () => {
      await assert.rejects(awaited(p.submit((x: number) => x + k, 1)), (e: unknown) => {
        assert.ok(e instanceof ReferenceError);
        assert.match(e.message, /k is not defined/);
        assert.match(e.message, /self-contained/);
        assert.match(e.message, /\{ module: import\.meta\.url, name: "exportName" \}/);
        return true;
      });
    });
  });

  it("refuses native and bound functions at once", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      assert.throws(() => p.submit(Math.max, 1, 2), { name: "TypeError", message: /native or bound/ });
      assert.throws(() => p.submit(((x: number) => x).bind(null), 1), TypeError);
      assert.throws(() => p.submit(42 as never), TypeError);
    });
  });

  it("an error thrown in the worker keeps its name, message and stack", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      await assert.rejects(
        awaited(
          p.submit(function failingJob() {
            class MyError extends Error {
              override name = "MyError";
            }
            throw new MyError("boom");
          }),
        ),
        (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.equal(e.name, "MyError");
          assert.equal(e.message, "boom");
          assert.match(e.stack ?? "", /MyError: boom/);
          assert.match(e.stack ?? "", /failingJob/);
          return true;
        },
      );
      await assert.rejects(
        awaited(
          p.submit(() => {
            throw new RangeError("out of range");
          }),
        ),
        (e: unknown) => e instanceof RangeError && e.message === "out of range",
      );
      // A thrown non-Error value comes back as is.
      await assert.rejects(
        awaited(
          p.submit(() => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error
            throw { code: 7 };
          }),
        ),
        (e: unknown) => (e as { code: number }).code === 7,
      );
      // The worker survives its job's error.
      assert.equal(await p.submit(() => 1), 1);
    });
  });

  it("arguments that cannot be cloned reject the job", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      await assert.rejects(
        awaited(
          p.submit(
            (f: unknown) => typeof f,
            () => 1,
          ),
        ),
        { name: "DataCloneError" },
      );
      await assert.rejects(awaited(p.submit(() => () => 1)), { name: "DataCloneError" });
      assert.equal(await p.submit((x: number) => x + 1, 1), 2);
    });
  });

  it("CPU-bound jobs on 2 workers run in parallel", { skip: availableParallelism() < 2 }, async (t) => {
    const p = pool(t, 2);
    const spin = (ms: number): [number, number] => {
      const start = performance.timeOrigin + performance.now();
      let x = 0;
      while (performance.timeOrigin + performance.now() - start < ms) x += Math.sqrt(x + 1);
      return [start, performance.timeOrigin + performance.now()];
    };
    await asyncio.run(async () => {
      // Start both workers first: their startup is not what is measured.
      await asyncio.gather(p.submit(spin, 1), p.submit(spin, 1));
      const t0 = performance.now();
      const [a, b] = await asyncio.gather(p.submit(spin, 400), p.submit(spin, 400));
      const wall = performance.now() - t0;
      // Serial would be 800 ms; in parallel about 400.
      assert.ok(wall < 700, `wall time ${wall.toFixed(0)} ms`);
      assert.ok(a[0] < b[1] && b[0] < a[1], "the two jobs overlapped in time");
    });
  });

  it("starts workers lazily, up to maxWorkers, and reuses them", async (t) => {
    const p = pool(t, 2);
    assert.equal(p.maxWorkers, 2);
    assert.match(String(p), /workers=0/);
    await asyncio.run(async () => {
      const ids = new Set<number>();
      for (let i = 0; i < 4; i++) ids.add(await p.submit<number>({ module: fixtures, name: "whereAmI" }));
      assert.equal(ids.size, 1);
      const sab = new SharedArrayBuffer(8);
      const held = [p.submit(blocker, sab), p.submit(blocker, sab), p.submit(blocker, sab)];
      await asyncio.sleep(0.05);
      assert.match(String(p), /workers=2 queued=1/);
      release(sab);
      assert.deepEqual(await asyncio.gather(...held), ["released", "released", "released"]);
    });
    assert.ok(new ThreadPoolExecutor().maxWorkers <= 32);
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 0 }), RangeError);
  });

  it("a cancelled queued job never runs", async (t) => {
    const p = pool(t, 1);
    const sab = new SharedArrayBuffer(8);
    await asyncio.run(async () => {
      const first = p.submit(blocker, sab);
      const queued = p.submit(marker, sab);
      await asyncio.sleep(0.02);
      assert.equal(queued.cancel(), true);
      release(sab);
      assert.equal(await first, "released");
      // The worker goes on with later jobs; the cancelled one was dropped from the queue.
      assert.equal(await p.submit((x: number) => x, 9), 9);
      assert.equal(queued.cancelled(), true);
    });
    assert.equal(Atomics.load(new Int32Array(sab), 1), 0);
  });

  it("cancelling a running job drops its result", async (t) => {
    const p = pool(t, 1);
    const sab = new SharedArrayBuffer(8);
    await asyncio.run(async () => {
      const running = p.submit(blocker, sab);
      await asyncio.sleep(0.05);
      running.cancel();
      release(sab);
      assert.equal(await p.submit(() => "next"), "next");
      assert.equal(running.cancelled(), true);
    });
  });

  it("shutdown(cancelFutures) cancels queued jobs; submit after shutdown is a RuntimeError", async (t) => {
    const p = pool(t, 1);
    const sab = new SharedArrayBuffer(8);
    await asyncio.run(async () => {
      const running = p.submit(blocker, sab);
      const q1 = p.submit(marker, sab);
      const q2 = p.submit(marker, sab);
      await asyncio.sleep(0.02);
      const done = p.shutdown({ cancelFutures: true });
      assert.equal(q1.cancelled(), true);
      assert.equal(q2.cancelled(), true);
      assert.throws(
        () => p.submit(() => 1),
        (e: unknown) => {
          assert.ok(e instanceof RuntimeError);
          assert.equal(e.message, "cannot schedule new futures after shutdown");
          return true;
        },
      );
      release(sab);
      // Shutdown waits for the running job, which completes.
      await done;
      assert.equal(await running, "released");
    });
    assert.equal(Atomics.load(new Int32Array(sab), 1), 0);
    assert.match(String(p), /shutdown maxWorkers=1 workers=0/);
  });

  it("shutdown() without cancelFutures runs the queued jobs first", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      const futs = [1, 2, 3].map((x) => p.submit((y: number) => y * 10, x));
      await p.shutdown();
      assert.deepEqual(
        futs.map((f) => f.result()),
        [10, 20, 30],
      );
      await p.shutdown({ wait: false }); // again: a no-op
    });
  });

  it("a worker that exits fails its job and the pending ones with BrokenThreadPool", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      const dying = p.submit(() => process.exit(3));
      const pending = p.submit(() => 1);
      for (const f of [dying, pending]) {
        await assert.rejects(awaited(f), (e: unknown) => {
          assert.ok(e instanceof BrokenThreadPool);
          assert.ok(e instanceof RuntimeError);
          assert.equal(e.message, "A thread in the thread pool was terminated abruptly");
          return true;
        });
      }
      assert.equal(p.broken, true);
      assert.throws(() => p.submit(() => 1), BrokenThreadPool);
      assert.match(String(p), /broken/);
    });
  });

  it("map() returns the results in order; an error cancels the rest", async (t) => {
    const p = pool(t, 3);
    await asyncio.run(async () => {
      const slowFirst = (ms: number, x: number): number => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
        return x * x;
      };
      assert.deepEqual(await p.map(slowFirst, [60, 30, 0, 10], [1, 2, 3, 4, 5]), [1, 4, 9, 16]);
      assert.deepEqual(
        await p.map<(a: number, b: number) => number>({ module: fixtures, name: "add" }, [1, 2], [10, 20]),
        [11, 22],
      );
      assert.deepEqual(await p.map((x: number) => x), []);
      await assert.rejects(
        awaited(
          p.map(
            (x: number) => {
              if (x === 2) throw new Error("two");
              return x;
            },
            [1, 2, 3],
          ),
        ),
        { message: "two" },
      );
    });
  });
});

describe("toThread and the default executor", TIMEOUT, () => {
  it("toThread runs on the loop's default pool, created lazily", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      assert.equal(await toThread((a: number, b: string) => `${b}${a}`, 1, "x"), "x1");
      assert.equal(await toThread<number>({ module: fixtures, name: "add" }, 1, 2), 3);
      const executor = defaultExecutorFor(loop);
      assert.equal(defaultExecutorFor(loop), executor);
      assert.match(String(executor), /workers=1/);
      await shutdownDefaultExecutorFor(loop);
      assert.throws(() => defaultExecutorFor(loop), { message: "Executor shutdown has been called" });
      assert.throws(() => toThread(() => 1), RuntimeError);
      await shutdownDefaultExecutorFor(loop); // again: a no-op
    });
  });

  it("setDefaultExecutorFor requires a ThreadPoolExecutor", async (t) => {
    const mine = pool(t, 1);
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      assert.throws(
        () => {
          setDefaultExecutorFor(loop, {} as never);
        },
        {
          name: "TypeError",
          message: "executor must be ThreadPoolExecutor",
        },
      );
      setDefaultExecutorFor(loop, mine);
      assert.equal(defaultExecutorFor(loop), mine);
      assert.equal(await toThread(() => 5), 5);
      await shutdownDefaultExecutorFor(loop, 5);
      assert.throws(() => mine.submit(() => 1), RuntimeError);
    });
  });

  it("shutdownDefaultExecutorFor(loop, timeout) warns when the jobs outlast the timeout", async () => {
    const sab = new SharedArrayBuffer(8);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(`${w.name}: ${w.message}`);
    };
    // test/setup.ts turns every warning into a failure: expect this one.
    const listeners = process.listeners("warning");
    process.removeAllListeners("warning");
    process.on("warning", onWarning);
    try {
      await asyncio.run(async () => {
        const loop = asyncio.getRunningLoop();
        const job = toThread(blocker, sab);
        await asyncio.sleep(0.02);
        await shutdownDefaultExecutorFor(loop, 0.05);
        await asyncio.sleep(0); // process warnings are emitted on the next tick
        release(sab);
        assert.equal(await job, "released");
        await asyncio.sleep(0.01);
      });
    } finally {
      process.removeListener("warning", onWarning);
      for (const l of listeners) process.on("warning", l);
    }
    assert.deepEqual(warnings, [
      "RuntimeWarning: The executor did not finishing joining its threads within 0.05 seconds.",
    ]);
  });
});
