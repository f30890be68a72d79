// BullMQExecutor and `asyncio-ts worker` on a real redis-server and two real worker processes
// (no mocks): results, map, errors, cancellation of waiting and running jobs, refused references
// and arguments, shutdown, map's progress; faults: a worker killed mid-job, Redis restarted with
// appendonly yes, a job whose worker keeps dying; events lost off a small event stream, the
// stream's cap sized to the jobs in flight, an ioredis client as the connection; the set-up that
// installs redis-server.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as asyncio from "../src/index.ts";
import { BullMQExecutor, runWorker } from "../src/bullmq/index.ts";
import { connectionFromUrl, decode, encode } from "../src/bullmq/wire.ts";
import { Redis } from "ioredis";
import { defaultInstall, ensureRedisServer, type RedisServer, startRedis } from "./helpers/redis.ts";

const TIMEOUT = { timeout: 30_000 };
const QUEUE = "bullmq-test";
const ref = (name: string) => ({ module: "./bullmq-jobs.ts", name });

let redis: RedisServer;
let workers: { child: ChildProcess; stdout: string }[] = [];
let dir: string;

/** A worker process started with the CLI; resolves once it printed its start line. */
async function startWorker(
  queue = QUEUE,
  extra: string[] = [],
): Promise<{ child: ChildProcess; stdout: string }> {
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ["src/cli.ts", "worker", "--redis", redis.url, "--queue", queue, "--root", "test/fixtures", ...extra],
    { env, stdio: ["ignore", "pipe", "inherit"] },
  );
  const worker = { child, stdout: "" };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`the worker did not start within 10 s: ${worker.stdout}`));
    }, 10_000);
    child.stdout.on("data", (chunk: Buffer) => {
      worker.stdout += chunk.toString();
      if (worker.stdout.includes("\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code ?? "a signal"} before it started: ${worker.stdout}`));
    });
  });
  return worker;
}

async function stopWorkers(list = workers): Promise<(number | null)[]> {
  const codes = await Promise.all(
    list.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const [code] = (await exited) as [number | null];
      clearTimeout(timer);
      return code;
    }),
  );
  return codes;
}

/** Run `body` on a fresh loop with an executor, shut down (waiting) when it ends. */
function withExecutor(
  body: (executor: BullMQExecutor) => Promise<void>,
  options: Partial<ConstructorParameters<typeof BullMQExecutor>[0]> = {},
): Promise<void> {
  return asyncio.run(async () => {
    const executor = new BullMQExecutor({
      connection: { host: "127.0.0.1", port: redis.port },
      queueName: QUEUE,
      ...options,
    });
    try {
      await body(executor);
    } finally {
      await executor.shutdown({ wait: true, cancelFutures: true });
    }
  });
}

/** Wait until `cond()` holds, polling for at most `seconds`. */
async function until(cond: () => boolean, seconds = 10): Promise<void> {
  for (let waited = 0; !cond(); waited += 0.05) {
    if (waited > seconds) throw new Error(`not true within ${seconds} s: ${cond.toString()}`);
    await asyncio.sleep(0.05);
  }
}

/** The lines a sleepy job wrote to `log`. */
function lines(log: string): string[] {
  try {
    return readFileSync(log, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

let logs = 0;
function newLog(): string {
  const log = join(dir, `log-${++logs}`);
  writeFileSync(log, "");
  return log;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "asyncio-ts-bullmq-"));
  redis = await startRedis();
});
after(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("asyncio-ts worker", () => {
  it("without --redis or --queue: one line and the usage on stderr, exit status 2", TIMEOUT, async () => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(process.execPath, ["src/cli.ts", "worker", "--queue", "q"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 2);
    assert.equal(
      stderr,
      "asyncio-ts worker: --redis and --queue are required\n" +
        "usage: asyncio-ts worker --redis URL --queue NAME [--concurrency N] [--root DIR] " +
        "[--lock-duration SECONDS] [--stalled-interval SECONDS] [--max-result-size BYTES]\n",
    );
  });

  it("--max-result-size that is not a positive integer: one line, exit status 2", TIMEOUT, async () => {
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const child = spawn(
      process.execPath,
      ["src/cli.ts", "worker", "--redis", "redis://127.0.0.1:1", "--queue", "q", "--max-result-size", "1.5"],
      { env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 2);
    assert.equal(stderr, "asyncio-ts worker: --max-result-size takes a positive integer of bytes, got 1.5\n");
  });
});

describe("BullMQExecutor", () => {
  before(async () => {
    workers = await Promise.all([startWorker(), startWorker()]);
  });
  after(async () => {
    await stopWorkers();
  });

  it("submit and loop.runInExecutor resolve with the job's result, a Map as a Map", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      assert.equal(await executor.submit(ref("add"), 2, 3), 5);
      const loop = asyncio.getRunningLoop();
      assert.equal(await loop.runInExecutor(executor, ref("add"), 40, 2), 42);
      const byUrl = new BullMQExecutor({ connection: redis.url, queueName: QUEUE });
      try {
        assert.equal(await byUrl.submit(ref("add"), 1, 1), 2);
      } finally {
        await byUrl.shutdown();
      }
      const map = await executor.submit(ref("toMap"), [
        ["a", 1],
        ["b", 2],
      ]);
      assert.ok(map instanceof Map);
      assert.deepEqual(
        [...(map as Map<string, number>)],
        [
          ["a", 1],
          ["b", 2],
        ],
      );
    });
  });

  it(
    "an ioredis client as connection: submit, map and shutdown work, and the client stays open (the caller's)",
    TIMEOUT,
    async () => {
      // ioredis' defaults (maxRetriesPerRequest 20), which a blocking reader may not share.
      const mine = new Redis(redis.url);
      try {
        const connections = async (): Promise<number> =>
          String(await mine.client("LIST"))
            .trim()
            .split("\n").length;
        const before = await connections();
        await asyncio.run(async () => {
          const executor = new BullMQExecutor({ connection: mine, queueName: QUEUE });
          assert.equal(await executor.submit(ref("add"), 2, 3), 5);
          assert.deepEqual(await executor.map(ref("square"), [1, 2, 3]), [1, 4, 9]);
          assert.ok(
            (await connections()) > before,
            "the executor reads its events on a connection of its own",
          );
          await executor.shutdown();
        });
        assert.equal(mine.status, "ready");
        assert.equal(await mine.ping(), "PONG");
        // The executor's own connection is closed (the server may see it go a moment later).
        for (let i = 0; (await connections()) !== before; i++) {
          assert.ok(i < 100, `connections: ${await connections()}, not ${before}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      } finally {
        await mine.quit();
      }
    },
  );

  it("map resolves with the results in order; an error rejects it", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      const xs = Array.from({ length: 20 }, (_, i) => i);
      assert.deepEqual(
        await executor.map(ref("add"), xs, xs),
        xs.map((x) => 2 * x),
      );
      await assert.rejects(executor.map(ref("thrower"), [1, 2]), { name: "QuotaError" });
    });
  });

  it("map(fnRef, items, { onProgress }) reports jobs done and failed as they end", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      const seen: { done: number; failed: number; total: number }[] = [];
      const onProgress = (p: { done: number; failed: number; total: number }): void => {
        seen.push(p);
      };
      assert.deepEqual(await executor.map(ref("square"), [1, 2, 3, 4, 5], { onProgress }), [1, 4, 9, 16, 25]);
      assert.deepEqual(
        seen.map((p) => [p.done, p.failed, p.total]),
        [1, 2, 3, 4, 5].map((done) => [done, 0, 5]),
      );
      seen.length = 0;
      await assert.rejects(executor.map(ref("thrower"), [1], { onProgress }), { name: "QuotaError" });
      assert.deepEqual(seen, [{ done: 0, failed: 1, total: 1 }]);
    });
  });

  it(
    "a job that throws is retried up to its attempts: the Future gets the last outcome",
    TIMEOUT,
    async () => {
      const log = newLog();
      await withExecutor(
        async (executor) => {
          assert.equal(await executor.submit(ref("flaky"), log), "second");
        },
        { defaultJobOptions: { attempts: 2 } },
      );
      assert.deepEqual(lines(log), ["fail", "ok"]);
    },
  );

  it("a job's error reaches the caller: name, message, stack and own properties", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      const error = await executor.submit(ref("thrower"), 7).then(
        () => assert.fail("no error"),
        (e: unknown) => e as Error & { quota?: number },
      );
      assert.ok(error instanceof Error);
      assert.equal(error.name, "QuotaError");
      assert.equal(error.message, "over quota 7");
      assert.match(error.stack ?? "", /bullmq-jobs\.ts/);
      assert.equal(error.quota, 7);
    });
  });

  it(
    "a job runs as a task of its own, synchronous or not; one that cancels it is cancelled, not retried",
    TIMEOUT,
    async () => {
      const log = newLog();
      await withExecutor(
        async (executor) => {
          // A synchronous function runs in its job's task (started eagerly, it is done at once).
          assert.match(
            await executor.submit<string>(ref("taskName")),
            /^\.\/bullmq-jobs\.ts#taskName \(job [-_.0-9A-Za-z]+\)$/,
          );
          assert.match(
            await executor.submit<string>(ref("taskNameAfterSleep")),
            /^\.\/bullmq-jobs\.ts#taskNameAfterSleep \(job [-_.0-9A-Za-z]+\)$/,
          );
          const future = executor.submit(ref("cancelSelf"), log);
          await assert.rejects(async () => await future, { name: "CancelledError" });
          assert.ok(future.cancelled());
        },
        { defaultJobOptions: { attempts: 3 } },
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(lines(log), ["run"]);
    },
  );

  it("cancelling the Future of a waiting job removes it: it never runs", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      // Both workers (concurrency 1) busy, so the third job waits.
      const busy = [newLog(), newLog()];
      const running = busy.map((log) => executor.submit(ref("sleepy"), 1, log));
      await until(() => busy.every((log) => lines(log).includes("start")));
      const log = newLog();
      const waiting = executor.submit(ref("sleepy"), 0, log);
      await asyncio.sleep(0.2);
      waiting.cancel();
      assert.deepEqual(await Promise.all(running), ["slept", "slept"]);
      await asyncio.sleep(0.3);
      assert.ok(waiting.cancelled());
      assert.deepEqual(lines(log), []);
    });
  });

  it("cancelling the Future of a running job cancels its task; it is not retried", TIMEOUT, async () => {
    const log = newLog();
    await withExecutor(
      async (executor) => {
        const future = executor.submit(ref("sleepy"), 20, log);
        await until(() => lines(log).includes("start"));
        future.cancel();
        await until(() => lines(log).includes("cancelled"));
        assert.ok(future.cancelled());
      },
      { defaultJobOptions: { attempts: 3 } },
    );
    // shutdown() waited for the job's end: a retry would have started it again by now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(lines(log), ["start", "cancelled"]);
  });

  it("refuses a file: URL or an absolute path, saying what to pass", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      const refused =
        /^a BullMQExecutor cannot send ".*": it names a file of the submitting machine, which a worker on another machine does not have; pass a package specifier or a path relative to the workers' --root \(\{ module: "\.\/jobs\.ts", name: "add" \}\)$/;
      assert.throws(() => executor.submit({ module: import.meta.url, name: "add" }), {
        name: "TypeError",
        message: refused,
      });
      assert.throws(() => executor.submit({ module: new URL(import.meta.url), name: "add" }), {
        message: refused,
      });
      assert.throws(() => executor.submit({ module: "/srv/jobs.ts", name: "add" }), { message: refused });
      assert.throws(() => executor.submit((a: number) => a, 1), {
        name: "TypeError",
        message: /^a BullMQExecutor sends functions by reference only: pass \{ module, name \}/,
      });
    });
  });

  it("an argument that cannot be serialised fails the submit with a DataCloneError", TIMEOUT, async () => {
    await withExecutor(async (executor) => {
      assert.throws(() => executor.submit(ref("add"), () => 1, 2), {
        name: "DataCloneError",
        message: /^an argument of add cannot travel to a BullMQ worker: .*could not be cloned/,
      });
    });
  });

  it(
    "a result that cannot be serialised fails the job with a DataCloneError, not retried",
    TIMEOUT,
    async () => {
      const log = newLog();
      await withExecutor(
        async (executor) => {
          await assert.rejects(async () => await executor.submit(ref("unsendable"), log), {
            name: "DataCloneError",
            message: /^the result of unsendable cannot travel to a BullMQ worker: .*could not be cloned/,
          });
        },
        { defaultJobOptions: { attempts: 3 } },
      );
      assert.deepEqual(lines(log), ["run"]);
    },
  );

  it("timeout: a Future whose job no worker takes fails with a TimeoutError saying so", TIMEOUT, async () => {
    await withExecutor(
      async (executor) => {
        await assert.rejects(async () => await executor.submit(ref("add"), 1, 2), {
          name: "TimeoutError",
          message:
            /^job [-_.0-9A-Za-z]+ \(\.\/bullmq-jobs\.ts#add\) of queue "bullmq-test-idle" did not finish within 0\.3 seconds: it is waiting: no worker took it; is one running for queue "bullmq-test-idle"\?$/,
        });
      },
      { queueName: "bullmq-test-idle", timeout: 0.3 },
    );
  });

  it(
    "shutdown({ cancelFutures: true }) cancels running and waiting jobs and waits for them",
    TIMEOUT,
    async () => {
      const logs3 = [newLog(), newLog(), newLog()];
      await asyncio.run(async () => {
        const executor = new BullMQExecutor({
          connection: { host: "127.0.0.1", port: redis.port },
          queueName: QUEUE,
        });
        const futures = logs3.map((log) => executor.submit(ref("sleepy"), 20, log));
        await until(() => logs3.filter((log) => lines(log).includes("start")).length === 2);
        await executor.shutdown({ wait: true, cancelFutures: true });
        assert.ok(futures.every((f) => f.cancelled()));
        assert.throws(() => executor.submit(ref("add"), 1, 2), {
          name: "RuntimeError",
          message: "cannot schedule new futures after shutdown",
        });
      });
      const seen = logs3.map(lines).sort((a, b) => b.length - a.length);
      assert.deepEqual(seen, [["start", "cancelled"], ["start", "cancelled"], []]);
    },
  );

  it("the worker command exits 0 on SIGTERM, after its closing line", TIMEOUT, async () => {
    assert.deepEqual(await stopWorkers(), [0, 0]);
    for (const { stdout } of workers) {
      assert.match(
        stdout,
        /^asyncio-ts worker: queue "bullmq-test" on redis:\/\/127\.0\.0\.1:\d+, concurrency 1, root .*test\/fixtures, pid \d+\n/,
      );
      assert.match(stdout, /asyncio-ts worker: closed \(done \d+, failed \d+\)\n$/);
    }
  });
});

describe("BullMQExecutor faults", () => {
  const FAULT_QUEUE = "bullmq-fault";
  // Short locks: a dead worker's job is found stalled within about two seconds.
  const SHORT_LOCKS = ["--lock-duration", "1", "--stalled-interval", "0.5"];
  let faultWorkers: { child: ChildProcess; stdout: string }[] = [];
  before(async () => {
    faultWorkers = await Promise.all([
      startWorker(FAULT_QUEUE, SHORT_LOCKS),
      startWorker(FAULT_QUEUE, SHORT_LOCKS),
    ]);
  });
  after(async () => {
    await stopWorkers(faultWorkers);
  });

  it(
    "a worker killed mid-job: the other one runs the job again, and the Future gets one result",
    TIMEOUT,
    async () => {
      const log = newLog();
      await withExecutor(
        async (executor) => {
          const future = executor.submit(ref("sleepyPid"), 1, log);
          await until(() => lines(log).length > 0);
          const pid = Number(lines(log)[0]?.split(" ")[1]);
          const victim = faultWorkers.find((w) => w.child.pid === pid);
          assert.ok(victim !== undefined, `no worker has pid ${pid}`);
          victim.child.kill("SIGKILL");
          await asyncio.timeout(20).with(async () => {
            assert.equal(await future, "slept");
          });
          const seen = lines(log).map((line) => line.split(" "));
          assert.deepEqual(
            seen.map(([what]) => what),
            ["start", "start", "end"],
          );
          assert.notEqual(Number(seen[1]?.[1]), pid);
        },
        { queueName: FAULT_QUEUE },
      );
    },
  );
});

describe("BullMQExecutor: Redis restarted", () => {
  const QUEUE_R = "bullmq-restart";
  let persistent: RedisServer;
  let restartWorkers: { child: ChildProcess; stdout: string }[] = [];
  before(async () => {
    persistent = await startRedis({ appendonly: true, dir });
    const start = async (): Promise<{ child: ChildProcess; stdout: string }> => {
      const saved = redis;
      redis = persistent;
      try {
        return await startWorker(QUEUE_R, ["--lock-duration", "1", "--stalled-interval", "0.5"]);
      } finally {
        redis = saved;
      }
    };
    restartWorkers = [await start(), await start()];
  });
  after(async () => {
    await stopWorkers(restartWorkers);
    await persistent.stop();
  });

  it(
    "with appendonly yes: clients reconnect, the jobs survive and every Future completes",
    TIMEOUT,
    async () => {
      const jobLogs = [newLog(), newLog(), newLog(), newLog()];
      await asyncio.run(async () => {
        const executor = new BullMQExecutor({
          connection: { host: "127.0.0.1", port: persistent.port },
          queueName: QUEUE_R,
          timeout: 20,
        });
        try {
          const futures = jobLogs.map((log) => executor.submit(ref("sleepyPid"), 0.5, log));
          await until(() => jobLogs.some((log) => lines(log).length > 0));
          await persistent.restart(0.5);
          await asyncio.timeout(25).with(async () => {
            assert.deepEqual(await asyncio.gather(...futures), ["slept", "slept", "slept", "slept"]);
            assert.equal(await executor.submit(ref("add"), 1, 2), 3);
          });
        } finally {
          await executor.shutdown({ wait: true, cancelFutures: true });
        }
      });
      for (const log of jobLogs)
        assert.ok(
          lines(log).some((line) => line.startsWith("end ")),
          lines(log).join(),
        );
    },
  );
});

describe("BullMQExecutor: a job whose worker keeps dying", () => {
  const QUEUE_D = "bullmq-dying";
  const SHORT_LOCKS = ["--lock-duration", "1", "--stalled-interval", "0.5"];
  let dyingWorkers: { child: ChildProcess; stdout: string }[] = [];
  before(async () => {
    dyingWorkers = await Promise.all([1, 2, 3].map(() => startWorker(QUEUE_D, SHORT_LOCKS)));
  });
  after(async () => {
    await stopWorkers(dyingWorkers);
  });

  it("fails once it stalled more than BullMQ allows (maxStalledCount 1: two runs)", TIMEOUT, async () => {
    const log = newLog();
    await withExecutor(
      async (executor) => {
        await asyncio.timeout(20).with(async () => {
          await assert.rejects(async () => await executor.submit(ref("killWorker"), log), {
            name: "Error",
            message: "job stalled more than allowable limit",
          });
        });
      },
      { queueName: QUEUE_D },
    );
    const pids = lines(log).map((line) => line.split(" ")[1]);
    assert.equal(pids.length, 2, lines(log).join());
    assert.notEqual(pids[0], pids[1]);
  });
});

describe("runWorker", () => {
  it(
    "called from a running loop, runs the jobs as tasks of that loop, and close() ends it",
    TIMEOUT,
    async () => {
      const log = newLog();
      await asyncio.run(async () => {
        const handle = await runWorker({
          connection: { host: "127.0.0.1", port: redis.port },
          queueName: "bullmq-inprocess",
          root: "test/fixtures",
          concurrency: 2,
        });
        try {
          await withinLoop(handle, log);
        } finally {
          await handle.close();
        }
        assert.deepEqual({ ...handle.counts }, { done: 1, failed: 1, running: 0 });
      });
      assert.deepEqual(lines(log), ["start", "cancelled"]);
    },
  );
  it(
    "a result over maxResultSize fails the job with a RangeError saying its size, not retried; a bad maxResultSize is refused",
    TIMEOUT,
    async () => {
      const log = newLog();
      await asyncio.run(async () => {
        const connection = { host: "127.0.0.1", port: redis.port };
        await assert.rejects(
          async () => await runWorker({ connection, queueName: "bullmq-big", maxResultSize: 0 }),
          { name: "RangeError", message: "maxResultSize must be a positive integer of bytes, got 0" },
        );
        const handle = await runWorker({
          connection,
          queueName: "bullmq-big",
          root: "test/fixtures",
          maxResultSize: 1000,
        });
        const executor = new BullMQExecutor({
          connection,
          queueName: "bullmq-big",
          defaultJobOptions: { attempts: 3 },
        });
        try {
          // "j" and the JSON string's quotes: 998 characters make 1,001 bytes.
          assert.equal((await executor.submit<string>(ref("big"), 997, log)).length, 997);
          await assert.rejects(async () => await executor.submit(ref("big"), 998, log), {
            name: "RangeError",
            message:
              "the result of big is 1001 bytes encoded, more than maxResultSize (1000 bytes): pass large data by reference (a file, an object store's key)",
          });
        } finally {
          await executor.shutdown({ wait: true });
          await handle.close();
        }
        assert.deepEqual({ ...handle.counts }, { done: 1, failed: 1, running: 0 });
      });
      assert.deepEqual(lines(log), ["run", "run"]);
    },
  );
});

async function withinLoop(handle: { counts: { running: number } }, log: string): Promise<void> {
  const executor = new BullMQExecutor({
    connection: { host: "127.0.0.1", port: redis.port },
    queueName: "bullmq-inprocess",
  });
  try {
    assert.equal(await executor.submit(ref("add"), 1, 2), 3);
    const sleeping = executor.submit(ref("sleepy"), 20, log);
    await until(() => lines(log).includes("start"));
    // The job's task is one of this loop's tasks.
    const names = [...asyncio.allTasks()].map((t) => t.getName());
    assert.ok(
      names.some((name) => name.includes("bullmq-jobs.ts#sleepy")),
      names.join(),
    );
    assert.equal(handle.counts.running, 1);
    sleeping.cancel();
  } finally {
    await executor.shutdown({ wait: true, cancelFutures: true });
  }
}

describe("asyncio-ts worker in a terminal", () => {
  // util-linux's script(1) gives the worker a pseudo-terminal as stdout.
  const hasScript = spawnSync("script", ["--version"]).error === undefined;

  it(
    "shows the jobs done, failed and running, and exits 0 on SIGTERM",
    { ...TIMEOUT, skip: !hasScript && "no script(1)" },
    async () => {
      const queue = "bullmq-tty";
      const command = [
        process.execPath,
        "src/cli.ts",
        "worker",
        "--redis",
        redis.url,
        "--queue",
        queue,
        "--root",
        "test/fixtures",
      ]
        .map((arg) => `'${arg}'`)
        .join(" ");
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      // `exec`: the worker, not a shell, is the terminal's process (script runs $SHELL -c).
      const child = spawn("script", ["-qfec", `exec ${command}`, "/dev/null"], {
        env,
        stdio: ["pipe", "pipe", "inherit"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
      });
      const exited = once(child, "exit");
      try {
        await withExecutor(
          async (executor) => {
            await until(() => /pid (\d+)/.test(stdout));
            assert.deepEqual(await executor.map(ref("add"), [1, 2], [3, 4]), [4, 6]);
            await assert.rejects(async () => await executor.submit(ref("thrower"), 1), {
              name: "QuotaError",
            });
            await until(() => stdout.includes("done 2, failed 1, running 0"), 5);
          },
          { queueName: queue },
        );
      } finally {
        const pid = Number(/pid (\d+)/.exec(stdout)?.[1]);
        if (pid > 0) process.kill(pid, "SIGTERM");
        else child.kill("SIGKILL");
        await exited;
      }
      assert.equal(child.exitCode, 0);
      assert.match(stdout, /asyncio-ts worker: closed \(done 2, failed 1\)/);
    },
  );
});

describe("BullMQExecutor: the queue's event stream", () => {
  let client: Redis;
  const streamWorkers: { child: ChildProcess; stdout: string }[] = [];
  before(() => {
    client = new Redis(redis.url);
  });
  after(async () => {
    await stopWorkers(streamWorkers);
    await client.quit();
  });

  it(
    "a Future whose 'completed' event fell off a small stream still settles, with its result",
    TIMEOUT,
    async () => {
      const queue = "bullmq-lost";
      const n = 300;
      await withExecutor(
        async (executor) => {
          const futures = Array.from({ length: n }, (_, i) => executor.submit<number>(ref("add"), i, i));
          for (let i = 0; (await client.llen(`bull:${queue}:wait`)) < n; i++) {
            assert.ok(i < 200, "the jobs did not reach Redis within 10 s");
            await asyncio.sleep(0.05);
          }
          // A worker starts while this thread blocks, so that the executor reads no event until
          // the worker has finished every job: the stream (capped at 20 events, trimmed by
          // Redis's nodes of 100) keeps only the last ones.
          const child = spawn(
            process.execPath,
            ["src/cli.ts", "worker", "--redis", redis.url, "--queue", queue, "--root", "test/fixtures"],
            { env: { ...process.env, NODE_TEST_CONTEXT: undefined }, stdio: ["ignore", "ignore", "inherit"] },
          );
          streamWorkers.push({ child, stdout: "" });
          const pause = new Int32Array(new SharedArrayBuffer(4));
          for (let i = 0; ; i++) {
            const done = spawnSync(
              "redis-cli",
              ["-p", String(redis.port), "ZCARD", `bull:${queue}:completed`],
              {
                encoding: "utf8",
              },
            );
            if (Number(done.stdout) === n) break;
            assert.ok(
              i < 1000,
              `the worker did not finish the jobs within 20 s: ${done.stdout}${done.stderr}`,
            );
            Atomics.wait(pause, 0, 0, 20);
          }
          const info = (await client.xinfo("STREAM", `bull:${queue}:events`)) as unknown[];
          const added = Number(info[info.indexOf("entries-added") + 1]);
          const kept = Number(info[info.indexOf("length") + 1]);
          assert.ok(added - kept > 2 * n && kept < n, `events added ${added}, kept ${kept}`);
          await asyncio.timeout(10).with(async () => {
            const results = await asyncio.gather(...futures);
            assert.deepEqual(
              results,
              Array.from({ length: n }, (_, i) => 2 * i),
            );
          });
        },
        { queueName: queue, eventsMaxLen: 20 },
      );
    },
  );

  it(
    "by default the stream's cap follows the jobs in flight, raised and never lowered; eventsMaxLen fixes it",
    TIMEOUT,
    async () => {
      const queue = "bullmq-cap";
      const meta = `bull:${queue}:meta`;
      const cap = async (): Promise<number> => Number(await client.hget(meta, "opts.maxLenEvents"));
      await client.hset(meta, "opts.maxLenEvents", "100");
      streamWorkers.push(await startWorker(queue, ["--concurrency", "50"]));
      const n = 1300;
      await withExecutor(
        async (executor) => {
          assert.equal(await executor.submit(ref("add"), 1, 2), 3);
          assert.equal(await cap(), 10_000);
          const futures = Array.from({ length: n }, (_, i) => executor.submit<number>(ref("add"), i, 1));
          const results = await asyncio.gather(...futures);
          assert.equal(results.at(-1), n);
          assert.ok((await cap()) >= 8 * n, `cap ${await cap()}`);
        },
        { queueName: queue },
      );
      const raised = await cap();
      await withExecutor(
        async (executor) => {
          assert.equal(await executor.submit(ref("add"), 1, 2), 3);
          assert.equal(await cap(), raised);
        },
        { queueName: queue },
      );
      await withExecutor(
        async (executor) => {
          assert.equal(await executor.submit(ref("add"), 1, 2), 3);
          assert.equal(await cap(), 500);
        },
        { queueName: queue, eventsMaxLen: 500 },
      );
      for (const bad of [0, -1, 1.5, Number.NaN]) {
        assert.throws(
          () => new BullMQExecutor({ connection: redis.url, queueName: queue, eventsMaxLen: bad }),
          {
            name: "RangeError",
            message: `eventsMaxLen must be a positive integer (events the queue's stream keeps), got ${bad}`,
          },
        );
      }
    },
  );
});

describe("the tests' redis-server set-up", () => {
  const HINT = "`sudo apt-get install -y redis-server`";
  it("without redis-server and no way to install it: one line naming the command to run", () => {
    assert.throws(
      () => {
        ensureRedisServer("no-such-redis-server", null);
      },
      {
        message: `no-such-redis-server is not installed: run ${HINT} and run the tests again`,
      },
    );
  });

  it("installs it when it can, else one line naming the command to run", () => {
    const bin = join(dir, "fake-redis-server");
    ensureRedisServer(bin, `printf '#!/bin/sh\\necho v1\\n' > ${bin} && chmod +x ${bin}`);
    assert.equal(spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout, "v1\n");
    const missing = join(dir, "missing-redis-server");
    assert.throws(
      () => {
        ensureRedisServer(missing, "echo no apt here >&2; exit 100");
      },
      {
        message: `${missing} is not installed and \`echo no apt here >&2; exit 100\` failed (exit 100: no apt here): run ${HINT}`,
      },
    );
    assert.throws(
      () => {
        ensureRedisServer(missing, "true");
      },
      {
        message: `${missing} is still missing after \`true\`: run ${HINT}`,
      },
    );
  });

  it("runs apt-get only as root, where apt-get exists", () => {
    const root = process.getuid?.() === 0 && spawnSync("apt-get", ["--version"]).error === undefined;
    assert.equal(defaultInstall(), root ? "apt-get update -qq && apt-get install -y -qq redis-server" : null);
  });
});

describe("encode and decode", () => {
  it("JSON for primitives JSON keeps exactly and plain arrays of them, v8.serialize for the rest; both come back the same", () => {
    const json: unknown[] = [0, 1.5, 1.1e-300, "", "a\ud800b", true, null, [], [1, "x", false, null]];
    const v8: unknown[] = [-0, Number.NaN, Infinity, undefined, 1n, [-0], [1, undefined], [[1]], { a: 1 }];
    // eslint-disable-next-line no-sparse-arrays -- a hole must stay a hole
    v8.push([1, , 3], Object.assign([1], { x: 2 }), new Map([[1, 2]]));
    for (const [value, tag] of [...json.map((v) => [v, "j"]), ...v8.map((v) => [v, "/"])]) {
      const text = encode(value, "a value");
      assert.equal(text[0], tag, text);
      const back = decode(text);
      assert.deepStrictEqual(back, value);
      if (Array.isArray(value)) assert.deepStrictEqual(Object.keys(back as object), Object.keys(value));
    }
  });
});

describe("connectionFromUrl", () => {
  it("reads host, port, user, password, db and TLS from a redis:// or rediss:// URL", () => {
    assert.deepEqual(connectionFromUrl("redis://127.0.0.1"), { host: "127.0.0.1", port: 6379 });
    assert.deepEqual(connectionFromUrl("rediss://me:p%40ss@cache.example:7000/2"), {
      host: "cache.example",
      port: 7000,
      username: "me",
      password: "p@ss",
      db: 2,
      tls: {},
    });
    assert.deepEqual(connectionFromUrl("redis://:secret@h:1"), { host: "h", port: 1, password: "secret" });
    assert.throws(() => connectionFromUrl("http://h:1"), {
      name: "TypeError",
      message: 'expected a redis:// or rediss:// URL, got "http://h:1"',
    });
    assert.throws(() => connectionFromUrl("127.0.0.1:6379"), {
      name: "TypeError",
      message: 'expected a Redis URL such as redis://127.0.0.1:6379, got "127.0.0.1:6379"',
    });
  });
});
