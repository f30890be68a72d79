/**
 * What the loop calls when a trace timeline is on (src/trace.ts). The loop holds one of these or
 * null; every call sits behind the branch the loop already takes for debug mode, so a loop that
 * is neither traced nor in debug mode pays nothing more.
 * @module
 */
import type { Task } from "../tasks.ts";

/** Loop: install (or, with null, remove) its {@link LoopTracer}. */
export const kSetTracer = Symbol("asyncio-ts.setTracer");
/** Loop: its {@link LoopTracer}, or null. */
export const kGetTracer = Symbol("asyncio-ts.getTracer");

/** The loop's side of a trace: told when task steps begin and end, and of slow callbacks. */
export interface LoopTracer {
  /** A ready-queue entry is resuming `task`. */
  begin(task: Task): void;
  /**
   * `task`'s step ended: it suspended (`finished` false) or finished. `foreign`: it awaited
   * something not of this library, seen only once microtasks drained.
   */
  end(task: Task, finished: boolean, foreign: boolean): void;
  /** A plain callback ran at least `loop.slowCallbackDuration`: from `start`, for `seconds`. */
  slowCallback(handle: unknown, start: number, seconds: number): void;
}
