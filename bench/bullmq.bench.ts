// BullMQ: asyncio-ts/bullmq against raw BullMQ, on a redis-server of its own (a free port of
// 127.0.0.1, no persistence) and worker processes of its own (bench/_bullmq-worker.ts), started
// by a side's first repetition and kept for its others (each batch opens and closes its executor,
// or Queue and QueueEvents, and times after a warm-up job).
// - tiny: {n} jobs `add(i, i)` on one worker process with concurrency 50, all submitted, then all
//   awaited. asyncio-ts: BullMQExecutor.submit({ module, name }, i, i) × n, gather(); raw:
//   Queue.add × n and one QueueEvents waiting for their 'completed' events, a plain Worker. Also
//   the CPU time the submitting process and the worker process spent on the batch (user +
//   system): what the executor and the worker themselves cost, which a loaded host's wall time
//   hides.
// - cpu: 8 jobs of ~100 ms of busy work on 1, 2 and 4 worker processes of concurrency 1 (a queue
//   for each; all the workers start at once, before anything is timed); the
//   per-job overhead is (batch time on 1 worker − the same 8 computations run here) ÷ 8.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import * as asyncio from "../src/index.ts";
import { BullMQExecutor } from "../src/bullmq/index.ts";
import type { Socket } from "node:net";
import { type RedisServer, startRedis } from "../test/helpers/redis.ts";
import { benchMain, defineBench, type Metrics, msSince, now } from "./_harness.ts";
import { cpuMsOf } from "./_proc.ts";
import { spin } from "./_workers.ts";

type Side = "asyncio-ts" | "raw";

const TINY_CONCURRENCY = 50;
const CPU_JOBS = 8;
/** ~100 ms of spin() (~1.9 ns a step). */
const CPU_ITERS = 52_000_000;
const PROCESS_COUNTS = [1, 2, 4] as const;
const WORKER = fileURLToPath(new URL("./_bullmq-worker.ts", import.meta.url));
const JOBS = "./_workers.ts";
/**
 * The events the raw side's queue keeps (BullMQ's default, 10,000, loses 'completed' events of
 * 10k jobs submitted at once: about 4 events a job). BullMQExecutor sizes its queue's cap itself.
 */
const EVENTS_CAP = 200_000;
const BATCH_TIMEOUT_MS = 60_000;

let queueCount = 0;

/** Where worker processes cache their compiled (and type-stripped) modules: quicker starts. */
const COMPILE_CACHE = join(tmpdir(), "asyncio-ts-bench-compile-cache");

/**
 * Start a worker process of `side` for `queues` into `children` (to be stopped by the caller even
 * if it fails to start); resolves with it once it is ready. It exits when its stdin closes: when this
 * process dies, killed by the harness's time limit, its workers do not outlive it.
 */
async function startWorker(
  children: ChildProcess[],
  side: Side,
  url: string,
  queues: readonly string[],
  concurrency: number,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER, side, url, queues.join(","), String(concurrency)], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
  });
  children.push(child);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`a ${side} worker did not start within 20 s`));
    }, 20_000);
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`a ${side} worker exited with ${code ?? "a signal"} before it was ready`));
    });
  });
  return child;
}

async function stopWorkers(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }),
  );
}

/** A batch's wall time, this process's CPU time and the worker's (user + system; null off Linux), in milliseconds. */
interface Timing {
  ms: number;
  cpu: number;
  workerCpu: number | null;
}

/** The CPU time process `pid` spent since `start` (a {@link cpuMsOf} reading), or null. */
function workerCpuSince(pid: number | undefined, start: number | null): number | null {
  const end = cpuMsOf(pid);
  return start === null || end === null ? null : end - start;
}

/** This process's CPU time since `start` (`process.cpuUsage()`), in milliseconds. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

let batchCount = 0;

/**
 * Time `jobs` (each [name, data-or-args]) from the first submit to the last result, after one
 * warm-up job; the queue may hold the jobs of earlier batches.
 */
async function timeBatch(
  side: Side,
  url: string,
  queue: string,
  jobs: { name: "add" | "spin"; args: number[]; data: Record<string, number> }[],
  check: (results: number[]) => void,
  workerPid?: number,
): Promise<Timing> {
  const check1 = (r: number): void => {
    if (r !== 2) throw new Error(`warm-up job: ${r}`);
  };
  if (side === "asyncio-ts") {
    return await asyncio.run(async () => {
      const executor = new BullMQExecutor({ connection: url, queueName: queue });
      check1(await executor.submit<number>({ module: JOBS, name: "add" }, 1, 1));
      const w0 = cpuMsOf(workerPid);
      const c0 = process.cpuUsage();
      const t0 = now();
      const futures = jobs.map((job) =>
        executor.submit<number>({ module: JOBS, name: job.name }, ...job.args),
      );
      const results: number[] = await asyncio.gather(...futures);
      const timing = { ms: msSince(t0), cpu: cpuSince(c0), workerCpu: workerCpuSince(workerPid, w0) };
      await executor.shutdown();
      check(results);
      return timing;
    });
  }
  const { hostname, port } = new URL(url);
  const connection = { host: hostname, port: Number(port) };
  const q = new Queue(queue, { connection, streams: { events: { maxLen: EVENTS_CAP } } });
  // Reading the queue's event stream from the start misses nothing (the job ids are this batch's).
  const events = new QueueEvents(queue, { connection, lastEventId: "0-0" });
  const tag = `b${batchCount++}`;
  const waiting = new Map<string, (value: number) => void>();
  const waitFor = (id: string): Promise<number> =>
    new Promise<number>((resolve) => {
      waiting.set(id, resolve);
    });
  events.on("completed", ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
    waiting.get(jobId)?.(Number(returnvalue));
  });
  const first = waitFor(`${tag}-first`);
  await q.add("add", { a: 1, b: 1 }, { jobId: `${tag}-first` });
  check1(await first);
  const w0 = cpuMsOf(workerPid);
  const c0 = process.cpuUsage();
  const t0 = now();
  const done = jobs.map((_, i) => waitFor(`${tag}-${i}`));
  const added = jobs.map((job, i) => q.add(job.name, job.data, { jobId: `${tag}-${i}` }));
  await Promise.all(added);
  const results = await Promise.all(done);
  const timing = { ms: msSince(t0), cpu: cpuSince(c0), workerCpu: workerCpuSince(workerPid, w0) };
  await events.close();
  await q.close();
  check(results);
  return timing;
}

/** `p`, or an Error after {@link BATCH_TIMEOUT_MS}: the caller then stops its processes itself (the harness kills a late child with SIGKILL). */
async function inTime<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`${what} took over ${BATCH_TIMEOUT_MS / 1000} s`));
    }, BATCH_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A shell that shuts the redis-server on `port` down once this process is gone: when it ends, or
 * when the harness kills it with SIGKILL for overrunning its time limit.
 */
function redisWatchdog(port: number): void {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; redis-cli -p ${port} shutdown nosave`;
  spawn("sh", ["-c", script], { stdio: "ignore", detached: true }).unref();
}

/**
 * A redis-server and the worker processes of one side, started by its first repetition and kept
 * for the others (starting five Node processes costs a loaded 2-CPU host seconds a repetition,
 * and the harness gives a contender 3 minutes): none keeps this process alive, and when it exits
 * the workers see their stdin end and the watchdog shuts the server down.
 */
interface Farm {
  redis: RedisServer;
  tinyQueue: string;
  /** The process id of the tiny jobs' worker. */
  tinyWorker: number | undefined;
  /** The queue of each CPU batch, by its number of workers. */
  cpuQueues: Map<number, string>;
}

const farms = new Map<Side, Promise<Farm>>();

async function startFarm(side: Side): Promise<Farm> {
  const redis = await startRedis();
  redisWatchdog(redis.port);
  const children: ChildProcess[] = [];
  try {
    const tinyQueue = `bench-${process.pid}-${queueCount++}`;
    // A queue for each CPU batch, with 1, 2 and 4 workers: worker process i serves the queues of
    // the batches with i workers or more (idle workers wait on Redis), so that every process
    // starts at once, before anything is timed.
    const cpuQueues = new Map(PROCESS_COUNTS.map((count) => [count, `bench-${process.pid}-${queueCount++}`]));
    const maxCount = Math.max(...PROCESS_COUNTS);
    const [tiny] = await Promise.all([
      startWorker(children, side, redis.url, [tinyQueue], TINY_CONCURRENCY),
      ...Array.from({ length: maxCount }, (_, i) =>
        startWorker(
          children,
          side,
          redis.url,
          PROCESS_COUNTS.filter((count) => count > i).map((count) => cpuQueues.get(count) ?? ""),
          1,
        ),
      ),
    ]);
    for (const child of children) {
      child.unref();
      for (const pipe of [child.stdin, child.stdout]) (pipe as Socket | null)?.unref();
    }
    redis.unref();
    return { redis, tinyQueue, tinyWorker: tiny.pid, cpuQueues };
  } catch (e) {
    await stopWorkers(children);
    await redis.stop();
    throw e;
  }
}

async function contender(side: Side, n: number): Promise<Metrics> {
  let farm = farms.get(side);
  if (farm === undefined) {
    farm = startFarm(side);
    farms.set(side, farm);
  }
  const { redis, tinyQueue, tinyWorker, cpuQueues } = await farm;
  const metrics: Metrics = {};
  const tiny = Array.from({ length: n }, (_, i) => ({
    name: "add" as const,
    args: [i, i],
    data: { a: i, b: i },
  }));
  const tinyTiming = await inTime(
    timeBatch(
      side,
      redis.url,
      tinyQueue,
      tiny,
      (results) => {
        let sum = 0;
        for (const r of results) sum += r;
        if (results.length !== n || sum !== n * (n - 1)) throw new Error(`wrong results for n = ${n}`);
      },
      tinyWorker,
    ),
    "the tiny jobs",
  );
  metrics.tiny = tinyTiming.ms;
  metrics.tinyCpu = tinyTiming.cpu;
  if (tinyTiming.workerCpu !== null) metrics.tinyWorkerCpu = tinyTiming.workerCpu;
  // the CPU-bound batch, here first: the pure compute time
  const expected = spin(CPU_ITERS);
  const t0 = now();
  for (let i = 0; i < CPU_JOBS; i++) spin(CPU_ITERS);
  const compute = msSince(t0);
  const cpu = Array.from({ length: CPU_JOBS }, () => ({
    name: "spin" as const,
    args: [CPU_ITERS],
    data: { iters: CPU_ITERS },
  }));
  for (const count of PROCESS_COUNTS) {
    const timing = await inTime(
      timeBatch(side, redis.url, cpuQueues.get(count) ?? "", cpu, (results) => {
        if (results.length !== CPU_JOBS || results.some((r) => r !== expected))
          throw new Error("wrong spin results");
      }),
      `the cpu batch on ${count} workers`,
    );
    metrics[`cpu${count}`] = timing.ms;
  }
  metrics.compute = compute;
  metrics.overhead = ((metrics.cpu1 ?? NaN) - compute) / CPU_JOBS;
  return metrics;
}

export const bench = defineBench({
  name: "bullmq",
  title:
    `{n} tiny jobs on 1 worker process (concurrency ${TINY_CONCURRENCY}), submitted at once and awaited; ` +
    `${CPU_JOBS} CPU-bound jobs (~100 ms each) on 1, 2 and 4 worker processes (concurrency 1)`,
  n: 10_000,
  quickN: 1_000,
  metrics: [
    { key: "tiny", label: "tiny jobs", unit: "ms" },
    { key: "tinyCpu", label: "tiny jobs, CPU of the submitter", unit: "ms" },
    { key: "tinyWorkerCpu", label: "tiny jobs, CPU of the worker", unit: "ms" },
    { key: "cpu1", label: "cpu batch, 1 worker", unit: "ms", scaling: "none" },
    { key: "cpu2", label: "cpu batch, 2 workers", unit: "ms", scaling: "none" },
    { key: "cpu4", label: "cpu batch, 4 workers", unit: "ms", scaling: "none" },
    { key: "compute", label: "cpu batch, computed here", unit: "ms", scaling: "none" },
    { key: "overhead", label: "per-job overhead", unit: "ms", scaling: "none" },
  ],
  python: false,
  // Each repetition starts its own processes, and times its batches after a warm-up job; a
  // warm-up repetition would not fit the harness's 3 minutes per contender with 5 repetitions.
  warmup: 0,
  contenders: {
    "asyncio-ts": (n) => contender("asyncio-ts", n),
    raw: (n) => contender("raw", n),
  },
  targets: [
    {
      text: "10k tiny jobs through BullMQExecutor: within 1.3x raw Queue.add + QueueEvents",
      metric: "tiny",
      kind: "within",
      vs: "raw",
      factor: 1.3,
    },
  ],
  notes: [
    "each contender starts its own redis-server (--save '' --appendonly no) and worker processes " +
      "(bench/_bullmq-worker.ts) in its first repetition and keeps them; each batch is timed from the first submit " +
      "to the last result, after one warm-up job (executor or Queue + QueueEvents open); raw's Queue keeps " +
      `${EVENTS_CAP.toLocaleString("en-US")} events (streams.events.maxLen); BullMQExecutor sizes its queue's cap to its jobs in flight`,
    `asyncio-ts: BullMQExecutor.submit({ module: '${JOBS}', name }, ...args) × n, gather(); workers: runWorker`,
    "raw: Queue.add(name, data, { jobId }) × n, one QueueEvents resolving each job on 'completed'; " +
      "workers: a plain BullMQ Worker calling the same functions",
    `cpu: ${CPU_JOBS} × spin(${CPU_ITERS.toLocaleString("en-US")}); speed-up = cpu batch on 1 worker ÷ on k; ` +
      "overhead = (batch on 1 worker − computed here) ÷ jobs; this machine reports 2 CPUs (4 workers cannot beat 2), " +
      "and the speed-up is only as good as the CPU time the host gives it at the time",
  ],
});

if (import.meta.main) await benchMain(bench);
