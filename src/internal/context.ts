import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The task whose code is running. Every task runs inside `taskStorage.run(task, ...)`, so the
 * engine carries the task through awaits, helpers and promise reactions (AsyncContextFrame on
 * Node 24). `Future.then` reads it to learn which task is suspending.
 */
export const taskStorage = new AsyncLocalStorage<object>();

/** Binds `fn` to a context in which no task is current: the loop's own callbacks run there. */
export function bindOutsideTasks<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  return taskStorage.exit(() => AsyncLocalStorage.bind(fn));
}

/**
 * Calls `fn` with no task current. The loop may be resumed from a microtask that a task queued,
 * which runs in that task's context: a task's continuation restores its own context, but a plain
 * callback must not see the task. Only a callback pays (a context exchange), and only then.
 */
export function callOutsideTasks(fn: () => void): void {
  if (taskStorage.getStore() === undefined) fn();
  else taskStorage.exit(fn);
}
