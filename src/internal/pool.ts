/**
 * The engine both executors share: a queue of jobs, workers started on demand up to a maximum and
 * reused, dispatch of one job at a time per worker, settling each job's Future on its loop, cancel
 * of queued jobs, shutdown, and breaking the pool when a worker dies. A backend (worker threads or
 * child processes) only starts a worker and moves messages; see executors.ts.
 * @module
 */
import type { BaseEventLoop } from "../base-events.ts";
import { getRunningLoop } from "../events.ts";
import type { ArgsOf, Executor, ExecutorFn, FunctionRef, ResultOf, ShutdownOptions } from "../executors.ts";
import { RuntimeError } from "../exceptions.ts";
import type { Future } from "../futures.ts";
import { bindOutsideTasks } from "./context.ts";
import { inspectCustom, reprValue } from "./repr.ts";
import {
  jobImport,
  reentryMessage,
  type ErrorPayload,
  type FailureHint,
  type JobMessage,
  type ReplyMessage,
  type ThrownPayload,
} from "./run-job.ts";

/** What a backend is told about its worker. */
export interface WorkerHooks {
  /** The worker posted a reply. */
  readonly reply: (reply: ReplyMessage) => void;
  /** The worker ended, for whatever reason; `cause` says how (an exit code, a signal, an error). */
  readonly exit: (cause: unknown) => void;
}

/** One worker (a thread or a child process) as the pool drives it. */
export interface PoolWorker {
  /** Post a job. @throws a `DataCloneError` if the message does not survive a structured clone. */
  send(message: JobMessage): void;
  /** Keep Node alive: a job is running. */
  ref(): void;
  /** Let Node exit: the worker is idle. */
  unref(): void;
  /** End the worker now (its running job too); {@link WorkerHooks.exit} follows. */
  terminate(): void;
}

/** The per-backend part of a pool. */
export interface PoolBackend {
  /** The class name, for `toString`. */
  readonly className: string;
  /** Where functions go, for messages: "worker thread", "child process". */
  readonly where: string;
  spawn(hooks: WorkerHooks): PoolWorker;
  /** The error of the jobs running or pending when a worker died. */
  brokenJob(cause: unknown): Error;
  /** The error `submit` throws once the pool is broken. */
  brokenSubmit(): Error;
}

interface Job {
  readonly id: number;
  readonly message: JobMessage;
  readonly future: Future;
  readonly loop: BaseEventLoop;
}

interface Slot {
  readonly worker: PoolWorker;
  job: Job | null;
  /** The pool ended this worker itself: its exit breaks nothing. */
  exiting: boolean;
}

let nextJobId = 1;

const errorClasses: Record<string, new (message?: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  ReferenceError,
  SyntaxError,
  EvalError,
  URIError,
};

function closureHint(where: string): string {
  return (
    `a function sent to a ${where} by source must be self-contained (it cannot use variables ` +
    "of its enclosing scope): pass a self-contained function, or pass an exported function by " +
    'reference as { module: import.meta.url, name: "exportName" }'
  );
}

/**
 * Rebuild a value thrown in a worker (see `errorPayload` in run-job.ts): an Error keeps its class
 * (of the built-in ones; else its name), message, stack, cause, an AggregateError's errors and
 * its own properties that survive a structured clone; another value comes back as it was cloned.
 * With the `reentry` hint it is our RuntimeError.
 */
export function rebuildThrown(payload: ThrownPayload, hint: FailureHint, where: string): unknown {
  return payload.isError ? rebuildError(payload, hint, where) : payload.value;
}

function rebuildError(payload: ErrorPayload, hint: FailureHint, where: string): Error {
  const closure = hint === "closure";
  const message = closure ? `${payload.message}: ${closureHint(where)}` : payload.message;
  const errors = payload.errors?.map((e) => rebuildThrown(e, null, where));
  let err: Error;
  if (hint === "reentry") err = new RuntimeError(message);
  else if (payload.name === "AggregateError" && errors !== undefined)
    err = new AggregateError(errors, message);
  else err = new (errorClasses[payload.name] ?? Error)(message);
  const define = (key: string, value: unknown, enumerable: boolean): void => {
    Object.defineProperty(err, key, { value, writable: true, enumerable, configurable: true });
  };
  if (err.name !== payload.name) define("name", payload.name, false);
  if (payload.stack !== undefined) {
    err.stack = closure ? payload.stack.replace(payload.message, message) : payload.stack;
  }
  if (payload.cause !== undefined) define("cause", rebuildThrown(payload.cause, null, where), false);
  if (errors !== undefined && !(err instanceof AggregateError)) define("errors", errors, false);
  for (const [key, value] of Object.entries(payload.props)) define(key, value, true);
  return err;
}

function describe(fn: unknown, where: string): Pick<JobMessage, "source" | "module" | "name"> {
  if (typeof fn === "function") {
    const source = Function.prototype.toString.call(fn);
    if (source.endsWith("{ [native code] }")) {
      throw new TypeError(
        `${fn.name || "the function"} is a native or bound function, which cannot be sent to a ${where} by source: ` +
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
 * The shared implementation of {@link ThreadPoolExecutor} and {@link ProcessPoolExecutor}
 * (Python's `concurrent.futures.Executor`): workers start when needed, up to `maxWorkers`, and are
 * reused; an idle worker does not keep Node alive.
 */
export class PoolExecutor implements Executor {
  readonly #maxWorkers: number;
  readonly #backend: PoolBackend;
  readonly #queue = new Set<Job>();
  readonly #slots = new Set<Slot>();
  readonly #idle: Slot[] = [];
  #shutdown = false;
  /** Set by `shutdown({ cancelFutures: true })`: a running job whose Future is cancelled is ended. */
  #cancelRunning = false;
  #broken = false;
  #drained: (() => void) | null = null;
  #drainedPromise: Promise<void> | null = null;

  /**
   * @internal for the subclasses: the pool of `backend`'s workers.
   * @throws {RangeError} `max_workers must be greater than 0` (CPython's words), or if
   * `maxWorkers` is not an integer.
   * @throws {TypeError} if `maxWorkers` is not a number.
   */
  protected constructor(maxWorkers: number, backend: PoolBackend) {
    const given: unknown = maxWorkers;
    // CPython 3.13 concurrent/futures/thread.py and process.py: `if max_workers <= 0: raise
    // ValueError("max_workers must be greater than 0")`. CPython checks nothing else (1.5 makes a
    // pool; "2" fails on the comparison): say what to pass instead.
    if (typeof given !== "number" || Number.isNaN(given)) {
      throw new TypeError(`maxWorkers must be a positive integer or null, got ${reprValue(given)}`);
    }
    if (maxWorkers <= 0) throw new RangeError("max_workers must be greater than 0");
    if (!Number.isInteger(maxWorkers)) {
      throw new RangeError(`maxWorkers must be a positive integer or null, got ${String(maxWorkers)}`);
    }
    this.#maxWorkers = maxWorkers;
    this.#backend = backend;
  }

  /** The most workers this pool starts. */
  get maxWorkers(): number {
    return this.#maxWorkers;
  }

  /**
   * Schedule `fn(...args)` on a worker; return a Future of the running loop for its result.
   * Cancelling the Future while the job is queued removes the job (it never runs); once running,
   * the job runs on but its result is dropped (see {@link shutdown} to end it).
   * @throws {RuntimeError} `cannot schedule new futures after shutdown`.
   * @throws {BrokenThreadPool | BrokenProcessPool} if a worker ended abruptly.
   * @throws {TypeError} if `fn` is neither a function nor `{ module, name }`.
   * @throws {RuntimeError} in a worker importing a job's module: the module's top level would
   * start jobs without end (see docs/io.md#executors).
   */
  submit<F extends (...args: never[]) => unknown>(fn: F, ...args: ArgsOf<F>): Future<ResultOf<F>>;
  submit<R = unknown>(fn: FunctionRef, ...args: unknown[]): Future<R>;
  submit(fn: ExecutorFn<never[]>, ...args: unknown[]): Future {
    const importing = jobImport.getStore();
    if (importing !== undefined) {
      // This worker is importing a job's module, whose top level starts this job: the module
      // would start one in every worker it runs in, without end. See jobImport in run-job.ts.
      const error = new RuntimeError(reentryMessage(importing));
      importing.error ??= error;
      throw error;
    }
    if (this.#broken) throw this.#backend.brokenSubmit();
    if (this.#shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    const loop = getRunningLoop();
    const what = describe(fn, this.#backend.where);
    const id = nextJobId++;
    const future = loop.createFuture();
    const job: Job = { id, message: { id, ...what, args }, future, loop };
    future.addDoneCallback(() => {
      if (!future.cancelled()) return;
      if (this.#queue.delete(job)) this.#checkDrained();
      else if (this.#cancelRunning) this.#endAbandoned();
    });
    this.#queue.add(job);
    this.#dispatch();
    return future;
  }

  /**
   * Run `fn` on the items of the iterables (zipped, up to the shortest); resolve with the results
   * in order (Python's `Executor.map`, gathered into an array). If one fails, the jobs not yet done
   * are cancelled and it rejects.
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
   * Refuse new work. With `cancelFutures`, cancel the queued jobs (they never run) and end the
   * workers still running a job whose Future was cancelled (now or later): nobody waits for them.
   * The other workers end once the remaining jobs are done. With `wait` (the default) the promise
   * resolves when every worker has ended.
   * @see https://docs.python.org/3.13/library/concurrent.futures.html#concurrent.futures.Executor.shutdown
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    const wait = options?.wait ?? true;
    this.#shutdown = true;
    if (options?.cancelFutures === true) {
      this.#cancelRunning = true;
      const queued = [...this.#queue];
      this.#queue.clear();
      for (const job of queued) job.future.cancel();
      this.#endAbandoned();
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
    return this.#broken;
  }

  toString(): string {
    const state = this.#broken ? "broken" : this.#shutdown ? "shutdown" : "running";
    return `<${this.#backend.className} ${state} maxWorkers=${this.#maxWorkers} workers=${this.#slots.size} queued=${this.#queue.size}>`;
  }

  [inspectCustom](): string {
    return this.toString();
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
      slot.worker.send(job.message);
    } catch (e) {
      // The arguments do not survive a structured clone (DataCloneError).
      slot.job = null;
      this.#settle(job, false, e);
      this.#release(slot);
    }
  }

  #spawn(): Slot {
    // Workers and their events live outside any task: they must not run in a task's context.
    const hooks: WorkerHooks = {
      reply: bindOutsideTasks((reply: ReplyMessage) => {
        const job = slot.job;
        if (job?.id !== reply.id) return;
        slot.job = null;
        if (reply.ok) this.#settle(job, true, reply.result);
        else this.#settle(job, false, rebuildThrown(reply.error, reply.hint, this.#backend.where));
        this.#release(slot);
      }),
      exit: bindOutsideTasks((cause: unknown) => {
        if (!slot.exiting) this.#breakPool(cause);
        this.#slots.delete(slot);
        const i = this.#idle.indexOf(slot);
        if (i >= 0) this.#idle.splice(i, 1);
        this.#checkDrained();
      }),
    };
    const worker = bindOutsideTasks(() => this.#backend.spawn(hooks))();
    const slot: Slot = { worker, job: null, exiting: false };
    this.#slots.add(slot);
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

  /**
   * A worker ended without being asked: fail the running and the queued jobs, end the other
   * workers and refuse new work (CPython 3.13 process.py `_ExecutorManagerThread.terminate_broken`).
   */
  #breakPool(cause: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
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
    for (const job of jobs) this.#settle(job, false, this.#backend.brokenJob(cause));
  }

  /** After `shutdown({ cancelFutures: true })`: end the workers whose job's Future is cancelled. */
  #endAbandoned(): void {
    for (const slot of this.#slots) {
      if (slot.job?.future.cancelled() === true) {
        slot.job = null;
        this.#terminate(slot);
      }
    }
    this.#checkDrained();
  }

  #terminate(slot: Slot): void {
    if (slot.exiting) return;
    slot.exiting = true;
    // An idle worker is unref'd; its exit must keep the process alive until it is reaped, or a
    // waiting shutdown() can be left pending in an empty event loop (Node 22's child processes).
    slot.worker.ref();
    slot.worker.terminate();
  }

  /** After shutdown, once no job is queued or running: end the workers and resolve `shutdown()`. */
  #checkDrained(): void {
    if (!this.#shutdown && !this.#broken) return;
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
