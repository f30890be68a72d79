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
import { executorCases, fixtures } from "./helpers/executor-cases.ts";

const TIMEOUT = { timeout: 20_000 };

/** A pool shut down (queued jobs cancelled, workers ended) when the test ends. */
function pool(t: { after: (fn: () => Promise<void>) => void }, maxWorkers?: number): ThreadPoolExecutor {
  const p = new ThreadPoolExecutor(maxWorkers);
  t.after(() => p.shutdown({ wait: true, cancelFutures: true }));
  return p;
}

/** A job that blocks its worker until `release(sab)`; returns "released". */
function blocker(sab: SharedArrayBuffer): string {
  const a = new Int32Array(sab);
  Atomics.wait(a, 0, 0, 10_000);
  return "released";
}

function release(sab: SharedArrayBuffer): void {
  const a = new Int32Array(sab);
  Atomics.store(a, 0, 1);
  Atomics.notify(a, 0);
}

executorCases({
  name: "ThreadPoolExecutor",
  make: (maxWorkers) => new ThreadPoolExecutor(maxWorkers),
  defaultMaxWorkers: Math.min(32, availableParallelism() + 4),
  where: "worker thread",
  broken: {
    cls: BrokenThreadPool,
    code: "ERR_ASYNCIO_BROKEN_THREAD_POOL",
    job: "A thread in the thread pool was terminated abruptly",
    submit: "A thread in the thread pool was terminated abruptly",
  },
  exitCause: /^the worker thread exited with code 3$/,
  // shutdown() resolved after the worker's 'exit' event: the thread has stopped.
  fixtureArg: "thread",
  assertEnded: () => undefined,
});

describe("ThreadPoolExecutor", TIMEOUT, () => {
  it("jobs on 2 workers run at the same time (each waits for the other)", async (t) => {
    const p = pool(t, 2);
    const meet = (sab: SharedArrayBuffer, me: number): boolean => {
      const a = new Int32Array(sab);
      Atomics.store(a, me, 1);
      Atomics.notify(a, me);
      // Only a job running at the same time can arrive; the bound only keeps a failure finite.
      return Atomics.wait(a, 1 - me, 0, 10_000) !== "timed-out";
    };
    const sab = new SharedArrayBuffer(8);
    const met = await asyncio.run(async () => asyncio.gather(p.submit(meet, sab, 0), p.submit(meet, sab, 1)));
    assert.deepEqual(met, [true, true]);
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
      await assert.rejects(
        toThread(() => 1),
        RuntimeError,
      );
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
          message: "executor must be ThreadPoolExecutor instance",
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
        const job = asyncio.createTask(toThread(blocker, sab));
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
