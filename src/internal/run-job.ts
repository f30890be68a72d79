/**
 * The job runner of both executors' workers (a worker thread runs it from worker.ts, a child
 * process from process-worker.ts): it calls the function of a job (sent by source or by reference
 * to a module export) and posts back the result or the error (name, message, stack, code), and
 * the messages they exchange. Arguments and results cross by structured clone. No side effects:
 * the executors import it too.
 * @module
 */

/** A job, as posted by the executor. */
export interface JobMessage {
  id: number;
  /** The function's source (`fn.toString()`), or null when sent by reference. */
  source: string | null;
  module: string | null;
  name: string | null;
  args: unknown[];
}

/** An error, as posted back (Error objects lose their class and own properties in a clone). */
export interface ErrorPayload {
  isError: true;
  name: string;
  message: string;
  stack: string | undefined;
  code: unknown;
}

/** A thrown value as posted back: an Error's parts, or a value that is not an Error. */
export type ThrownPayload = ErrorPayload | { isError: false; value: unknown };

/** What the worker posts back for a job. */
export type ReplyMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ThrownPayload; closure: boolean };

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

/** Functions sent by reference, by module and export name: the import is done once. */
const byReference = new Map<string, AnyFn>();

async function resolveFn(job: JobMessage): Promise<AnyFn> {
  if (job.source !== null) return evaluate(job.source);
  const key = `${job.name ?? ""}\0${job.module ?? ""}`;
  const known = byReference.get(key);
  if (known !== undefined) return known;
  const mod = (await import(job.module ?? "")) as Record<string, unknown>;
  const fn = mod[job.name ?? ""];
  if (typeof fn !== "function") {
    throw new TypeError(`${job.module ?? ""} has no exported function named ${JSON.stringify(job.name)}`);
  }
  byReference.set(key, fn as AnyFn);
  return fn as AnyFn;
}

/** A thrown value, made fit for a structured clone (which drops an Error's class and own properties). */
export function errorPayload(e: unknown): ThrownPayload {
  if (e instanceof Error) {
    return {
      isError: true,
      name: e.name,
      message: e.message,
      stack: e.stack,
      code: (e as { code?: unknown }).code,
    };
  }
  return { isError: false, value: e };
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
 * Run one job and post its reply: the result, or the error (name, message, stack, code). `post`
 * throws a DataCloneError when the reply does not survive a structured clone; the job then fails
 * with that error.
 */
export async function runJob(job: JobMessage, post: (reply: ReplyMessage) => void): Promise<void> {
  let outcome: { ok: true; result: unknown } | { ok: false; error: unknown; closure: boolean };
  let calling = false;
  try {
    const fn = await resolveFn(job);
    calling = true;
    outcome = { ok: true, result: await fn(...job.args) };
  } catch (e) {
    const closure = calling && job.source !== null && e instanceof ReferenceError;
    outcome = { ok: false, error: e, closure };
  }
  await flushStdio();
  if (outcome.ok) {
    try {
      post({ id: job.id, ok: true, result: outcome.result });
      return;
    } catch (e) {
      outcome = { ok: false, error: e, closure: false };
    }
  }
  const { error, closure } = outcome;
  try {
    post({ id: job.id, ok: false, error: errorPayload(error), closure });
  } catch {
    // The thrown value does not survive a structured clone: send what it prints as.
    post({ id: job.id, ok: false, error: errorPayload(new Error(String(error))), closure });
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
