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
