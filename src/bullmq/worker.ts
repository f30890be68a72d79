/**
 * `runWorker`: a BullMQ worker that runs the jobs of a {@link BullMQExecutor}. Each job's function
 * is imported by reference (a package specifier, or a path relative to `root`) and runs as a Task
 * on one asyncio loop, started eagerly (a synchronous job is done before the task is returned): the
 * running loop when `runWorker` is called from one, else a loop of its own that runs until
 * `close()`; cancelling the job (its Future's cancel, or
 * BullMQ's `worker.cancelJob`) cancels that task, and the job fails without retry.
 * @module
 */
import { Buffer } from "node:buffer";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConnectionOptions, Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { peekRunningLoop } from "../events.ts";
import { CancelledError } from "../exceptions.ts";
import { loadPeer } from "../internal/peers.ts";
import { errorPayload } from "../internal/run-job.ts";
import { Runner } from "../runners.ts";
import { Task } from "../tasks.ts";
import {
  cancelChannel,
  connectionFromUrl,
  connectionOptionsFor,
  decode,
  encode,
  type JobData,
} from "./wire.ts";

/** The default `maxResultSize`: 64 MiB. */
const MAX_RESULT_SIZE = 64 * 1024 * 1024;

/** The options of {@link runWorker}. */
export interface WorkerOptions {
  /** A `redis://` URL, or BullMQ's connection options (ioredis options: `{ host, port }`). */
  connection: ConnectionOptions | string;
  /** The queue's name, as the executor's. */
  queueName: string;
  /** How many jobs run at once (default 1). */
  concurrency?: number;
  /** The directory that relative module paths of jobs start from (default: the current one). */
  root?: string;
  /** BullMQ's lock duration, in seconds (default BullMQ's, 30). */
  lockDuration?: number;
  /** How often BullMQ looks for stalled jobs, in seconds (default BullMQ's, 30). */
  stalledInterval?: number;
  /**
   * The most bytes a job's encoded result may take (default 64 MiB): Redis keeps it in the job
   * and in the queue's event stream. A larger result fails the job, without a retry, with a
   * RangeError that says its size; pass large data by reference (a file, an object store's key).
   */
  maxResultSize?: number;
  /**
   * Called with each error of the worker's connections (ioredis reconnects by itself); by default
   * one line on stderr, when it differs from the previous one.
   */
  onError?: (error: unknown) => void;
}

/** The jobs a worker has run, and runs. */
export interface WorkerCounts {
  done: number;
  failed: number;
  running: number;
}

/** A running worker: {@link runWorker}'s result. */
export interface WorkerHandle {
  /** The BullMQ worker. */
  readonly worker: Worker;
  /** Jobs done, failed and running so far. */
  readonly counts: Readonly<WorkerCounts>;
  /** Stop taking jobs, wait for the running ones, close the connections and the loop. */
  close(): Promise<void>;
}

type AnyFn = (...args: unknown[]) => unknown;

/** A job's function, imported, with the strings its jobs need (made once, not per job). */
interface JobFn {
  readonly fn: AnyFn;
  /** `module#name`: its tasks' names start with it. */
  readonly label: string;
  /** What `encode` calls its result in its error. */
  readonly resultWhat: string;
}

/** How many ids of jobs cancelled before their worker started them are remembered. */
const REMEMBERED_CANCELS = 10_000;

/**
 * Store what the job threw in its data, for the executor to rebuild, and return the Error BullMQ
 * is to fail the job with: its message is kept beside the payload, so that the executor uses the
 * payload only for the failure it belongs to (not for a later attempt that stalled).
 */
async function failWith(job: Job, data: JobData, error: unknown, thrown: Error): Promise<Error> {
  await job.updateData({ ...data, error: encode(errorPayload(error), "the error"), reason: thrown.message });
  return thrown;
}

/** A job's module as a specifier to import: a path (`./x.ts`, `x.js`) starts from `root`. */
function specifier(module: string, root: string): string {
  if (module.startsWith(".") || /\.[cm]?[jt]s$/.test(module))
    return pathToFileURL(resolve(root, module)).href;
  return module;
}

/**
 * Start a BullMQ worker for `queueName` whose jobs run as tasks on an asyncio loop of this process.
 * Resolves once it is connected and listens for cancels.
 * @extension
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerHandle> {
  const { queueName, concurrency = 1, root = process.cwd(), maxResultSize = MAX_RESULT_SIZE } = options;
  const connection =
    typeof options.connection === "string" ? connectionFromUrl(options.connection) : options.connection;
  if (typeof queueName !== "string" || queueName === "") {
    throw new TypeError("runWorker needs a queueName: runWorker({ connection, queueName })");
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${String(concurrency)}`);
  }
  if (!Number.isInteger(maxResultSize) || maxResultSize < 1) {
    throw new RangeError(`maxResultSize must be a positive integer of bytes, got ${String(maxResultSize)}`);
  }
  const bullmq = loadPeer("bullmq") as typeof import("bullmq");
  const IORedis = (loadPeer("ioredis") as { Redis: new (options: object) => Redis }).Redis;

  // Called from a running loop (a program's asyncio.run), the jobs run on it; else on a loop of
  // the worker's own, running until close().
  const outer = peekRunningLoop();
  const runner = outer === null ? new Runner() : null;
  const loop = outer ?? (runner as Runner).getLoop();
  const loopDone = runner === null ? null : loop.runForever();
  const endLoop = async (): Promise<void> => {
    if (runner === null) return;
    loop.stop();
    await loopDone;
    await runner.close();
  };

  const counts: WorkerCounts = { done: 0, failed: 0, running: 0 };
  // The functions imported, by module, then by name.
  const functions = new Map<string, Map<string, JobFn>>();
  // Cancels that came before their job started here (it had just become active).
  const cancelled = new Set<string>();

  const importFn = async (module: string, name: string): Promise<JobFn> => {
    const mod = (await import(specifier(module, root))) as Record<string, unknown>;
    const fn = mod[name];
    if (typeof fn !== "function") {
      throw new TypeError(`${module} (from ${root}) has no exported function named ${JSON.stringify(name)}`);
    }
    let byName = functions.get(module);
    if (byName === undefined) functions.set(module, (byName = new Map<string, JobFn>()));
    const entry = { fn: fn as AnyFn, label: `${module}#${name}`, resultWhat: `the result of ${name}` };
    byName.set(name, entry);
    return entry;
  };

  /**
   * The job failed with `e` (what it threw, or a CancelledError): store `e` for the executor and
   * fail the job with `thrown` (by default `e`, or an UnrecoverableError when it was cancelled).
   */
  const fail = async (job: Job, data: JobData, e: unknown, thrown?: Error): Promise<never> => {
    try {
      thrown ??=
        e instanceof CancelledError
          ? new bullmq.UnrecoverableError(`job ${job.id ?? ""} was cancelled`)
          : e instanceof Error
            ? e
            : new Error(String(e));
      throw await failWith(job, data, e, thrown);
    } finally {
      counts.running--;
    }
  };

  /** The outcome of the job's task, done: its encoded result, or the job's failure. */
  const outcome = (job: Job, data: JobData, jobFn: JobFn, task: Task): string | Promise<never> => {
    if (task.cancelled()) return fail(job, data, new CancelledError());
    const e = task.exception();
    if (e !== null) return fail(job, data, e);
    let text: string;
    try {
      text = encode(task.result(), jobFn.resultWhat);
      // Base64 and ASCII JSON take a byte a character; only other JSON strings need counting.
      const size = text.length * 3 > maxResultSize ? Buffer.byteLength(text) : text.length;
      if (size > maxResultSize) {
        throw new RangeError(
          `${jobFn.resultWhat} is ${size} bytes encoded, more than maxResultSize (${maxResultSize} bytes): ` +
            "pass large data by reference (a file, an object store's key)",
        );
      }
    } catch (error) {
      // Running it again would make the same result.
      const message = error instanceof Error ? error.message : String(error);
      return fail(job, data, error, new bullmq.UnrecoverableError(message));
    }
    counts.running--;
    return text;
  };

  /**
   * Run the job as a task of the loop, started eagerly (its first step runs here, as CPython's
   * `eager_start`): a synchronous function, or one that finishes without suspending, is done
   * before the task is returned, and its outcome is read at once, without a trip through the
   * loop or a listener on the job's signal (it could not be cancelled mid-run anyway). A task that
   * suspends is cancelled by the job's signal while it runs.
   */
  const run = (
    job: Job,
    data: JobData,
    jobFn: JobFn,
    signal: AbortSignal | undefined,
  ): string | Promise<string> => {
    const id = job.id ?? "";
    let task: Task;
    try {
      if (cancelled.delete(id) || signal?.aborted === true) throw new CancelledError();
      const args = decode(data.args) as unknown[];
      const { fn } = jobFn;
      task = new Task(() => fn(...args), {
        loop,
        name: `${jobFn.label} (job ${id})`,
        eagerStart: true,
      });
    } catch (e) {
      return fail(job, data, e);
    }
    if (task.done()) return outcome(job, data, jobFn, task);
    return new Promise<string>((resolveJob) => {
      const onAbort = (): void => {
        task.cancel();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      task.addDoneCallback(() => {
        signal?.removeEventListener("abort", onAbort);
        resolveJob(outcome(job, data, jobFn, task));
      });
    });
  };

  /** The first job of a function not imported yet: import it, then run the job. */
  const importAndRun = async (job: Job, data: JobData, signal: AbortSignal | undefined): Promise<string> => {
    let jobFn: JobFn;
    try {
      jobFn = await importFn(data.module, data.name);
    } catch (e) {
      return fail(job, data, e);
    }
    return run(job, data, jobFn, signal);
  };

  // Declared with its three parameters, so that BullMQ passes the job's AbortSignal.
  const processor = (
    job: Job,
    _token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string> => {
    const data = job.data as JobData;
    counts.running++;
    let jobFn: JobFn | undefined;
    try {
      jobFn = functions.get(data.module)?.get(data.name);
    } catch (e) {
      return fail(job, data, e);
    }
    if (jobFn === undefined) return importAndRun(job, data, signal);
    const result = run(job, data, jobFn, signal);
    return typeof result === "string" ? Promise.resolve(result) : result;
  };

  const worker = new bullmq.Worker(queueName, processor, {
    connection,
    concurrency,
    autorun: false,
    ...(options.lockDuration === undefined ? {} : { lockDuration: options.lockDuration * 1000 }),
    ...(options.stalledInterval === undefined ? {} : { stalledInterval: options.stalledInterval * 1000 }),
  });
  let lastError = "";
  const onError =
    options.onError ??
    ((error: unknown) => {
      const line = `asyncio-ts worker: ${String(error)}`;
      if (line === lastError) return;
      lastError = line;
      process.stderr.write(`${line}\n`);
    });
  worker.on("error", onError);
  worker.on("completed", () => {
    counts.done++;
  });
  worker.on("failed", () => {
    counts.failed++;
  });

  // A subscriber cannot send other commands: a connection of its own, even beside a client passed in.
  const subscriber = new IORedis(connectionOptionsFor(connection));
  subscriber.on("error", onError);
  subscriber.on("message", (_channel: string, jobId: string) => {
    if (worker.cancelJob(jobId, "cancelled by its submitter")) return;
    // Not running here (yet): remember it, in case this worker is about to start it.
    cancelled.add(jobId);
    if (cancelled.size > REMEMBERED_CANCELS) cancelled.delete(cancelled.values().next().value ?? "");
  });
  try {
    await subscriber.subscribe(cancelChannel(queueName));
    await worker.waitUntilReady();
  } catch (e) {
    subscriber.disconnect();
    await worker.close();
    await endLoop();
    throw e;
  }
  const running = worker.run();

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    await worker.close();
    await running;
    await subscriber.quit();
    await endLoop();
  };
  return {
    worker,
    counts,
    close: () => (closing ??= close()),
  };
}
