import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";

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

const RESOLVED = Promise.resolve();

/**
 * Returns a function that queues `fn` as a microtask run with no task current. Hot path (once per
 * task step): a native promise reaction plus one pre-made AsyncResource, where
 * `queueMicrotask(bindOutsideTasks(fn))` would make an AsyncResource and a bound function per
 * call and enter two async scopes. Same FIFO microtask queue, so the same order.
 */
export function microtaskOutsideTasks(fn: () => void): () => void {
  const resource = taskStorage.exit(() => new AsyncResource("asyncio-ts.loop"));
  const run = (): void => {
    resource.runInAsyncScope(fn);
  };
  return () => {
    void RESOLVED.then(run);
  };
}
