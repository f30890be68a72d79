/**
 * Executors: run functions on `node:worker_threads` and await them from the loop as Futures
 * (Python's `concurrent.futures.ThreadPoolExecutor` as `run_in_executor` and `to_thread` use it).
 *
 * **Differs from asyncio:** JavaScript threads share no heap. A function travels either by source
 * (`fn.toString()`, evaluated in the worker: it must be self-contained) or by reference
 * (`{ module: import.meta.url, name: "exportName" }`, an exported function of a module the worker
 * imports). Arguments and results cross by structured clone; an error comes back as an Error
 * keeping its name, message and stack. contextvars are not copied to the thread.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#threadpoolexecutor
 * @module
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { BaseEventLoop } from "./base-events.ts";
import { getRunningLoop } from "./events.ts";
import { BrokenThreadPool, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { bindOutsideTasks } from "./internal/context.ts";
import type { ErrorPayload, JobMessage, ReplyMessage } from "./internal/worker.ts";

/** An exported function of a module, named for a worker to import: `{ module: import.meta.url, name: "fn" }`. */
export interface FunctionRef {
  /** The module's URL (`import.meta.url`) or specifier the worker can import. */
  module: string | URL;
  /** The export's name. */
  name: string;
}

/** What an executor can run: a self-contained function (sent by source) or a {@link FunctionRef}. */
export type ExecutorFn<A extends unknown[] = unknown[], R = unknown> = ((...args: A) => R) | FunctionRef;

type ResultOf<F> = F extends (...args: never[]) => infer R ? Awaited<R> : unknown;
type ArgsOf<F> = F extends (...args: infer A) => unknown ? A : unknown[];

const workerUrl = new URL(
  import.meta.url.endsWith(".ts") ? "./internal/worker.ts" : "./internal/worker.js",
  import.meta.url,
);

const CLOSURE_HINT =
  "a function sent to a worker thread by source must be self-contained (it cannot use variables " +
  "of its enclosing scope): pass a self-contained function, or pass an exported function by " +
  'reference as { module: import.meta.url, name: "exportName" }';

const BROKEN_MESSAGE = "A thread in the thread pool was terminated abruptly";

const errorClasses: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

/** Rebuild an error posted back by a worker, keeping its name, message and stack. */
function rebuildError(payload: ErrorPayload, closure: boolean): Error {
  const cls = errorClasses[payload.name] ?? Error;
  const message = closure ? `${payload.message}: ${CLOSURE_HINT}` : payload.message;
  const err = new cls(message);
  if (err.name !== payload.name) {
    Object.defineProperty(err, "name", { value: payload.name, writable: true, configurable: true });
  }
  if (payload.stack !== undefined) {
    err.stack = closure ? payload.stack.replace(payload.message, message) : payload.stack;
  }
  if (payload.code !== undefined) {
    Object.defineProperty(err, "code", { value: payload.code, writable: true, configurable: true });
  }
  return err;
}

interface Job {
  readonly id: number;
  readonly message: JobMessage;
  readonly future: Future;
  readonly loop: BaseEventLoop;
}

interface Slot {
  readonly worker: Worker;
  job: Job | null;
  exiting: boolean;
}

let nextJobId = 1;

function describe(fn: unknown): Pick<JobMessage, "source" | "module" | "name"> {
  if (typeof fn === "function") {
    const source = Function.prototype.toString.call(fn);
    if (source.endsWith("{ [native code] }")) {
      throw new TypeError(
        `${fn.name || "the function"} is a native or bound function, which cannot be sent to a worker thread by source: ` +
          'pass a self-contained function, or { module: import.meta.url, name: "exportName" }',
      );
    }
    return { source, module: null, name: null };
  }
  if (typeof fn === "object" && fn !== null && "module" in fn && "name" in fn) {
    const ref = fn as FunctionRef;
    if (typeof ref.name !== "string") throw new TypeError("a function reference needs a string name");
    return { source: null, module: String(ref.module), name: ref.name };
  }
  throw new TypeError("expected a function or { module, name }");
}

/**
 * A pool of worker threads (Python's `concurrent.futures.ThreadPoolExecutor`). Workers start when
 * needed, up to `maxWorkers`, and are reused; an idle worker does not keep Node alive.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#threadpoolexecutor
 */
export class ThreadPoolExecutor {
  readonly #maxWorkers: number;
  readonly #queue = new Set<Job>();
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  #shutdown = false;
  #broken: string | null = null;
  #drained: (() => void) | null = null;
  #drainedPromise: Promise<void> | null = null;

  /**
   * @param options.maxWorkers the most worker threads (default `min(32, cpus + 4)`, as Python).
   * @throws {RangeError} if `maxWorkers` is not a positive integer.
   */
  constructor(options?: { maxWorkers?: number }) {
    const max = options?.maxWorkers ?? Math.min(32, availableParallelism() + 4);
    if (!Number.isInteger(max) || max <= 0) throw new RangeError("max_workers must be greater than 0");
    this.#maxWorkers = max;
  }

  /** The most worker threads this pool starts. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedule `fn(...args)` on a worker thread; return a Future of the running loop for its result.
   * Cancelling the Future while the job is queued removes the job (it never runs); once running,
   * the job finishes but its result is dropped.
   * @throws {RuntimeError} `cannot schedule new futures after shutdown`.
   * @throws {BrokenThreadPool} if a worker ended abruptly.
   * @throws {TypeError} if `fn` is neither a function nor `{ module, name }`.
   */
  submit<F extends (...args: never[]) => unknown>(fn: F, ...args: ArgsOf<F>): Future<ResultOf<F>>;
  submit<R = unknown>(fn: FunctionRef, ...args: unknown[]): Future<R>;
  submit(fn: ExecutorFn<never[]>, ...args: unknown[]): Future {
    if (this.#broken !== null) throw new BrokenThreadPool(this.#broken);
    if (this.#shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    const loop = getRunningLoop();
    const what = describe(fn);
    const id = nextJobId++;
    const future = loop.createFuture();
    const job: Job = { id, message: { id, ...what, args }, future, loop };
    future.addDoneCallback(() => {
      if (future.cancelled() && this.#queue.delete(job)) this.#checkDrained();
    });
    this.#queue.add(job);
    this.#dispatch();
    return future;
  }

  /**
   * Run `fn` on the items of the iterables (zipped, up to the shortest) on worker threads; resolve
   * with the results in order. If one fails, the jobs not yet done are cancelled and it rejects.
   */
  async map<F extends (...args: never[]) => unknown>(
    fn: F | FunctionRef,
    ...iterables: Iterable<unknown>[]
  ): Promise<ResultOf<F>[]> {
    const iterators = iterables.map((it) => it[Symbol.iterator]());
    const futures: Future[] = [];
    if (iterators.length > 0) {
      for (;;) {
        const args: unknown[] = [];
        let ended = false;
        for (const it of iterators) {
          const step = it.next();
          if (step.done === true) {
            ended = true;
            break;
          }
          args.push(step.value);
        }
        if (ended) break;
        futures.push(this.submit(fn as FunctionRef, ...args));
      }
    }
    const results: unknown[] = [];
    try {
      for (const f of futures) results.push(await f);
    } finally {
      for (const f of futures) f.cancel();
    }
    return results as ResultOf<F>[];
  }

  /**
   * Refuse new work; with `cancelFutures`, cancel the queued jobs (they never run). The workers
   * end once the remaining jobs are done. With `wait` (the default) the promise resolves then.
   */
  shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void> {
    const wait = options?.wait ?? true;
    this.#shutdown = true;
    if (options?.cancelFutures === true) {
      const queued = [...this.#queue];
      this.#queue.clear();
      for (const job of queued) job.future.cancel();
    }
    this.#drainedPromise ??= new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
    this.#checkDrained();
    return wait ? this.#drainedPromise : Promise.resolve();
  }

  /** `await using pool = new ThreadPoolExecutor()`: shuts the pool down, waiting. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  /** @internal whether the pool was broken (for repr and tests). */
  get broken(): boolean {
    return this.#broken !== null;
  }

  toString(): string {
    const state = this.#broken !== null ? "broken" : this.#shutdown ? "shutdown" : "running";
    return `<ThreadPoolExecutor ${state} maxWorkers=${this.#maxWorkers} workers=${this.#slots.size} queued=${this.#queue.size}>`;
  }

  #dispatch(): void {
    while (this.#queue.size > 0) {
      let slot = this.#idle.pop();
      if (slot === undefined) {
        if (this.#slots.size >= this.#maxWorkers) return;
        slot = this.#spawn();
      }
      const job = this.#queue.values().next().value as Job;
      this.#queue.delete(job);
      this.#run(slot, job);
    }
  }

  #run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    try {
      slot.worker.postMessage(job.message);
    } catch (e) {
      // The arguments do not survive a structured clone (DataCloneError).
      slot.job = null;
      this.#settle(job, false, e);
      this.#release(slot);
    }
  }

  #spawn(): Slot {
    // Workers are created outside any task: their events must not run in a task's context.
    const worker = bindOutsideTasks(() => new Worker(workerUrl))();
    const slot: Slot = { worker, job: null, exiting: false };
    this.#slots.add(slot);
    worker.on(
      "message",
      bindOutsideTasks((reply: ReplyMessage) => {
        const job = slot.job;
        if (job?.id !== reply.id) return;
        slot.job = null;
        if (reply.ok) this.#settle(job, true, reply.result);
        else {
          const err = reply.error.isError ? rebuildError(reply.error, reply.closure) : reply.error.value;
          this.#settle(job, false, err);
        }
        this.#release(slot);
      }),
    );
    // An uncaught error in the worker ends it: the 'exit' that follows breaks the pool.
    worker.on("error", () => undefined);
    worker.on(
      "exit",
      bindOutsideTasks(() => {
        if (!slot.exiting) this.#breakPool();
        this.#slots.delete(slot);
        const i = this.#idle.indexOf(slot);
        if (i >= 0) this.#idle.splice(i, 1);
        this.#checkDrained();
      }),
    );
    return slot;
  }

  /** A worker finished a job: give it the next one, or let it idle (unref'd). */
  #release(slot: Slot): void {
    if (slot.exiting) return;
    slot.worker.unref();
    this.#idle.push(slot);
    this.#dispatch();
    this.#checkDrained();
  }

  /** Apply a job's outcome on its loop (never into a closed loop, never onto a cancelled future). */
  #settle(job: Job, ok: boolean, value: unknown): void {
    const { loop, future } = job;
    if (future.done() || loop.isClosed()) return;
    loop.callSoon(() => {
      if (future.done()) return;
      if (ok) future.setResult(value);
      else future.setException(value ?? new Error(String(value)));
    });
  }

  #breakPool(): void {
    if (this.#broken !== null) return;
    this.#broken = BROKEN_MESSAGE;
    // The running jobs first, then the queued ones, in the order they were submitted.
    const jobs: Job[] = [];
    for (const slot of this.#slots) {
      if (slot.job !== null) jobs.push(slot.job);
      slot.job = null;
      this.#terminate(slot);
    }
    jobs.sort((a, b) => a.id - b.id);
    jobs.push(...this.#queue);
    this.#queue.clear();
    for (const job of jobs) this.#settle(job, false, new BrokenThreadPool(BROKEN_MESSAGE));
  }

  #terminate(slot: Slot): void {
    if (slot.exiting) return;
    slot.exiting = true;
    void slot.worker.terminate();
  }

  /** After shutdown, once no job is queued or running: end the workers and resolve `shutdown()`. */
  #checkDrained(): void {
    if (!this.#shutdown && this.#broken === null) return;
    if (this.#queue.size > 0) return;
    for (const slot of this.#slots) if (slot.job !== null) return;
    for (const slot of this.#slots) this.#terminate(slot);
    this.#idle.length = 0;
    if (this.#slots.size === 0 && this.#drained !== null) {
      this.#drained();
      this.#drained = null;
    }
  }
}

// ---- the default executor of a loop --------------------------------------------------------

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
    throw new TypeError("executor must be ThreadPoolExecutor");
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
  if (timeout === undefined || timeout === null) {
    await done;
    return;
  }
  // true once the pool has drained, false at the timeout.
  const waiter = loop.createFuture<boolean>();
  const timer = loop.callLater(timeout, () => {
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
    timer.cancel();
  }
  if (!finished) {
    process.emitWarning(`The executor did not finishing joining its threads within ${timeout} seconds.`, {
      type: "RuntimeWarning",
    });
  }
}

/**
 * Run `fn(...args)` on a worker thread of the running loop's default executor; return a Future of
 * its result (Python's `asyncio.to_thread`). See the module notes on how a function travels.
 * **Differs from asyncio:** contextvars are not copied (the thread shares no heap).
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.to_thread
 */
export function toThread<F extends (...args: never[]) => unknown>(
  fn: F,
  ...args: ArgsOf<F>
): Future<ResultOf<F>>;
export function toThread<R = unknown>(fn: FunctionRef, ...args: unknown[]): Future<R>;
export function toThread(fn: ExecutorFn<never[]>, ...args: unknown[]): Future {
  return defaultExecutorFor(getRunningLoop()).submit(fn as FunctionRef, ...args);
}
