// The cases both executors must pass, run on real worker threads and real child processes (no
// mocks) by test/executors.test.ts and test/executors-process.test.ts. Each fault case checks that
// no job is left pending and that no worker outlives the pool.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as asyncio from "../../src/index.ts";
import { assertCancelled } from "./index.ts";

export const fixtures = new URL("../fixtures/worker-fns.ts", import.meta.url).href;

/** A pool as the cases drive it. */
export type Pool = asyncio.ThreadPoolExecutor | asyncio.ProcessPoolExecutor;

/** Who ran a job (the `whoAmI` fixture). */
export interface WorkerId {
  pid: number;
  threadId: number;
}

export interface ExecutorSpec {
  /** The class, e.g. "ThreadPoolExecutor". */
  name: string;
  make: (maxWorkers?: number) => Pool;
  defaultMaxWorkers: number;
  /** Where functions go, as messages say: "worker thread", "child process". */
  where: string;
  /** The error class of a broken pool, and its messages: for the jobs, and for `submit`. */
  broken: { cls: typeof asyncio.RuntimeError; code: string; job: string; submit: string };
  /** Checks the `cause` of the broken-pool error after a job ran `process.exit(3)`. */
  exitCause: RegExp;
  /** The argument of test/fixtures/executor-stdout.ts that picks this executor. */
  fixtureArg: "thread" | "process";
  /** Asserts that the worker that ran a job has ended (after `shutdown()` resolved). */
  assertEnded: (id: WorkerId) => void;
}

/** For assert.rejects, which takes a Promise or a function returning one (a Future is a thenable). */
export function awaited(f: PromiseLike<unknown>): () => Promise<unknown> {
  return async () => await f;
}

/** A job that blocks its worker for good (Atomics.wait works on a process's main thread too). */
function hang(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

const whoAmI = { module: fixtures, name: "whoAmI" };

/** The cause of the broken pool after a crash: the worker's uncaught error itself. */
function crashCause(cause: unknown): void {
  assert.ok(cause instanceof TypeError);
  assert.equal(cause.message, "crash in the worker");
  assert.match(cause.stack ?? "", /^TypeError: crash in the worker\n/);
}

/** Declares the shared cases of `spec`'s executor. */
export function executorCases(spec: ExecutorSpec): void {
  /** A pool shut down (queued jobs cancelled, workers ended) when the test ends. */
  function pool(t: { after: (fn: () => Promise<void>) => void }, maxWorkers: number): Pool {
    const p = spec.make(maxWorkers);
    t.after(() => p.shutdown({ wait: true, cancelFutures: true }));
    return p;
  }

  function assertBrokenJob(cause: RegExp | ((cause: unknown) => void)): (e: unknown) => boolean {
    return (e) => {
      assert.ok(e instanceof spec.broken.cls);
      assert.ok(e instanceof asyncio.RuntimeError);
      assert.equal(e.code, spec.broken.code);
      assert.equal(e.message, spec.broken.job);
      if (cause instanceof RegExp) assert.match((e.cause as Error).message, cause);
      else cause(e.cause);
      return true;
    };
  }

  const state = (p: Pool, s: string, max: number, workers: number, queued: number): void => {
    assert.equal(String(p), `<${spec.name} ${s} maxWorkers=${max} workers=${workers} queued=${queued}>`);
  };

  describe(`${spec.name}: shared executor cases`, { timeout: 30_000 }, () => {
    it("runs a function by source; args and result cross by structured clone", async (t) => {
      const p = pool(t, 2);
      const out = await asyncio.run(async () => {
        const fut = p.submit(
          (m: Map<string, number>, d: Date, bytes: Uint8Array, big: bigint) => ({
            sum: [...m.values()].reduce((x, y) => x + y, 0),
            year: d.getUTCFullYear(),
            doubled: bytes.map((b) => b * 2),
            set: new Set([1, 2]),
            big: big * 2n,
          }),
          new Map([
            ["a", 1],
            ["b", 2],
          ]),
          new Date(Date.UTC(2024, 0, 1)),
          new Uint8Array([1, 2, 3]),
          21n,
        );
        assert.ok(asyncio.isfuture(fut));
        assert.equal(fut.getLoop(), asyncio.getRunningLoop());
        return await fut;
      });
      assert.equal(out.sum, 3);
      assert.equal(out.year, 2024);
      assert.deepEqual([...out.doubled], [2, 4, 6]);
      assert.ok(out.set instanceof Set && out.set.has(2));
      assert.equal(out.big, 42n);
    });

    it("runs an exported function of a .ts module by reference; awaits a returned promise; runInExecutor", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        assert.equal(await p.submit<number>({ module: fixtures, name: "add" }, 2, 40), 42);
        assert.equal(await p.submit<number>({ module: new URL(fixtures), name: "add" }, 1, 1), 2);
        const me = await p.submit<WorkerId>(whoAmI);
        assert.ok(me.pid !== process.pid || me.threadId !== 0, "ran elsewhere");
        assert.equal(await p.submit(async (x: number) => Promise.resolve(x * 3), 5), 15);
        await assert.rejects(awaited(p.submit({ module: fixtures, name: "notAFunction" })), {
          name: "TypeError",
          message: /no exported function named "notAFunction"/,
        });
        const loop = asyncio.getRunningLoop();
        assert.equal(await loop.runInExecutor(p, (a: number, b: number) => a + b, 1, 2), 3);
        assert.equal(await loop.runInExecutor<number>(p, { module: fixtures, name: "add" }, 3, 4), 7);
      });
    });

    it("a closure over outer variables fails with an error that says what to do", async (t) => {
      const p = pool(t, 1);
      const k = 3;
      await asyncio.run(async () => {
        await assert.rejects(awaited(p.submit((x: number) => x + k, 1)), (e: unknown) => {
          assert.ok(e instanceof ReferenceError);
          assert.ok(
            e.message.startsWith(
              `k is not defined: a function sent to a ${spec.where} by source must be self-contained`,
            ),
            e.message,
          );
          assert.match(e.message, /\{ module: import\.meta\.url, name: "exportName" \}/);
          return true;
        });
        assert.throws(() => p.submit(Math.max, 1, 2), {
          name: "TypeError",
          message: new RegExp(`^max is a native or bound function, which cannot be sent to a ${spec.where} `),
        });
        assert.throws(() => p.submit(((x: number) => x).bind(null), 1), TypeError);
        assert.throws(() => p.submit(42 as never), TypeError);
      });
    });

    it("an error thrown in the job keeps its name, message, stack and code; the worker survives", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const me = await p.submit<WorkerId>(whoAmI);
        await assert.rejects(
          awaited(
            p.submit(function failingJob() {
              class MyError extends Error {
                override name = "MyError";
                code = "E_MINE";
              }
              throw new MyError("boom");
            }),
          ),
          (e: unknown) => {
            assert.ok(e instanceof Error);
            assert.equal(e.name, "MyError");
            assert.equal(e.message, "boom");
            assert.equal((e as { code?: unknown }).code, "E_MINE");
            assert.match(e.stack ?? "", /^MyError: boom\n/);
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
          (e: unknown) => {
            assert.deepEqual(e, { code: 7 });
            return true;
          },
        );
        // Nothing broke: the same worker takes the next job.
        assert.deepEqual(await p.submit<WorkerId>(whoAmI), me);
        assert.equal(p.broken, false);
      });
    });

    it("a thrown value comes back as far as structured clone allows", async (t) => {
      const p = pool(t, 1);
      /** The value the job `fn` throws, as it comes back. */
      const thrown = async <A extends unknown[]>(fn: (...args: A) => never, ...args: A): Promise<unknown> => {
        try {
          await p.submit(fn, ...args);
        } catch (e) {
          return e;
        }
        assert.fail("the job did not fail");
      };
      await asyncio.run(async () => {
        // An object keeps each property a clone keeps (a method is dropped), no longer
        // Error("[object Object]").
        assert.deepEqual(
          await thrown(() => {
            // eslint-disable-next-line @typescript-eslint/only-throw-error
            throw { code: 1, detail: { retry: [1, 2] }, again() {} };
          }),
          { code: 1, detail: { retry: [1, 2] } },
        );
        for (const value of [42, "text", [1, { a: 2 }], new Map([["k", 1]])]) {
          const rethrow = (v: unknown): never => {
            throw v;
          };
          assert.deepEqual(await thrown(rethrow, value), value);
        }
        // A symbol cannot be cloned at all: an Error of what it prints as.
        const sym = await thrown(() => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          throw Symbol("s");
        });
        assert.ok(sym instanceof Error);
        assert.equal(sym.message, "Symbol(s)");
        // An Error keeps its own properties that a clone keeps, its cause and an AggregateError's errors.
        const e = await thrown(() => {
          const err = new Error("open failed", { cause: new RangeError("inner", { cause: { why: "x" } }) });
          throw Object.assign(err, { errno: -2, syscall: "open", path: "/nope", info: { n: [1] }, fn() {} });
        });
        assert.ok(e instanceof Error);
        assert.equal(e.message, "open failed");
        assert.deepEqual(Object.fromEntries(Object.entries(e)), {
          errno: -2,
          syscall: "open",
          path: "/nope",
          info: { n: [1] },
        });
        assert.ok(e.cause instanceof RangeError);
        assert.equal(e.cause.message, "inner");
        assert.deepEqual(e.cause.cause, { why: "x" });
        const agg = await thrown(() => {
          throw new AggregateError([new TypeError("a"), { code: 2 }], "many");
        });
        assert.ok(agg instanceof AggregateError);
        assert.equal(agg.message, "many");
        assert.equal(agg.errors.length, 2);
        assert.ok(agg.errors[0] instanceof TypeError);
        assert.equal(agg.errors[0].message, "a");
        assert.deepEqual(agg.errors[1], { code: 2 });
        // A cause that is a cycle is followed only so deep.
        const cyclic = await thrown(() => {
          const err = new Error("loop");
          err.cause = err;
          throw err;
        });
        let depth = 0;
        for (let c: unknown = cyclic; c instanceof Error; c = c.cause) depth++;
        assert.equal(depth, 9);
      });
    });

    it("arguments or a result that cannot be cloned fail the job with a DataCloneError", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        await assert.rejects(
          awaited(
            p.submit(
              (f: unknown) => typeof f,
              () => 1,
            ),
          ),
          { name: "DataCloneError", message: "() => 1 could not be cloned." },
        );
        await assert.rejects(awaited(p.submit(() => () => 1)), { name: "DataCloneError" });
        assert.equal(await p.submit((x: number) => x + 1, 1), 2);
      });
    });

    it("starts workers lazily, up to maxWorkers, and reuses them", async (t) => {
      const p = pool(t, 2);
      assert.equal(p.maxWorkers, 2);
      state(p, "running", 2, 0, 0);
      await asyncio.run(async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 3; i++) ids.add(JSON.stringify(await p.submit<WorkerId>(whoAmI)));
        assert.equal(ids.size, 1);
        const futs = [p.submit<WorkerId>(whoAmI), p.submit<WorkerId>(whoAmI), p.submit<WorkerId>(whoAmI)];
        state(p, "running", 2, 2, 1);
        for (const id of await asyncio.gather(...futs)) ids.add(JSON.stringify(id));
        assert.equal(ids.size, 2);
        await p.shutdown();
        state(p, "shutdown", 2, 0, 0);
        for (const id of ids) spec.assertEnded(JSON.parse(id) as WorkerId);
      });
      assert.equal(spec.make().maxWorkers, spec.defaultMaxWorkers);
      assert.throws(() => spec.make(0), {
        name: "RangeError",
        message: "max_workers must be greater than 0",
      });
    });

    it("a cancelled queued job never runs", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const first = p.submit<WorkerId>(whoAmI);
        // Had it run, this job would have broken the pool.
        const queued = p.submit(() => process.exit(9));
        assert.equal(queued.cancel(), true);
        const me = await first;
        assert.deepEqual(await p.submit<WorkerId>(whoAmI), me);
        assert.equal(queued.cancelled(), true);
        assert.equal(p.broken, false);
      });
    });

    it("shutdown(cancelFutures) cancels the queued jobs and waits for the running one; then submit is a RuntimeError", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const running = p.submit((x: number) => x * 2, 21);
        const q1 = p.submit(() => process.exit(9));
        const q2 = p.submit(() => process.exit(9));
        const done = p.shutdown({ cancelFutures: true });
        assert.equal(q1.cancelled(), true);
        assert.equal(q2.cancelled(), true);
        assert.throws(() => p.submit(() => 1), {
          name: "RuntimeError",
          message: "cannot schedule new futures after shutdown",
        });
        await done;
        assert.equal(await running, 42);
        assert.equal(p.broken, false);
      });
      state(p, "shutdown", 1, 0, 0);
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

    it("what a job prints reaches stdout, even when shutdown() ends its worker right after", async () => {
      const fixture = fileURLToPath(new URL("../fixtures/executor-stdout.ts", import.meta.url));
      const { stdout } = await promisify(execFile)(process.execPath, [fixture, spec.fixtureArg], {
        timeout: 20_000,
      });
      const expected = [0, 1, 2, 3, 4].map((i) => `job ${i} started\njob ${i} finished\nresult ${i}\n`);
      assert.equal(stdout, expected.join(""));
    });

    it("map() returns the results in order; an error cancels the rest", async (t) => {
      const p = pool(t, 3);
      await asyncio.run(async () => {
        assert.deepEqual(await p.map((x: number, y: number) => x * y, [1, 2, 3, 4], [5, 6, 7]), [5, 12, 21]);
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

  describe(`${spec.name}: a main script that sends its own export by reference`, { timeout: 30_000 }, () => {
    const fixture = fileURLToPath(new URL("../fixtures/self-submit.ts", import.meta.url));
    const run = (guard: string): Promise<{ code: number; stdout: string; stderr: string }> =>
      new Promise((resolve, reject) => {
        execFile(
          process.execPath,
          [fixture],
          // Unguarded and undetected, it would start workers until this timeout kills it.
          { timeout: 15_000, env: { ...process.env, FIXTURE_POOL: spec.fixtureArg, FIXTURE_GUARD: guard } },
          (error, stdout, stderr) => {
            if (error?.killed === true) reject(new Error(`still running after 15 s:\n${stdout}${stderr}`));
            else resolve({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
          },
        );
      });

    it("unguarded, it fails at once with a RuntimeError that says what to do, instead of starting workers without end", async () => {
      const { code, stdout, stderr } = await run("");
      assert.equal(code, 1, stderr);
      const url = new URL("../fixtures/self-submit.ts", import.meta.url).href;
      const guard =
        spec.where === "worker thread"
          ? "if (isMainThread) from node:worker_threads, or if (import.meta.main)"
          : "if (import.meta.main)";
      const message =
        `a ${spec.where} importing ${url} to run "double" started another job: the module's top level ` +
        `runs again in each ${spec.where} and would start workers without end; move "double" to a ` +
        `module of its own, or guard the script's top level with ${guard}`;
      const line = stderr.split("\n").find((l) => l.startsWith("RuntimeError: "));
      assert.equal(line, `RuntimeError: ${message}`, stderr);
      assert.match(stderr, /code: 'ERR_ASYNCIO_RUNTIME'/);
      // The script ran in the main thread and in one worker, which refused to go further.
      const runs = stdout.split("\n").filter((l) => l.startsWith("top level ran"));
      assert.ok(runs.length >= 1 && runs.length <= 2, stdout);
      assert.doesNotMatch(stdout, /result/);
    });

    it("guarded, it runs", async () => {
      const guard = spec.where === "worker thread" ? "isMainThread" : "import.meta.main";
      const { code, stdout, stderr } = await run(guard);
      assert.equal(code, 0, stderr);
      assert.equal(stderr, "");
      assert.match(stdout, /^result 42$/m);
    });
  });

  describe(`${spec.name}: shared fault cases`, { timeout: 30_000 }, () => {
    it("a job that calls process.exit fails its job and the pending ones with a broken pool", async (t) => {
      const p = pool(t, 2);
      await asyncio.run(async () => {
        const ids = await asyncio.gather(p.submit<WorkerId>(whoAmI), p.submit<WorkerId>(whoAmI));
        const hung = p.submit(hang);
        const dying = p.submit(() => process.exit(3));
        const pending = p.submit(() => 1);
        for (const f of [hung, dying, pending]) {
          await assert.rejects(awaited(f), assertBrokenJob(spec.exitCause));
        }
        assert.equal(p.broken, true);
        assert.throws(
          () => p.submit(() => 1),
          (e: unknown) => e instanceof spec.broken.cls && e.message === spec.broken.submit,
        );
        // The other worker, running the hung job, is ended too.
        await p.shutdown();
        state(p, "broken", 2, 0, 0);
        for (const id of ids) spec.assertEnded(id);
      });
    });

    it("a worker that crashes (an uncaught error outside the job) breaks the pool; the cause is that error", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const me = await p.submit<WorkerId>(whoAmI);
        const crashing = p.submit(() => {
          setImmediate(() => {
            throw new TypeError("crash in the worker");
          });
          return new Promise(() => undefined);
        });
        const pending = p.submit(() => 1);
        for (const f of [crashing, pending]) await assert.rejects(awaited(f), assertBrokenJob(crashCause));
        await p.shutdown();
        state(p, "broken", 1, 0, 0);
        spec.assertEnded(me);
      });
    });

    it("cancelling a running job cancels the awaiting task at once; the job runs on until shutdown(cancelFutures) ends its worker", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const me = await p.submit<WorkerId>(whoAmI);
        const task = asyncio.createTask(async () => {
          await p.submit(hang);
        });
        await asyncio.sleep(0);
        task.cancel();
        await assertCancelled(task);
        // As in CPython the job is not interrupted: its worker still runs it.
        state(p, "running", 1, 1, 0);
        await p.shutdown({ wait: false, cancelFutures: true });
        await p.shutdown(); // resolves once the worker has ended
        state(p, "shutdown", 1, 0, 0);
        spec.assertEnded(me);
        assert.equal(p.broken, false);
      });
    });

    it("after shutdown(cancelFutures), cancelling a running job's Future ends its worker", async (t) => {
      const p = pool(t, 1);
      await asyncio.run(async () => {
        const me = await p.submit<WorkerId>(whoAmI);
        const running = p.submit(hang);
        const done = p.shutdown({ cancelFutures: true });
        // The job's Future is still wanted: the worker runs on.
        await asyncio.sleep(0.02);
        state(p, "shutdown", 1, 1, 0);
        running.cancel();
        await done;
        state(p, "shutdown", 1, 0, 0);
        spec.assertEnded(me);
        assert.equal(running.cancelled(), true);
      });
    });
  });
}
