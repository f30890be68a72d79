// ProcessPoolExecutor on real child processes (no mocks). The cases it shares with
// ThreadPoolExecutor (how functions, arguments, results and errors travel; cancel and shutdown;
// a job that throws, exits, crashes or hangs) are in helpers/executor-cases.ts; here are those of
// processes only: a signal, the execArgv and environment of a child, an idle child and stdout.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describe, it } from "node:test";
import { inspect, promisify } from "node:util";
import * as asyncio from "../src/index.ts";
import { BrokenProcessPool } from "../src/exceptions.ts";
import { awaited, executorCases } from "./helpers/executor-cases.ts";

const TIMEOUT = { timeout: 30_000 };

const JOB_BROKEN =
  "A process in the process pool was terminated abruptly while the future was running or pending.";

/** A pool shut down (queued jobs cancelled, children killed) when the test ends. */
function pool(
  t: { after: (fn: () => Promise<void>) => void },
  maxWorkers?: number,
  options?: asyncio.ProcessPoolOptions,
): asyncio.ProcessPoolExecutor {
  const p = new asyncio.ProcessPoolExecutor(maxWorkers, options);
  t.after(() => p.shutdown({ wait: true, cancelFutures: true }));
  return p;
}

/** A job that blocks its child for good (Atomics.wait on the main thread of a process). */
function hang(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

function pidOf(): number {
  return process.pid;
}

/** Whether process `pid` runs: it exists and is not a zombie (Linux's /proc tells). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

/** Asserts that no process `pid` exists any more (the pool reaped its child). */
function assertGone(pid: number): void {
  assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
}

executorCases({
  name: "ProcessPoolExecutor",
  make: (maxWorkers) => new asyncio.ProcessPoolExecutor(maxWorkers),
  defaultMaxWorkers: availableParallelism(),
  where: "child process",
  broken: {
    cls: BrokenProcessPool,
    code: "ERR_ASYNCIO_BROKEN_PROCESS_POOL",
    // CPython 3.13 concurrent/futures/process.py _ExecutorManagerThread._terminate_broken
    job: JOB_BROKEN,
    submit: "A child process terminated abruptly, the process pool is not usable anymore",
  },
  exitCause: /^the child process \d+ exited with code 3$/,
  fixtureArg: "process",
  assertEnded: ({ pid }) => {
    assertGone(pid);
  },
});

describe("ProcessPoolExecutor", TIMEOUT, () => {
  it("repr and inspect", () => {
    const p = new asyncio.ProcessPoolExecutor(3);
    assert.equal(String(p), "<ProcessPoolExecutor running maxWorkers=3 workers=0 queued=0>");
    assert.equal(inspect(p), String(p));
  });

  it("SharedArrayBuffer arguments fail with a DataCloneError: processes share no memory", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      await assert.rejects(awaited(p.submit((s: unknown) => s, new SharedArrayBuffer(4))), {
        name: "DataCloneError",
        message: "#<SharedArrayBuffer> could not be cloned.",
      });
    });
  });

  it("the children get a clean execArgv and environment, or the execArgv given", async (t) => {
    const p = pool(t, 1);
    const mine = pool(t, 1, { execArgv: ["--stack-trace-limit=3"] });
    await asyncio.run(async () => {
      const [argv, context] = await p.submit((): [string[], string | undefined] => [
        process.execArgv,
        process.env.NODE_TEST_CONTEXT,
      ]);
      assert.deepEqual(
        argv.filter((a) => /^--(test|experimental-test-|watch|inspect|debug)/.test(a)),
        [],
      );
      assert.equal(context, undefined);
      assert.deepEqual(await mine.submit(() => process.execArgv), ["--stack-trace-limit=3"]);
    });
  });

  it(
    "an idle child does not keep Node alive; a job's console.log prints to the inherited stdout",
    TIMEOUT,
    async () => {
      const fixture = new URL("./fixtures/process-pool-idle.ts", import.meta.url);
      const { stdout } = await promisify(execFile)(process.execPath, [fixture.pathname], { timeout: 20_000 });
      const match = /^hello from the child\nresult 42 pid (\d+)\n$/.exec(stdout);
      assert.ok(match !== null, stdout);
      // The orphaned child sees its IPC channel close and exits (init reaps it in its own time).
      const pid = Number(match[1]);
      await asyncio.run(async () => {
        for (let i = 0; i < 200 && running(pid); i++) await asyncio.sleep(0.02);
      });
      assert.equal(running(pid), false);
    },
  );

  it("a child killed by a signal fails its job and the pending ones with BrokenProcessPool", async (t) => {
    const p = pool(t, 1);
    await asyncio.run(async () => {
      const pid = await p.submit(pidOf);
      const running = p.submit(hang);
      const pending = p.submit(() => 1);
      process.kill(pid, "SIGKILL");
      for (const f of [running, pending]) {
        await assert.rejects(awaited(f), (e: unknown) => {
          assert.ok(e instanceof BrokenProcessPool);
          assert.equal(e.message, JOB_BROKEN);
          assert.equal((e.cause as Error).message, `the child process ${pid} was killed by SIGKILL`);
          return true;
        });
      }
      assert.throws(() => p.submit(() => 1), BrokenProcessPool);
      await p.shutdown();
      assertGone(pid);
    });
  });
});
