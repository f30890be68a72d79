/**
 * The script each ThreadPoolExecutor worker thread runs: it receives one job at a time, calls the
 * function (sent by source or by reference to a module export) and posts back the result or the
 * error (name, message, stack). Arguments and results cross by structured clone.
 * @module
 */
import { parentPort } from "node:worker_threads";

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

/** What the worker posts back for a job. */
export type ReplyMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ErrorPayload | { isError: false; value: unknown }; closure: boolean };

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

async function resolveFn(job: JobMessage): Promise<AnyFn> {
  if (job.source !== null) return evaluate(job.source);
  const mod = (await import(job.module ?? "")) as Record<string, unknown>;
  const fn = mod[job.name ?? ""];
  if (typeof fn !== "function") {
    throw new TypeError(`${job.module ?? ""} has no exported function named ${JSON.stringify(job.name)}`);
  }
  return fn as AnyFn;
}

function errorPayload(e: unknown): ErrorPayload | { isError: false; value: unknown } {
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

const port = parentPort;
if (port !== null) {
  port.on("message", (job: JobMessage) => {
    void (async () => {
      let calling = false;
      try {
        const fn = await resolveFn(job);
        calling = true;
        const result = await fn(...job.args);
        calling = false;
        try {
          port.postMessage({ id: job.id, ok: true, result } satisfies ReplyMessage);
        } catch (e) {
          port.postMessage({
            id: job.id,
            ok: false,
            error: errorPayload(e),
            closure: false,
          } satisfies ReplyMessage);
        }
      } catch (e) {
        const closure = calling && job.source !== null && e instanceof ReferenceError;
        let error = errorPayload(e);
        try {
          port.postMessage({ id: job.id, ok: false, error, closure } satisfies ReplyMessage);
        } catch {
          // The thrown value does not survive a structured clone: send what it prints as.
          error = errorPayload(new Error(String(e)));
          port.postMessage({ id: job.id, ok: false, error, closure } satisfies ReplyMessage);
        }
      }
    })();
  });
}
