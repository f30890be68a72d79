/**
 * Executors: run functions on worker threads (`ThreadPoolExecutor`) or child processes
 * (`ProcessPoolExecutor`) and await them from the loop as Futures (Python's `concurrent.futures`
 * as `run_in_executor` and `to_thread` use it).
 *
 * **Differs from asyncio:** JavaScript threads share no heap, and processes never do. A function
 * travels either by source (`fn.toString()`, evaluated in the worker: it must be self-contained)
 * or by reference (`{ module: import.meta.url, name: "exportName" }`, an exported function of a
 * module the worker imports; `.ts` modules work, as Node 24 strips types). The worker runs that
 * module's top level: a job it starts there fails with a RuntimeError (a main script sending its
 * own export would otherwise start workers without end), so guard a script's top level with
 * `if (import.meta.main)`. Arguments and results cross by structured clone; what a job throws
 * comes back as far as a clone allows (an Error keeps its class, message, stack, cause and own
 * properties; see docs/io.md#executors). contextvars are not copied to the worker. See
 * docs/differences.md#worker-threads.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html
 * @module
 */
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { BaseEventLoop } from "./base-events.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { getRunningLoop } from "./events.ts";
import { BrokenProcessPool, BrokenThreadPool, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import {
  PoolExecutor,
  rebuildThrown,
  type PoolBackend,
  type PoolWorker,
  type WorkerHooks,
} from "./internal/pool.ts";
import { reprValue } from "./internal/repr.ts";
import { asDataCloneError, type CrashMessage, type ReplyMessage } from "./internal/run-job.ts";

/** An exported function of a module, named for a worker to import: `{ module: import.meta.url, name: "fn" }`. */
export interface FunctionRef {
  /** The module's URL (`import.meta.url`) or specifier the worker can import. */
  module: string | URL;
  /** The export's name. */
  name: string;
}

/** What an executor can run: a self-contained function (sent by source) or a {@link FunctionRef}. */
export type ExecutorFn<A extends unknown[] = unknown[], R = unknown> = ((...args: A) => R) | FunctionRef;

/** The awaited result type of a function. */
export type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;
/** The parameter types of a function. */
export type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : unknown[];

/** The options of {@link Executor.shutdown}. */
export interface ShutdownOptions {
  /** Resolve once every worker has ended (default true). */
  wait?: boolean;
  /** Cancel the queued jobs, and end the workers running a job whose Future is cancelled. */
  cancelFutures?: boolean;
}

/**
 * What `loop.runInExecutor` accepts (Python's `concurrent.futures.Executor`):
 * {@link ThreadPoolExecutor} and {@link ProcessPoolExecutor} implement it.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#executor-objects
 */
export interface Executor {
  /** Schedule `fn(...args)`; return a Future of the running loop for its result. */
  submit<F extends (...args: never[]) => unknown>(fn: F, ...args: ArgsOf<F>): Future<ResultOf<F>>;
  submit<R = unknown>(fn: FunctionRef, ...args: unknown[]): Future<R>;
  /** Run `fn` on the zipped items of the iterables; resolve with the results in order. */
  map<F extends (...args: never[]) => unknown>(
    fn: F | FunctionRef,
    ...iterables: Iterable<unknown>[]
  ): Promise<ResultOf<F>[]>;
  /** Refuse new work and end the workers; see {@link ShutdownOptions}. */
  shutdown(options?: ShutdownOptions): Promise<void>;
}

/** A worker script next to this module: `.ts` when running from source, `.js` from dist/. */
function internalScript(name: string): URL {
  return new URL(`./internal/${name}${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url);
}

const workerUrl = internalScript("worker");
const processWorkerUrl = internalScript("process-worker");

const threadBackend: PoolBackend = {
  className: "ThreadPoolExecutor",
  where: "worker thread",
  spawn(hooks: WorkerHooks): PoolWorker {
    const worker = new Worker(workerUrl);
    // An uncaught error in the worker ends it: the 'exit' that follows breaks the pool.
    let uncaught: { error: unknown } | null = null;
    worker.on("message", hooks.reply);
    worker.on("error", (error: unknown) => {
      uncaught = { error };
    });
    worker.on("exit", (code: number) => {
      hooks.exit(
        uncaught !== null ? uncaught.error : new Error(`the worker thread exited with code ${code}`),
      );
    });
    return {
      send: (message) => {
        worker.postMessage(message);
      },
      ref: () => {
        worker.ref();
      },
      unref: () => {
        worker.unref();
      },
      terminate: () => {
        void worker.terminate();
      },
    };
  },
  brokenJob: (cause) =>
    new BrokenThreadPool("A thread in the thread pool was terminated abruptly", { cause }),
  brokenSubmit: () => new BrokenThreadPool("A thread in the thread pool was terminated abruptly"),
};

/**
 * A pool of worker threads (Python's `concurrent.futures.ThreadPoolExecutor`). Workers start when
 * needed, up to `maxWorkers`, and are reused; an idle worker does not keep Node alive. A worker
 * that ends abruptly (`process.exit()` in a job, an uncaught error) fails its job and the pending
 * ones with {@link BrokenThreadPool}, and the pool refuses new work.
 *
 * **Differs from asyncio:** the threads share no heap with the loop; see the module notes and
 * docs/differences.md#worker-threads. `shutdown({ cancelFutures: true })` terminates a worker whose
 * running job's Future was cancelled (CPython cannot stop a thread); see
 * docs/differences.md#executor-cancel-running.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#threadpoolexecutor
 */
export class ThreadPoolExecutor extends PoolExecutor {
  /**
   * `new ThreadPoolExecutor(maxWorkers)`, as Python's `ThreadPoolExecutor(max_workers)`.
   * @param maxWorkers the most worker threads (default, or null: `min(32, cpus + 4)`, as Python).
   * @throws {RangeError} `max_workers must be greater than 0`, or if `maxWorkers` is not an integer.
   */
  constructor(maxWorkers?: number | null);
  /**
   * @deprecated Pass `maxWorkers` positionally: `new ThreadPoolExecutor(2)`, as Python's
   * `ThreadPoolExecutor(2)` (see docs/guide.md#error-messages-and-constructor-arguments).
   */
  constructor(options: { maxWorkers?: number | null });
  constructor(maxWorkers?: number | null | { maxWorkers?: number | null }) {
    const max = legacyOptions("ThreadPoolExecutor", maxWorkers, undefined, []).maxWorkers;
    super(max ?? Math.min(32, availableParallelism() + 4), threadBackend);
  }
}

/**
 * The first argument of a pool constructor from its deprecated form, `{ maxWorkers, ...options }`:
 * `[maxWorkers, options]`. An object with other keys, or both forms at once, is a TypeError that
 * shows the positional form.
 */
function legacyOptions(
  cls: string,
  first: unknown,
  options: ProcessPoolOptions | undefined,
  optionKeys: readonly string[],
): { maxWorkers: number | null | undefined; options: ProcessPoolOptions | undefined } {
  if (typeof first !== "object" || first === null) {
    return { maxWorkers: first as number | null | undefined, options };
  }
  const usage = optionKeys.length === 0 ? `new ${cls}(2)` : `new ${cls}(2, { ${optionKeys.join(", ")} })`;
  const unknown = Object.keys(first).filter((k) => k !== "maxWorkers" && !optionKeys.includes(k));
  if (options !== undefined || unknown.length > 0) {
    throw new TypeError(`${cls}() takes maxWorkers first, as a number: ${usage}, got ${reprValue(first)}`);
  }
  const { maxWorkers, ...rest } = first as ProcessPoolOptions & { maxWorkers?: number | null };
  return { maxWorkers, options: rest };
}

/** The options of {@link ProcessPoolExecutor} (its `maxWorkers` is the first argument). */
export interface ProcessPoolOptions {
  /**
   * @extension Node options of the children (default: this process's `execArgv` without the
   * test runner's, watch mode's and the inspector's options, which would break a child).
   */
  execArgv?: string[];
}

/** Options of a parent that a child must not inherit: they would run tests, watch, or bind a port. */
const PARENT_ONLY = /^--(test|experimental-test-|watch|inspect|debug)/;

/**
 * `process.execArgv` without the options of {@link PARENT_ONLY}. An entry that does not start
 * with "-" is the value of the option before it (`--import ./x.ts`): it goes with its option.
 */
function childExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (!PARENT_ONLY.test(arg)) {
      out.push(arg);
      continue;
    }
    if (!arg.includes("=") && !(argv[i + 1] ?? "-").startsWith("-")) i++;
  }
  return out;
}

function processBackend(execArgv: string[]): PoolBackend {
  return {
    className: "ProcessPoolExecutor",
    where: "child process",
    spawn(hooks: WorkerHooks): PoolWorker {
      // The test runner marks its children with NODE_TEST_CONTEXT; a pool's child is not one.
      const { NODE_TEST_CONTEXT: _, ...env } = process.env;
      const child = fork(fileURLToPath(processWorkerUrl), [], {
        execArgv,
        env,
        serialization: "advanced",
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      let ended = false;
      let crash: { error: unknown } | null = null;
      const exit = (cause: unknown): void => {
        if (ended) return;
        ended = true;
        hooks.exit(cause);
      };
      child.on("message", (message: ReplyMessage | CrashMessage) => {
        if ("crash" in message) crash = { error: rebuildThrown(message.crash, null, "child process") };
        else hooks.reply(message);
      });
      child.on("error", (e: Error) => {
        // A child that could not start has no 'exit' to wait for.
        if (child.pid === undefined) exit(e);
      });
      // A child that closed its IPC channel can take no more jobs: end it (its exit breaks the pool).
      child.on("disconnect", () => {
        child.kill("SIGKILL");
      });
      child.on("exit", (code, signal) => {
        const how = signal === null ? `exited with code ${code ?? 0}` : `was killed by ${signal}`;
        exit(crash !== null ? crash.error : new Error(`the child process ${child.pid ?? "?"} ${how}`));
      });
      return {
        send: (message) => {
          try {
            child.send(message);
          } catch (e) {
            throw asDataCloneError(e);
          }
        },
        // Bun's IPC channel has no ref()/unref() (Bun 1.4): its child.ref() is enough there.
        ref: () => {
          child.ref();
          const channel = child.channel as { ref?: () => void } | null | undefined;
          channel?.ref?.();
        },
        unref: () => {
          child.unref();
          const channel = child.channel as { unref?: () => void } | null | undefined;
          channel?.unref?.();
        },
        terminate: () => {
          child.kill("SIGKILL");
        },
      };
    },
    brokenJob: (cause) =>
      new BrokenProcessPool(
        "A process in the process pool was terminated abruptly while the future was running or pending.",
        { cause },
      ),
    brokenSubmit: () =>
      new BrokenProcessPool("A child process terminated abruptly, the process pool is not usable anymore"),
  };
}

/**
 * A pool of child processes (Python's `concurrent.futures.ProcessPoolExecutor`), started with
 * `child_process.fork` when needed, up to `maxWorkers`, and reused. Each child runs one job at a
 * time; arguments and results cross the IPC channel by structured clone (`serialization:
 * "advanced"`). The children inherit stdout and stderr (a job's `console.log` prints) but not
 * stdin. An idle child does not keep Node alive; `shutdown()` kills the children once idle. A
 * child that ends abruptly (`process.exit()` in a job, a signal, a crash) fails its job and the
 * pending ones with {@link BrokenProcessPool}, and the pool refuses new work.
 *
 * **Differs from asyncio:** functions travel by source or by `{ module, name }` reference, never
 * by pickling; see the module notes and docs/differences.md#worker-threads.
 * `shutdown({ cancelFutures: true })` kills a child whose running job's Future was cancelled
 * (CPython 3.13 lets it run on); see docs/differences.md#executor-cancel-running.
 * @example
 * ```ts
 * export function countPrimes(below: number): number { ... }
 *
 * // Each child imports this module to find countPrimes: only the main script runs the rest
 * // (Python's `if __name__ == "__main__":`).
 * if (import.meta.main) {
 *   await asyncio.run(async () => {
 *     await using pool = new asyncio.ProcessPoolExecutor(2);
 *     const n = await pool.submit({ module: import.meta.url, name: "countPrimes" }, 1e7);
 *   });
 * }
 * ```
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#processpoolexecutor
 */
export class ProcessPoolExecutor extends PoolExecutor {
  /**
   * `new ProcessPoolExecutor(maxWorkers, options)`, as Python's `ProcessPoolExecutor(max_workers)`.
   * @param maxWorkers the most child processes (default, or null: the number of CPUs,
   * `os.availableParallelism()`).
   * @throws {RangeError} `max_workers must be greater than 0`, or if `maxWorkers` is not an integer.
   */
  constructor(maxWorkers?: number | null, options?: ProcessPoolOptions);
  /**
   * @deprecated Pass `maxWorkers` positionally: `new ProcessPoolExecutor(2, { execArgv })`, as
   * Python's `ProcessPoolExecutor(2)` (see docs/guide.md#error-messages-and-constructor-arguments).
   */
  constructor(options: ProcessPoolOptions & { maxWorkers?: number | null });
  constructor(
    maxWorkers?: number | null | (ProcessPoolOptions & { maxWorkers?: number | null }),
    options?: ProcessPoolOptions,
  ) {
    const given = legacyOptions("ProcessPoolExecutor", maxWorkers, options, ["execArgv"]);
    super(
      given.maxWorkers ?? availableParallelism(),
      processBackend(given.options?.execArgv ?? childExecArgv()),
    );
  }
}

const defaultExecutors = new WeakMap<BaseEventLoop, ThreadPoolExecutor>();
const defaultShutdownCalled = new WeakSet<BaseEventLoop>();

/**
 * The default executor of `loop`, created when first needed (what `loop.runInExecutor(null, ...)`
 * and {@link toThread} use).
 * @throws {RuntimeError} `Executor shutdown has been called` after {@link shutdownDefaultExecutorFor}.
 */
export function defaultExecutorFor(loop: BaseEventLoop): ThreadPoolExecutor {
  if (defaultShutdownCalled.has(loop)) throw new RuntimeError("Executor shutdown has been called");
  let executor = defaultExecutors.get(loop);
  if (executor === undefined) {
    executor = new ThreadPoolExecutor();
    defaultExecutors.set(loop, executor);
  }
  return executor;
}

/**
 * Set the default executor of `loop` (`loop.setDefaultExecutor`).
 * @throws {TypeError} unless `executor` is a {@link ThreadPoolExecutor}.
 */
export function setDefaultExecutorFor(loop: BaseEventLoop, executor: ThreadPoolExecutor): void {
  if (!(executor instanceof ThreadPoolExecutor)) {
    throw new TypeError("executor must be ThreadPoolExecutor instance");
  }
  defaultExecutors.set(loop, executor);
}

/**
 * Shut the default executor of `loop` down, waiting for its jobs (`loop.shutdownDefaultExecutor`).
 * Past `timeout` seconds it warns (RuntimeWarning) and stops waiting; the workers still end once
 * their jobs are done. Afterwards the loop's default executor refuses work.
 */
export async function shutdownDefaultExecutorFor(
  loop: BaseEventLoop,
  timeout?: number | null,
): Promise<void> {
  defaultShutdownCalled.add(loop);
  const executor = defaultExecutors.get(loop);
  if (executor === undefined) return;
  const done = executor.shutdown({ wait: true });
  // true once the pool has drained, false at the timeout. Awaited through a future of the loop,
  // not the pool's promise, so that cancelling the caller (waitFor, a timeout) reaches it, as
  // CPython's `await future` inside `timeouts.timeout(timeout)`.
  const waiter = loop.createFuture<boolean>();
  const timer =
    timeout === undefined || timeout === null
      ? null
      : loop.callLater(timeout, () => {
          if (!waiter.done()) waiter.setResult(false);
        });
  void done.then(() => {
    if (!loop.isClosed()) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(true);
      });
    }
  });
  let finished: boolean;
  try {
    finished = await waiter;
  } finally {
    timer?.cancel();
  }
  if (!finished) {
    process.emitWarning(`The executor did not finishing joining its threads within ${timeout} seconds.`, {
      type: "RuntimeWarning",
    });
  }
}

/**
 * Run `fn(...args)` on a worker thread of the running loop's default executor and return its
 * result (Python's `asyncio.to_thread`): a coroutine, so nothing is submitted until it is
 * awaited or wrapped in a task, and cancelling it while the job is queued drops the job. See the
 * module notes on how a function travels.
 * **Differs from asyncio:** contextvars are not copied (the thread shares no heap).
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.to_thread
 */
export function toThread<F extends (...args: never[]) => unknown>(
  fn: F,
  ...args: ArgsOf<F>
): Coroutine<ResultOf<F>>;
export function toThread<R = unknown>(fn: FunctionRef, ...args: unknown[]): Coroutine<R>;
export function toThread(fn: ExecutorFn<never[]>, ...args: unknown[]): Coroutine {
  return libraryCoroutine("to_thread", undefined, submitToDefault, null, [fn, args]);
}

function submitToDefault(fn: ExecutorFn<never[]>, args: unknown[]): Future {
  return defaultExecutorFor(getRunningLoop()).submit(fn as FunctionRef, ...args);
}
