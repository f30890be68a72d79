/**
 * TaskGroup: structured concurrency. No task outlives the group; the first failure cancels the
 * rest and every error comes back in one ExceptionGroup.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#task-groups
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { Coroutine, libraryCoroutine } from "./coroutines.ts";
import { getRunningLoop } from "./events.ts";
import { CancelledError, ExceptionGroup, KeyboardInterrupt, RuntimeError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kAwaiter } from "./internal/symbols.ts";
import { currentTask, type Task, type TaskBody, type TaskOptions } from "./tasks.ts";

function isBaseError(exc: unknown): boolean {
  // CPython: SystemExit and KeyboardInterrupt are re-raised bare, never grouped.
  return exc instanceof KeyboardInterrupt;
}

/**
 * An asynchronous context manager holding a group of tasks: `await new TaskGroup().with(async
 * (tg) => { tg.createTask(...); })` waits for all of them.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.TaskGroup
 */
export class TaskGroup {
  #entered = false;
  #exiting = false;
  #aborting = false;
  #loop: BaseEventLoop | null = null;
  #parentTask: Task | null = null;
  #parentCancelRequested = false;
  #tasks = new Set<Task>();
  #errors: unknown[] = [];
  #baseError: unknown = undefined;
  #onCompletedFut: Future<boolean> | null = null;

  /**
   * Run `body` with the group entered (Python's `async with TaskGroup() as tg`), then wait for
   * every task. Throws an {@link ExceptionGroup} if any task (or the body) failed.
   */
  with<R>(body: (tg: TaskGroup) => R | PromiseLike<R>): Coroutine<R> {
    if (typeof body !== "function") throw new TypeError(`with() needs a function, got ${reprValue(body)}`);
    // Lazy, as `async with` is: the group is entered when the coroutine runs, in its task.
    return libraryCoroutine("TaskGroup.with", this, this.#with, null, [body]);
  }

  async #with<R>(body: (tg: TaskGroup) => R | PromiseLike<R>): Promise<R> {
    this.#enter();
    let result: R;
    try {
      result = await body(this);
    } catch (e) {
      await this.#exit(true, e);
      throw e;
    }
    await this.#exit(false, undefined);
    return result;
  }

  #enter(): void {
    if (this.#entered) throw new RuntimeError(`TaskGroup ${this.toString()} has already been entered`);
    this.#loop ??= getRunningLoop();
    this.#parentTask = currentTask();
    if (this.#parentTask === null) {
      throw new RuntimeError(`TaskGroup ${this.toString()} cannot determine the parent task`);
    }
    this.#entered = true;
    // The awaited-by graph (CPython 3.14): each task of the group is awaited by the parent task
    // until it is done, through this callback.
    (this.#onTaskDone as { [kAwaiter]?: Future })[kAwaiter] = this.#parentTask;
  }

  // CPython 3.13 taskgroups.py TaskGroup.__aexit__
  async #exit(raised: boolean, exc: unknown): Promise<void> {
    this.#exiting = true;
    const parent = this.#parentTask as Task;
    if (raised && isBaseError(exc) && this.#baseError === undefined) this.#baseError = exc;
    let propagateCancellationError: unknown = raised && exc instanceof CancelledError ? exc : undefined;
    if (raised && !this.#aborting) this.#abort();

    while (this.#tasks.size > 0) {
      this.#onCompletedFut ??= (this.#loop as BaseEventLoop).createFuture<boolean>();
      try {
        await this.#onCompletedFut;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        if (!this.#aborting) {
          propagateCancellationError = e;
          this.#abort();
        }
      }
      this.#onCompletedFut = null;
    }

    if (this.#baseError !== undefined) throw this.#baseError as Error;

    if (this.#parentCancelRequested) {
      if (parent.uncancel() === 0) propagateCancellationError = undefined;
    }
    if (propagateCancellationError !== undefined && this.#errors.length === 0) {
      throw propagateCancellationError as CancelledError;
    }
    if (raised && !(exc instanceof CancelledError)) this.#errors.push(exc);
    if (this.#errors.length > 0) {
      // 3.13: an outside cancellation pending on the parent stays pending after the group.
      if (parent.cancelling() > 0) {
        parent.uncancel();
        parent.cancel();
      }
      const errors = this.#errors;
      this.#errors = [];
      throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
    }
  }

  /**
   * Create a task in this group, as `asyncio.createTask` does.
   * @throws {RuntimeError} if the group was not entered, is finished, or is shutting down (the
   *   coroutine is then closed, never run).
   */
  createTask<T>(coro: TaskBody<T>, options?: TaskOptions): Task<T> {
    if (!this.#entered) {
      closeCoro(coro);
      throw new RuntimeError(`TaskGroup ${this.toString()} has not been entered`);
    }
    if (this.#exiting && this.#tasks.size === 0) {
      closeCoro(coro);
      throw new RuntimeError(`TaskGroup ${this.toString()} is finished`);
    }
    if (this.#aborting) {
      closeCoro(coro);
      throw new RuntimeError(`TaskGroup ${this.toString()} is shutting down`);
    }
    const task = (this.#loop as BaseEventLoop).createTask(coro, options);
    if (task.done()) {
      this.#onTaskDone(task);
    } else {
      this.#tasks.add(task);
      task.addDoneCallback(this.#onTaskDone as (t: Future<T>) => void);
    }
    return task;
  }

  #abort(): void {
    this.#aborting = true;
    for (const t of this.#tasks) if (!t.done()) t.cancel();
  }

  readonly #onTaskDone = (task: Task): void => {
    this.#tasks.delete(task);
    if (this.#onCompletedFut !== null && this.#tasks.size === 0 && !this.#onCompletedFut.done()) {
      this.#onCompletedFut.setResult(true);
    }
    if (task.cancelled()) return;
    const exc = task.exception();
    if (exc === null) return;
    this.#errors.push(exc);
    if (isBaseError(exc) && this.#baseError === undefined) this.#baseError = exc;
    const parent = this.#parentTask as Task;
    if (parent.done()) {
      (this.#loop as BaseEventLoop).callExceptionHandler({
        message: `Task ${reprValue(task)} has errored out but its parent task ${reprValue(parent)} is already completed`,
        exception: exc,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      // First error: cancel the siblings and the body (CPython's parent_task.cancel()).
      this.#abort();
      this.#parentCancelRequested = true;
      parent.cancel();
    }
  };

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const info: string[] = [];
    if (this.#tasks.size > 0) info.push(`tasks=${this.#tasks.size}`);
    if (this.#errors.length > 0) info.push(`errors=${this.#errors.length}`);
    if (this.#aborting) info.push("cancelling");
    else if (this.#entered) info.push("entered");
    return `<TaskGroup${info.map((s) => " " + s).join("")}>`;
  }
}

function closeCoro(coro: unknown): void {
  if (coro instanceof Coroutine) coro.close();
}
