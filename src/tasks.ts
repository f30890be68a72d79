/**
 * Tasks: coroutines scheduled on the loop, cancellable at the await where they wait.
 * @see https://docs.python.org/3.13/library/asyncio-task.html
 * @module
 */
import diagnosticsChannel from "node:diagnostics_channel";
import type { BaseEventLoop, TaskFactoryOptions } from "./base-events.ts";
import { Coroutine, libraryCoroutine } from "./coroutines.ts";
import { creationSite, frameSite } from "./debug.ts";
import { getRunningLoop } from "./events.ts";
import { CancelledError, RuntimeError } from "./exceptions.ts";
import { cancelOnResume, Future, type FutureThen, looksLikeAwait, Waiter } from "./futures.ts";
import { taskStorage } from "./internal/context.ts";
import { suspendedAt } from "./internal/suspended.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import {
  kAddWaiting,
  kBeginStep,
  kChainPromise,
  kInlineSafe,
  kPark,
  kCancelFuture,
  kDeliverCancel,
  kPushReady,
  kNextTask,
  kPrevTask,
  kRegisterTask,
  kRemoveWaiting,
  kRun,
  kSetException,
  kSetResult,
  kStart,
  kStepEnded,
  kTakeMustCancel,
  kTaskScope,
  kUnregisterTask,
} from "./internal/symbols.ts";

/**
 * What a task runs: a {@link Coroutine}, a function returning an awaitable (called in the task),
 * or a library awaitable such as a Future. A running native Promise is refused: a task cannot
 * own work that has already started.
 */
export type TaskBody<T> = Coroutine<T> | Future<T> | (() => T | PromiseLike<T>);

/** Options of `createTask` and the Task constructor. */
export interface TaskOptions {
  /** The task's name; by default `Task-N`. */
  name?: string;
}

let taskCounter = 0;

/**
 * `diagnostics_channel` channels: `asyncio-ts:task:create` and `asyncio-ts:task:done` publish
 * `{ task }` when a task is created and when it is done (undici's habit). @extension
 */
const taskCreateChannel = diagnosticsChannel.channel("asyncio-ts:task:create");
const taskDoneChannel = diagnosticsChannel.channel("asyncio-ts:task:done");

function describeBody(body: unknown): string {
  if (body instanceof Coroutine) return `${body.name}()`;
  if (typeof body === "function") return `${body.name === "" ? "<anonymous>" : body.name}()`;
  return reprValue(body);
}

function checkBody(body: unknown): void {
  if (body instanceof Promise) {
    throw new TypeError(
      "a coroutine was expected, got a running Promise: a task cannot own work that has already " +
        "started. Pass the async function itself (createTask(() => work())) or a coroutine made " +
        "with asyncio.coroutine(fn)",
    );
  }
  if (body instanceof Coroutine || typeof body === "function") return;
  if (typeof body === "object" && body !== null && typeof (body as PromiseLike<unknown>).then === "function")
    return;
  throw new TypeError(`a coroutine was expected, got ${reprValue(body)}`);
}

/** A task's rare fields: cancellation requests, its AbortController, debug mode's origin. */
class TaskExtra {
  mustCancel = false;
  // The message of the pending request (CPython's _cancel_message on the task).
  cancelMessage: unknown = undefined;
  numCancels = 0;
  // The futures waited on besides the first (Task's #waiting).
  waitingMore: Set<Future> | null = null;
  controller: AbortController | null = null;
  // The message of the cancel() that took cancelling() from 0 to 1: the signal's abort reason.
  abortMessage: unknown = undefined;
  // Debug mode: where the task was made (CPython's `created at` in the repr, _source_traceback).
  createdAt: string | null = null;
  // A chain made on what a parked await's then() returned, before the task resumed: settled with
  // what its reaction gives (`chainFor` is that reaction, naming the await).
  chain: PromiseWithResolvers<unknown> | null = null;
  chainFor: unknown = null;
  // What the last parked reaction gave, when not undefined (a chain made after it ran).
  lastFor: unknown = null;
  lastFailed = false;
  last: unknown = undefined;
}

type Reaction = (value: never) => unknown;

/**
 * What `then()` returns for an await parked on the task: nothing to keep (the engine drops it);
 * a chain made on it asks the task for the outcome of its reaction.
 */
class StepChain implements FutureThen<unknown> {
  readonly #task: Task;
  readonly #for: Reaction;
  constructor(task: Task, reaction: Reaction) {
    this.#task = task;
    this.#for = reaction;
  }
  then<R1 = unknown, R2 = never>(
    onFulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#task[kChainPromise](this.#for).then(onFulfilled, onRejected);
  }
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<unknown> {
    return this.#task[kChainPromise](this.#for).catch(onRejected);
  }
  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return this.#task[kChainPromise](this.#for).finally(onFinally);
  }
}

/**
 * A Future-like object that runs a coroutine. Cancelling it throws CancelledError at the await
 * where it waits; its `signal` aborts at once, for APIs that take an AbortSignal.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.Task
 */
export class Task<T = unknown> extends Future<T> {
  // Kept small: every field costs each of the many tasks a program may park (issue 14). What
  // only cancellation, signals, debug mode or a second awaited future use is in #extra.
  #body: TaskBody<T> | null;
  // The name given, or the N of `Task-N` (the string is made when asked for).
  #name: string | number;
  // What the task is waiting on: usually one future; a second one (Promise.all over futures,
  // two helpers in flight) moves the rest to a set in #extra. A cancel reaches all of them.
  #waiting: Future | null = null;
  // The reactions of the await the task is parked on (#waiting, or null for sleep(0)): the task is
  // that future's callback entry itself, so an await allocates no Waiter (see kPark).
  #onResume: Reaction | null = null;
  #onThrow: ((reason: unknown) => unknown) | null = null;
  /** @internal the loop's list of pending tasks */
  [kPrevTask]: Task | null = null;
  /** @internal */
  [kNextTask]: Task | null = null;
  #extra: TaskExtra | null = null;

  /**
   * @param coro what to run (see {@link TaskBody}).
   * @param options.loop the loop (default: the running loop); `eagerStart` runs the first step
   *   synchronously if that loop is running (CPython 3.12's `eager_start`).
   */
  constructor(coro: TaskBody<T>, options?: TaskOptions & { loop?: BaseEventLoop; eagerStart?: boolean }) {
    checkBody(coro);
    const loop = options?.loop ?? getRunningLoop();
    // The caller's options carry the loop already (createTask's do): no object made per task.
    super(options?.loop === loop ? options : { loop });
    this.#body = coro;
    this.#name = options?.name ?? ++taskCounter;
    loop[kRegisterTask](this);
    if (loop.getDebug()) Task.#more(this).createdAt = creationSite();
    if (taskCreateChannel.hasSubscribers) taskCreateChannel.publish({ task: this });
    if (options?.eagerStart === true && loop.isRunning()) Task.#step(this, true);
    else loop[kPushReady](this);
  }

  /** @internal the first step, or the wake-up of a parked await, run from the ready queue */
  [kRun](): void {
    if (this.#onResume === null) Task.#step(this, false);
    else Task.#wake(this);
  }

  /**
   * @internal Park the running step on `fut` (null: sleep(0)) with an await's reactions, if no
   * await is parked yet: returns false when the task already waits on something (a second
   * then() in the same step), which then gets a Waiter of its own. Returns what then() returns.
   */
  [kPark](
    fut: Future | null,
    onResume: Reaction,
    onThrow: (reason: unknown) => unknown,
  ): FutureThen<unknown> | null {
    if (this.#onResume !== null || this.#waiting !== null) return null;
    this.#onResume = onResume;
    this.#onThrow = onThrow;
    this.#waiting = fut;
    return new StepChain(this, onResume);
  }

  /** @internal the ready-queue entry only queues the continuation of an await (see kStepEnded) */
  [kInlineSafe](): boolean {
    return this.#onResume !== null;
  }

  /** Resume the parked await (CPython's Task.__wakeup then __step). */
  static #wake(self: Task): void {
    const fut = self.#waiting;
    const onResume = self.#onResume as (value: unknown) => unknown;
    const onThrow = self.#onThrow as (reason: unknown) => unknown;
    self.#waiting = null;
    self.#onResume = self.#onThrow = null;
    if (!self.done()) {
      self.getLoop()[kBeginStep](self);
      const cancelled = cancelOnResume(self, fut);
      if (cancelled !== null) {
        Task.#react(self, onResume, onThrow, cancelled);
        return;
      }
    }
    if (fut === null) Task.#react(self, onResume, onResume, undefined);
    else if (fut._succeeded()) Task.#react(self, onResume, onResume, fut._rawResult());
    else Task.#react(self, onResume, onThrow, fut._rawError());
  }

  static #react(self: Task, key: unknown, fn: (arg: unknown) => unknown, arg: unknown): void {
    const extra = self.#extra;
    if (extra !== null && extra.chainFor === key) {
      const chain = extra.chain as PromiseWithResolvers<unknown>;
      extra.chain = extra.chainFor = null;
      try {
        chain.resolve(fn(arg));
      } catch (e) {
        chain.reject(e);
      }
      return;
    }
    let r: unknown;
    try {
      r = fn(arg);
    } catch (e) {
      // Nobody chained (yet): the loop reports it; a chain made later still sees it.
      Task.#remember(self, key, true, e);
      throw e;
    }
    // An await's resolving function gives undefined: nothing to keep.
    if (r !== undefined) Task.#remember(self, key, false, r);
  }

  static #remember(self: Task, key: unknown, failed: boolean, value: unknown): void {
    const extra = Task.#more(self);
    extra.lastFor = key;
    extra.lastFailed = failed;
    extra.last = value;
  }

  /** @internal the promise a chain on a parked await's then() result follows */
  [kChainPromise](reaction: Reaction): Promise<unknown> {
    const extra = Task.#more(this);
    if (this.#onResume === reaction) {
      if (extra.chainFor !== reaction) {
        extra.chain = Promise.withResolvers<unknown>();
        extra.chainFor = reaction;
      }
      return (extra.chain as PromiseWithResolvers<unknown>).promise;
    }
    if (extra.lastFor === reaction) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passed on as is
      return extra.lastFailed ? Promise.reject(extra.last) : Promise.resolve(extra.last);
    }
    return Promise.resolve(undefined);
  }

  static #step(self: Task, eager: boolean): void {
    if (self.done()) return;
    const loop = self.getLoop();
    if (!eager) loop[kBeginStep](self);
    const exc = self[kTakeMustCancel]();
    if (exc !== null) {
      // Cancelled before it started: the body never runs (CPython throws into the unstarted coroutine).
      if (self.#body instanceof Coroutine) self.#body.close();
      Task.#fail(self, exc);
      return;
    }
    // The first step enters the task's store once, in the loop's task scope: every later step is
    // an await's continuation, which restores that frame by itself. An eager step runs inside its
    // caller (another task, maybe): run() there, so that the caller's store comes back after it.
    if (eager) taskStorage.run(self, Task.#start, self);
    else loop[kTaskScope].runInAsyncScope(Task.#enter, null, self);
  }

  static #enter(task: Task): void {
    taskStorage.enterWith(task);
    Task.#start(task);
  }

  static #start(task: Task): void {
    const body = task.#body;
    let result: unknown;
    try {
      if (body instanceof Coroutine) result = body[kStart]();
      else if (typeof body === "function") result = body();
      else result = body;
      if (result instanceof Coroutine) result = result[kStart]();
    } catch (e) {
      Task.#fail(task, e);
      return;
    }
    if (result instanceof Promise) {
      result.then(Task.#onFulfilled, Task.#onRejected);
    } else if (
      typeof result === "object" &&
      result !== null &&
      typeof (result as PromiseLike<unknown>).then === "function"
    ) {
      // A library awaitable (a Future): awaited inside the task, so then() sees the task.
      Promise.resolve(result).then(Task.#onFulfilled, Task.#onRejected);
    } else {
      Task.#finish(task, result);
    }
  }

  // Reactions registered inside taskStorage.run: the store is the task (no closure per task).
  static #onFulfilled = (value: unknown): void => {
    Task.#finish(taskStorage.getStore() as Task, value);
  };

  static #onRejected = (error: unknown): void => {
    Task.#fail(taskStorage.getStore() as Task, error);
  };

  static #finish(self: Task, value: unknown): void {
    if (self.done()) return;
    const extra = self.#extra;
    if (extra?.mustCancel === true) {
      // CPython Task.__step: cancelled right before the coroutine returned.
      extra.mustCancel = false;
      self[kCancelFuture](extra.cancelMessage, undefined);
    } else {
      self[kSetResult](value);
    }
    Task.#afterDone(self);
  }

  static #fail(self: Task, error: unknown): void {
    if (self.done()) return;
    if (error instanceof CancelledError) self[kCancelFuture](undefined, error);
    else self[kSetException](error);
    Task.#afterDone(self);
  }

  static #afterDone(self: Task): void {
    self.#waiting = null;
    const extra = self.#extra;
    if (extra !== null) {
      extra.waitingMore = null;
      extra.mustCancel = false;
    }
    const loop = self.getLoop();
    loop[kUnregisterTask](self);
    if (taskDoneChannel.hasSubscribers) taskDoneChannel.publish({ task: self });
    loop[kStepEnded](self, true);
  }

  /**
   * Request that the Task be cancelled: the awaited future is cancelled now, so CancelledError is
   * thrown where the task waits at its next step. Returns false if the task is already done.
   * @param msg carried by the CancelledError (its `args[0]` and message).
   */
  override cancel(msg?: unknown): boolean {
    // CPython Task.cancel: even on a done task, an unretrieved exception is no longer logged.
    this._markRetrieved();
    if (this.done()) return false;
    // Python's None is either null or undefined here: no message.
    msg ??= undefined;
    const extra = Task.#more(this);
    extra.numCancels++;
    if (extra.numCancels === 1) extra.abortMessage = msg;
    const controller = extra.controller;
    if (controller !== null && !controller.signal.aborted) {
      controller.abort(msg === undefined ? new CancelledError() : new CancelledError(msg));
    }
    let accepted = false;
    if (this.#waiting !== null && this.#waiting.cancel(msg)) accepted = true;
    if (extra.waitingMore !== null) for (const f of extra.waitingMore) if (f.cancel(msg)) accepted = true;
    if (accepted) return true;
    // Nothing of ours to cancel: deliver at the next step (CPython's _must_cancel).
    extra.mustCancel = true;
    extra.cancelMessage = msg;
    return true;
  }

  /** Return the number of pending cancellation requests (`cancel()` calls less `uncancel()` calls). */
  cancelling(): number {
    return this.#extra?.numCancels ?? 0;
  }

  /**
   * Decrement the count of cancellation requests and return it. At zero a request not yet
   * delivered is dropped, and `signal` becomes a fresh, unaborted signal.
   */
  uncancel(): number {
    const extra = this.#extra;
    if (extra === null) return 0;
    if (extra.numCancels > 0) {
      extra.numCancels--;
      if (extra.numCancels === 0) {
        extra.mustCancel = false;
        if (extra.controller?.signal.aborted === true) extra.controller = null;
      }
    }
    return extra.numCancels;
  }

  /**
   * An AbortSignal that aborts when the task is cancelled (with the CancelledError as reason).
   * Pass it to `fetch`, `fs`, `child_process` and the like so they stop too.
   * @extension
   */
  get signal(): AbortSignal {
    const extra = Task.#more(this);
    let controller = extra.controller;
    if (controller === null) {
      controller = extra.controller = new AbortController();
      // Made after the cancel() that should have aborted it: abort it now, as that cancel() would
      // have (a task that ended cancelled included).
      if (extra.numCancels > 0 && (!this.done() || this.cancelled())) {
        const msg = extra.abortMessage;
        controller.abort(msg === undefined ? new CancelledError() : new CancelledError(msg));
      }
    }
    return controller.signal;
  }

  /** Return the coroutine (or function) the task runs. */
  getCoro(): TaskBody<T> | null {
    return this.#body;
  }

  /** Return the name of the task (`Task-N` unless one was given). */
  getName(): string {
    const name = this.#name;
    return typeof name === "string" ? name : `Task-${name}`;
  }

  /** Set the name of the task (converted with String()). */
  setName(value: unknown): void {
    this.#name = String(value);
  }

  /** Tasks do not support it: always throws RuntimeError. */
  override setResult(_result: T): never {
    throw new RuntimeError("Task does not support set_result operation");
  }

  /** Tasks do not support it: always throws RuntimeError. */
  override setException(_exception: unknown): never {
    throw new RuntimeError("Task does not support set_exception operation");
  }

  /** @internal */
  [kAddWaiting](fut: Future): void {
    if (this.#waiting === null || this.#waiting === fut) this.#waiting = fut;
    else (Task.#more(this).waitingMore ??= new Set()).add(fut);
  }

  /** @internal */
  [kRemoveWaiting](fut: Future): void {
    // A parked await keeps #waiting until its own wake-up (a Waiter on the same future may run first).
    if (this.#waiting === fut && this.#onResume === null) this.#waiting = null;
    else this.#extra?.waitingMore?.delete(fut);
  }

  /** @internal a pending cancel request, as the CancelledError to deliver (and clears it) */
  [kTakeMustCancel](): CancelledError | null {
    const extra = this.#extra;
    if (extra === null || !extra.mustCancel) return null;
    extra.mustCancel = false;
    const msg = extra.cancelMessage;
    return msg === undefined ? new CancelledError() : new CancelledError(msg);
  }

  /** @internal the task just suspended on `fut`: deliver a pending cancel request to it */
  [kDeliverCancel](fut: Future): void {
    const extra = this.#extra;
    if (extra?.mustCancel === true && fut.cancel(extra.cancelMessage)) extra.mustCancel = false;
  }

  /** The side object of the rare fields, made when first needed. */
  static #more(self: Task): TaskExtra {
    return (self.#extra ??= new TaskExtra());
  }

  /** @internal */
  override _reprInfo(): string[] {
    const info = super._reprInfo();
    if (this.cancelling() > 0 && !this.done()) info[0] = "cancelling";
    info.splice(1, 0, `name=${reprValue(this.getName())}`);
    const extra: string[] = [];
    if (this.#body !== null) {
      // Debug mode: where it waits, when the coroutine it awaits was made in it (CPython's
      // `coro=<main() running at file:line>`: the task's own coroutine, the outermost frame).
      const at = this.done() ? undefined : suspendedAt.get(this);
      const frame = at?.split("\n").find((f) => !f.includes("(node:") && !f.includes("at node:"));
      const site = frame === undefined ? null : frameSite(frame);
      const coro = describeBody(this.#body);
      extra.push(site === null ? `coro=${coro}` : `coro=<${coro} running at ${site}>`);
    }
    if (this.#waiting !== null) extra.push(`wait_for=${reprValue(this.#waiting)}`);
    info.splice(2, 0, ...extra);
    // CPython 3.13 base_futures._future_repr_info: last, in debug mode.
    const createdAt = this.#extra?.createdAt ?? null;
    if (createdAt !== null) info.push(`created at ${createdAt}`);
    return info;
  }

  override [inspectCustom](): string {
    return `<Task ${this._reprInfo().join(" ")}>`;
  }
}

/**
 * Wrap a coroutine (or a function returning an awaitable) into a Task on the running loop and
 * schedule its execution. Returns the Task.
 * @throws {TypeError} for a running Promise, with how to fix it.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.create_task
 */
export function createTask<T>(coro: TaskBody<T>, options?: TaskOptions): Task<T> {
  return getRunningLoop().createTask(coro, options);
}

/**
 * Return the Task running the current code, or null when none is (a plain callback).
 * @throws {RuntimeError} `no running event loop` outside a running loop.
 */
export function currentTask(): Task | null {
  const loop = getRunningLoop();
  const task = taskStorage.getStore();
  return task instanceof Task && task.getLoop() === loop ? task : null;
}

/** Return the set of not-yet-done Task objects run by the loop. */
export function allTasks(): Set<Task> {
  return new Set(getRunningLoop()._allTasks());
}

/** Return true if `obj` is a Future (or a Task). */
export function isfuture(obj: unknown): obj is Future {
  return obj instanceof Future;
}

function isThenable(obj: unknown): obj is PromiseLike<unknown> {
  return (
    (typeof obj === "object" || typeof obj === "function") &&
    obj !== null &&
    typeof (obj as { then?: unknown }).then === "function"
  );
}

/**
 * Return a Future for `obj`: a Future as is, a coroutine (or function) as a new Task, any other
 * awaitable (a running Promise included) wrapped in a Future that follows it.
 *
 * **Differs from asyncio:** cancelling the wrapper of a running Promise cannot stop the promise.
 * @throws {TypeError} `An asyncio.Future, a coroutine or an awaitable is required`.
 * @throws {RangeError} if a Future belongs to another loop than `options.loop`.
 */
export function ensureFuture<T>(
  obj: TaskBody<T> | PromiseLike<T>,
  options?: { loop?: BaseEventLoop },
): Future<T> {
  const loop = options?.loop;
  if (obj instanceof Future) {
    if (loop !== undefined && obj.getLoop() !== loop) {
      throw new RangeError(
        "The future belongs to a different loop than the one specified as the loop argument",
      );
    }
    return obj;
  }
  if (obj instanceof Coroutine || typeof obj === "function") {
    return (loop ?? getRunningLoop()).createTask(obj);
  }
  if (isThenable(obj)) return wrapAwaitable(obj, loop ?? getRunningLoop());
  throw new TypeError("An asyncio.Future, a coroutine or an awaitable is required");
}

/** A Future that follows a foreign awaitable. */
function wrapAwaitable<T>(aw: PromiseLike<T>, loop: BaseEventLoop): Future<T> {
  const fut = new Future<T>({ loop });
  // Called outside the current task: this then() must not count as the task suspending.
  taskStorage.exit(() => {
    aw.then(
      (v) => {
        if (!fut.done()) fut.setResult(v);
      },
      (e: unknown) => {
        if (!fut.done()) fut.setException(e);
      },
    );
  });
  return fut;
}

/** A future completed by a timer: cancelling it cancels the timer too. */
class SleepFuture<T> extends Future<T> {
  handle: { cancel(): void } | null = null;
  override cancel(msg?: unknown): boolean {
    this.handle?.cancel();
    this.handle = null;
    return super.cancel(msg);
  }
}

function wakeSleeper(fut: SleepFuture<unknown>, result: unknown): void {
  fut.handle = null;
  if (!fut.done()) fut.setResult(result);
}

/** `sleep(0)`: resumes the awaiting task after exactly one loop iteration, with no timer. */
class YieldOnce<T> implements PromiseLike<T> {
  readonly #result: T;
  constructor(result: T) {
    this.#result = result;
  }
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): PromiseLike<R1 | R2> {
    const loop = getRunningLoop();
    const task = taskStorage.getStore() as Task | undefined;
    if (task !== undefined && this.#result === undefined && looksLikeAwait(onFulfilled, onRejected)) {
      const chain = task[kPark](null, onFulfilled, onRejected as (reason: unknown) => unknown);
      if (chain !== null) {
        loop[kPushReady](task);
        loop[kStepEnded](task, false, true);
        return chain as PromiseLike<R1 | R2>;
      }
    }
    const waiter = new Waiter(null, task, onFulfilled, onRejected, this.#result);
    loop[kPushReady](waiter);
    if (task !== undefined) loop[kStepEnded](task);
    return waiter as PromiseLike<R1 | R2>;
  }
}

const SLEEP0 = new YieldOnce<undefined>(undefined);

/**
 * Block for `delay` seconds, then return `result`. `sleep(0)` (any delay <= 0) yields exactly one
 * loop iteration. Cancelling the sleeping task cancels the timer.
 * @param delay seconds (a float).
 * @throws {RangeError} `Invalid delay: NaN (not a number)`.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.sleep
 */
export function sleep(delay: number): Coroutine<void>;
export function sleep<T>(delay: number, result: T): Coroutine<T>;
export function sleep<T>(delay: number, result?: T): Coroutine<T | undefined> {
  if (typeof delay !== "number")
    throw new TypeError(
      `sleep() delay must be a number of seconds, got ${(delay as unknown) === null ? "null" : typeof delay}`,
    );
  if (Number.isNaN(delay)) throw new RangeError("Invalid delay: NaN (not a number)");
  // Lazy, as CPython's coroutine: the timer is set when the sleep is awaited or wrapped.
  return libraryCoroutine(
    "sleep",
    undefined,
    startSleep,
    null,
    delay <= 0 && result === undefined ? SLEEP0_ARGS : [delay, result],
  );
}

const SLEEP0_ARGS: readonly unknown[] = [0, undefined];

function startSleep<T>(delay: number, result: T): PromiseLike<T> {
  if (delay <= 0) return result === undefined ? (SLEEP0 as unknown as PromiseLike<T>) : new YieldOnce(result);
  const loop = getRunningLoop();
  const fut = new SleepFuture<T>({ loop });
  fut.handle = loop.callLater(delay, wakeSleeper, fut, result);
  return fut;
}

/**
 * A task factory whose tasks run their first step synchronously inside `createTask`
 * (CPython 3.12). Install it with `loop.setTaskFactory(asyncio.eagerTaskFactory)`.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.eager_task_factory
 */
export function eagerTaskFactory(
  loop: BaseEventLoop,
  coro: TaskBody<unknown>,
  options?: TaskFactoryOptions,
): Task {
  return new Task(coro, {
    loop,
    eagerStart: true,
    ...(options?.name !== undefined ? { name: options.name } : {}),
  });
}

/** Make an eager task factory that builds tasks with `TaskClass`. */
export function createEagerTaskFactory(
  TaskClass: new (coro: TaskBody<unknown>, options: { loop: BaseEventLoop; eagerStart: boolean }) => Task,
): (loop: BaseEventLoop, coro: TaskBody<unknown>) => Task {
  return (loop, coro) => new TaskClass(coro, { loop, eagerStart: true });
}
