/**
 * The job runner of both executors' workers (a worker thread runs it from worker.ts, a child
 * process from process-worker.ts): it calls the function of a job (sent by source or by reference
 * to a module export) and posts back the result or the error (see {@link errorPayload}), and the
 * messages they exchange. Arguments and results cross by structured clone. Its only side
 * effect is the shared {@link jobImport} storage: the executors import it too.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isMainThread } from "node:worker_threads";
import type { BaseEventLoop } from "../base-events.ts";
import type { TaskBody } from "../tasks.ts";

/** A job, as posted by the executor. */
export interface JobMessage {
  id: number;
  /** The function's source (`fn.toString()`), or null when sent by reference. */
  source: string | null;
  module: string | null;
  name: string | null;
  args: unknown[];
}

/**
 * An error, as posted back: a structured clone keeps only the name (of the built-in classes),
 * message and stack of an Error, so its parts travel one by one.
 */
export interface ErrorPayload {
  isError: true;
  name: string;
  message: string;
  stack: string | undefined;
  /** Its own enumerable properties (`code`, `errno`, …), each that survives a structured clone. */
  props: Record<string, unknown>;
  /** Its `cause`, when it has one. */
  cause?: ThrownPayload;
  /** An AggregateError's `errors`. */
  errors?: ThrownPayload[];
}

/** A thrown value as posted back: an Error's parts, or a value that is not an Error. */
export type ThrownPayload = ErrorPayload | { isError: false; value: unknown };

/**
 * Why a job failed, when the executor can say more than the error: `closure`, a function sent by
 * source used a variable of its enclosing scope; `reentry`, the job's module started a job while
 * the worker imported it (see {@link jobImport}).
 */
export type FailureHint = "closure" | "reentry" | null;

/** What the worker posts back for a job. */
export type ReplyMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ThrownPayload; hint: FailureHint };

/** A worker importing the module of a job sent by reference, while its top level runs. */
export interface JobImport {
  readonly module: string;
  readonly name: string;
  /** "worker thread" or "child process": the worker doing the import. */
  readonly where: string;
  /** The error of the first job started from the import's code (the executors set it). */
  error: Error | null;
}

/**
 * Set in a worker while it imports a job's module, and in everything that module's top level
 * starts (AsyncLocalStorage follows timers and promises). A job started there is refused: it
 * comes from a script whose top level runs again in each worker (each worker would import it,
 * start a job, and so on without end), as CPython's multiprocessing refuses to start a process
 * while a child bootstraps by importing the main module (spawn.py `_check_not_importing_main`).
 * Shared through the global registry, so that two copies of the package agree.
 */
export const jobImport: AsyncLocalStorage<JobImport> = ((
  globalThis as { [key: symbol]: AsyncLocalStorage<JobImport> | undefined }
)[Symbol.for("asyncio-ts.jobImport")] ??= new AsyncLocalStorage<JobImport>());

/** The message of the RuntimeError that refuses a job started during a {@link jobImport}. */
export function reentryMessage(state: JobImport): string {
  const guard =
    state.where === "worker thread"
      ? "if (isMainThread) from node:worker_threads, or if (import.meta.main)"
      : "if (import.meta.main)";
  return (
    `a ${state.where} importing ${state.module} to run ${JSON.stringify(state.name)} started another ` +
    `job: the module's top level runs again in each ${state.where} and would start workers without ` +
    `end; move ${JSON.stringify(state.name)} to a module of its own, or guard the script's top ` +
    `level with ${guard}`
  );
}

/** What a child process posts before it exits on an uncaught error (the cause of the broken pool). */
export interface CrashMessage {
  crash: ThrownPayload;
}

type AnyFn = (...args: unknown[]) => unknown;

const bySource = new Map<string, AnyFn>();

function evaluate(source: string): AnyFn {
  let fn = bySource.get(source);
  if (fn !== undefined) return fn;
  let value: unknown;
  try {
    // An indirect eval: the function sees only the worker's globals, never this module's scope.
    value = (0, eval)(`(${source})`);
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    // A method written in shorthand (`name(a) { ... }`) is not an expression on its own.
    const holder = (0, eval)(`({${source}})`) as Record<string, unknown>;
    value = Object.values(holder)[0];
  }
  if (typeof value !== "function") throw new TypeError("the source sent to the worker is not a function");
  fn = value as AnyFn;
  bySource.set(source, fn);
  return fn;
}

/** The errors of jobs started while their worker imported a job's module (see {@link jobImport}). */
const refusedImports = new WeakSet<Error>();

/** Functions sent by reference, by module and export name: the import is done once. */
const byReference = new Map<string, AnyFn>();

/** The function of a job: evaluated from its source, or imported from its module (once). */
export async function resolveFn(job: JobMessage): Promise<AnyFn> {
  if (job.source !== null) return evaluate(job.source);
  const key = `${job.name ?? ""}\0${job.module ?? ""}`;
  const known = byReference.get(key);
  if (known !== undefined) return known;
  const state: JobImport = {
    module: job.module ?? "",
    name: job.name ?? "",
    where: isMainThread ? "child process" : "worker thread",
    error: null,
  };
  const imported = jobImport.run(state, () => import(state.module) as Promise<Record<string, unknown>>);
  // Even when the module's code caught the refusal, the job fails with it.
  const refused = (): void => {
    if (state.error === null) return;
    refusedImports.add(state.error);
    throw state.error;
  };
  let mod: Record<string, unknown>;
  try {
    mod = await imported;
  } catch (e) {
    refused();
    throw e;
  }
  refused();
  const fn = mod[job.name ?? ""];
  if (typeof fn !== "function") {
    throw new TypeError(`${job.module ?? ""} has no exported function named ${JSON.stringify(job.name)}`);
  }
  byReference.set(key, fn as AnyFn);
  return fn as AnyFn;
}

/** Whether `value` survives a structured clone. */
function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** The own enumerable properties of `obj` that survive a structured clone, but those of `skip`. */
function cloneableProps(obj: object, skip: ReadonlySet<string>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!skip.has(key) && cloneable(value)) props[key] = value;
  }
  return props;
}

/** What an Error's payload carries apart from its properties. */
const ERROR_PARTS: ReadonlySet<string> = new Set(["name", "message", "stack", "cause", "errors"]);

/** How deep causes and an AggregateError's errors are followed (a cause may be a cycle). */
const MAX_DEPTH = 8;

/**
 * A thrown value, made fit for a structured clone, which drops an Error's class and own
 * properties and refuses a value holding a function: an Error travels as its name, message,
 * stack, cause, an AggregateError's errors and each own property that survives a clone; a value
 * that survives a clone travels as is; another object as its own properties that survive one;
 * anything else (a function, a symbol) as an Error of what it prints as.
 */
export function errorPayload(e: unknown, depth = 0): ThrownPayload {
  if (e instanceof Error) {
    const props = cloneableProps(e, ERROR_PARTS);
    // DOMException's code is a getter of its prototype.
    const code = (e as { code?: unknown }).code;
    if (!("code" in props) && code !== undefined && cloneable(code)) props.code = code;
    const payload: ErrorPayload = {
      isError: true,
      name: e.name,
      message: e.message,
      stack: typeof e.stack === "string" ? e.stack : undefined,
      props,
    };
    if (depth < MAX_DEPTH) {
      if (Object.hasOwn(e, "cause")) payload.cause = errorPayload(e.cause, depth + 1);
      const errors = (e as { errors?: unknown }).errors;
      if (Array.isArray(errors)) payload.errors = errors.map((x: unknown) => errorPayload(x, depth + 1));
    }
    return payload;
  }
  if (cloneable(e)) return { isError: false, value: e };
  if (typeof e === "object" && e !== null) return { isError: false, value: cloneableProps(e, new Set()) };
  return errorPayload(new Error(String(e)), depth);
}

/**
 * Wait until what the job wrote to stdout and stderr has left this worker (a worker thread's
 * stdio reaches the main thread by messages, a child's pipe may be asynchronous): the pool may end
 * an idle worker as soon as the reply arrives, and the output must not be lost with it.
 */
async function flushStdio(): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.writableLength > 0) {
      await new Promise<void>((resolve) => {
        stream.write("", () => {
          resolve();
        });
      });
    }
  }
}

/**
 * Call a job's function. An async function (or a coroutine function) runs as the main task of the
 * worker's own loop (made on first need, reused by the next async jobs), as with `asyncio.run()`:
 * it may sleep, make tasks, open connections, and the tasks it leaves are cancelled when it
 * returns. So does a lazy Coroutine a function returns. Anything else is called as is. The
 * library is imported only for such a job.
 */
async function callJob(fn: AnyFn, args: unknown[]): Promise<unknown> {
  if (fn.constructor.name === "AsyncFunction") return onJobLoop(() => fn(...args));
  const value = fn(...args);
  if (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  ) {
    const { iscoroutine } = await import("../coroutines.ts");
    if (iscoroutine(value)) return onJobLoop(value);
  }
  return value;
}

/** The worker's loop for async jobs (one job runs at a time per worker). */
let jobLoop: BaseEventLoop | null = null;

async function onJobLoop(body: TaskBody<unknown>): Promise<unknown> {
  const [{ EventLoop }, { cancelAllTasks }] = await Promise.all([
    import("../base-events.ts"),
    import("../runners.ts"),
  ]);
  const loop = (jobLoop ??= new EventLoop());
  try {
    return await loop.runUntilComplete(body);
  } finally {
    await cancelAllTasks(loop);
  }
}

/**
 * Run one job and post its reply: the result, or the error (see {@link errorPayload}). `post`
 * throws a DataCloneError when the reply does not survive a structured clone; the job then fails
 * with that error.
 */
export async function runJob(job: JobMessage, post: (reply: ReplyMessage) => void): Promise<void> {
  let outcome: { ok: true; result: unknown } | { ok: false; error: unknown; hint: FailureHint };
  let calling = false;
  try {
    const fn = await resolveFn(job);
    calling = true;
    outcome = { ok: true, result: await callJob(fn, job.args) };
  } catch (e) {
    const hint =
      e instanceof Error && refusedImports.has(e)
        ? "reentry"
        : calling && job.source !== null && e instanceof ReferenceError
          ? "closure"
          : null;
    outcome = { ok: false, error: e, hint };
  }
  await flushStdio();
  if (outcome.ok) {
    try {
      post({ id: job.id, ok: true, result: outcome.result });
      return;
    } catch (e) {
      outcome = { ok: false, error: e, hint: null };
    }
  }
  const { error, hint } = outcome;
  try {
    post({ id: job.id, ok: false, error: errorPayload(error), hint });
  } catch {
    // The thrown value does not survive a structured clone: send what it prints as.
    post({ id: job.id, ok: false, error: errorPayload(new Error(String(error))), hint });
  }
}

/**
 * The error of a value the IPC serializer refused: a child process's `send` throws a plain Error
 * where a worker thread's `postMessage` throws a DataCloneError; both pools report the latter.
 */
export function asDataCloneError(e: unknown): unknown {
  if (e instanceof Error && e.message.endsWith("could not be cloned.")) {
    return new DOMException(e.message, "DataCloneError");
  }
  return e;
}
