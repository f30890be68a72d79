/**
 * Future: a low-level awaitable holding the eventual result of an operation.
 * @see https://docs.python.org/3.13/library/asyncio-future.html
 * @module
 */
import type { BaseEventLoop } from "./base-events.ts";
import { getRunningLoop, Handle, peekRunningLoop } from "./events.ts";
import { CancelledError, InvalidStateError, RuntimeError } from "./exceptions.ts";
import { callOutsideTasks, taskStorage } from "./internal/context.ts";
import { inspectCustom, reprValue, callbackName } from "./internal/repr.ts";
import {
  kAddWaiting,
  kPark,
  kCallbackEntries,
  kBeginStep,
  kCancelFuture,
  kDeliverCancel,
  kPushReady,
  kRemoveWaiting,
  kRun,
  kSetException,
  kSetResult,
  kStepEnded,
  kTakeMustCancel,
  kReportUnretrieved,
  kUnretrieved,
} from "./internal/symbols.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import type { Task } from "./tasks.ts";

/** What then() on a done future returns when its reaction gave nothing: no allocation. */
const RESOLVED: Promise<unknown> = Promise.resolve(undefined);

/** What a pending future's #value holds. */
const PENDING: unique symbol = Symbol("asyncio-ts.pending");

/**
 * What a future done without a result holds in #value (a result is held as is): the state and the
 * rare fields live here, made only when a future fails or is cancelled.
 */
abstract class Outcome {}

/** Done with an exception. */
class Failure extends Outcome {
  readonly error: unknown;
  // Nobody retrieved it yet: report it when the future is collected or its loop closes.
  logTraceback = true;
  unretrievedRef: WeakRef<Future> | null = null;
  constructor(error: unknown) {
    super();
    this.error = error;
  }
}

/** Cancelled: the message of the cancel (CPython's `_cancel_message`), its CancelledError once made. */
class Cancellation extends Outcome {
  readonly message: unknown;
  error: CancelledError | undefined;
  constructor(message: unknown, error: CancelledError | undefined) {
    super();
    this.message = message;
    this.error = error;
  }
}

/** What `then()` returns: a thenable that also chains with `catch` and `finally`. */
export interface FutureThen<T> extends PromiseLike<T> {
  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R>;
  finally(onFinally?: (() => void) | null): Promise<T>;
}

/** A callback of `addDoneCallback()`: called with the future once it is done. */
export type DoneCallback<T> = (future: Future<T>) => unknown;
// Stored without T so that Future<T> stays assignable to Future<unknown>. A Task is the entry of
// the future its await is parked on (kPark).
type CallbackEntry = ((future: never) => unknown) | Waiter | Task;

/**
 * Whether then() was most likely called by `await` (or `Promise.resolve`, `Promise.all`, which
 * await through the same engine job): a pair of functions without a `prototype`, as the engine's
 * own resolving functions are. Those only queue a microtask when called, so such an await may be
 * parked on its task and its wake-up run from inside another task's then() (see the loop's
 * kStepEnded). A user's own pair of arrow functions passes too; its reactions then run as a
 * parked await's would, from the loop, which may be inside another task's explicit `then()` pair.
 * (Testing `name` and `length` as well would tell more, but costs more than the hop it saves: on
 * the engine's functions those are slow accessors.)
 * @internal
 */
export function looksLikeAwait(
  onFulfilled: unknown,
  onRejected: unknown,
): onFulfilled is (value: never) => unknown {
  return (
    typeof onFulfilled === "function" &&
    typeof onRejected === "function" &&
    (onFulfilled as { prototype?: unknown }).prototype === undefined &&
    (onRejected as { prototype?: unknown }).prototype === undefined
  );
}

/** Reports exceptions that were never retrieved when their future is collected. */
const neverRetrieved = new FinalizationRegistry<{
  loop: BaseEventLoop;
  exception: unknown;
  repr: string;
  kind: string;
  ref: WeakRef<Future>;
}>((held) => {
  unretrievedByLoop.get(held.loop)?.delete(held.ref);
  held.loop.callExceptionHandler({
    message: `${held.kind} exception was never retrieved`,
    exception: held.exception,
    future: held.repr,
  });
});

/**
 * Per loop, the futures whose exception nobody retrieved yet (weakly): what the collector has not
 * reported by the time the loop closes is reported then (CPython's reference counting reports
 * at once; a short program would otherwise print nothing).
 */
const unretrievedByLoop = new WeakMap<BaseEventLoop, Set<WeakRef<Future>>>();

function trackUnretrieved(loop: BaseEventLoop, fut: Future): WeakRef<Future> {
  let set = unretrievedByLoop.get(loop);
  if (set === undefined) {
    const made = new Set<WeakRef<Future>>();
    set = made;
    unretrievedByLoop.set(loop, made);
    addCloseHook(loop, () => {
      unretrievedByLoop.delete(loop);
      for (const ref of made) ref.deref()?.[kReportUnretrieved]();
    });
  }
  const ref = new WeakRef(fut);
  set.add(ref);
  return ref;
}

/**
 * A Future represents an eventual result of an asynchronous operation. It is a thenable (not a
 * Promise): `await fut` suspends the awaiting task until the future is done.
 * @see https://docs.python.org/3.13/library/asyncio-future.html#asyncio.Future
 */
export class Future<T = unknown> implements PromiseLike<T> {
  // Kept small: every field costs each of the many futures a program may have pending (issue 14).
  // The state and the outcome in one: PENDING, the result as is, or a Failure or a Cancellation.
  #value: unknown = PENDING;
  #loop: BaseEventLoop | null;
  // One callback is kept as is (most futures have exactly one: their awaiting task); more, in an array.
  #callbacks: CallbackEntry | CallbackEntry[] | null = null;

  /**
   * @param options.loop the loop the future belongs to; by default the running loop, bound when
   *   first needed (so a Future can be created and resolved outside a running loop).
   */
  constructor(options?: { loop?: BaseEventLoop }) {
    // Bound to the running loop at once, as CPython does; outside a loop, when first needed.
    this.#loop = options?.loop ?? peekRunningLoop();
  }

  /** Return the event loop the Future object is bound to. */
  getLoop(): BaseEventLoop {
    this.#loop ??= getRunningLoop();
    return this.#loop;
  }

  /** Return true if the Future is done (it has a result, an exception, or was cancelled). */
  done(): boolean {
    return this.#value !== PENDING;
  }

  /** Return true if the Future was cancelled. */
  cancelled(): boolean {
    return this.#value instanceof Cancellation;
  }

  /**
   * Return the result of the Future.
   * @throws the Future's exception if it has one; {@link CancelledError} if it was cancelled;
   *   {@link InvalidStateError} `Result is not set.` while pending.
   */
  result(): T {
    const v = this.#value;
    // CPython's C Future (what asyncio uses) words these as here; the pure-Python one differs.
    if (v === PENDING) throw new InvalidStateError("Result is not set.");
    if (v instanceof Cancellation) throw Future.#cancelledError(v);
    if (v instanceof Failure) {
      Future.#retrieved(this);
      // Whatever was stored is re-raised as is (it need not be an Error).
      throw v.error as Error;
    }
    return v as T;
  }

  /**
   * Return the exception that was set on this Future, or null.
   * @throws {@link CancelledError} if cancelled; {@link InvalidStateError} `Exception is not set.` while pending.
   */
  exception(): unknown {
    const v = this.#value;
    if (v === PENDING) throw new InvalidStateError("Exception is not set.");
    if (v instanceof Cancellation) throw Future.#cancelledError(v);
    if (!(v instanceof Failure)) return null;
    Future.#retrieved(this);
    return v.error;
  }

  /**
   * Mark the Future as done and set its result.
   * @throws {@link InvalidStateError} if the Future is already done.
   */
  setResult(result: T): void {
    this[kSetResult](result);
  }

  /**
   * Mark the Future as done and set an exception. An error class is instantiated.
   * @throws {@link InvalidStateError} if the Future is already done.
   */
  setException(exception: unknown): void {
    this[kSetException](exception);
  }

  /**
   * Cancel the Future and schedule callbacks. Returns false if it is already done.
   * @param msg the message of the CancelledError its awaiters see.
   */
  cancel(msg?: unknown): boolean {
    // CPython Future.cancel: even on a done future, an unretrieved exception is no longer logged.
    Future.#retrieved(this);
    // Python's None is either null or undefined here: no message.
    return this[kCancelFuture](msg ?? undefined, undefined);
  }

  /**
   * Add a callback to be run (with this future) when the Future is done. It is always scheduled
   * with `callSoon`, never called inline.
   */
  addDoneCallback(fn: DoneCallback<T>): void {
    // CPython does not check (the callback fails when called): say what to pass instead.
    if (typeof fn !== "function")
      throw new TypeError(`addDoneCallback() needs a function, got ${reprValue(fn)}`);
    if (this.#value !== PENDING) {
      this.getLoop().callSoon(fn, this);
      return;
    }
    this.getLoop();
    Future.#addEntry(this, fn);
  }

  /** Remove every registration of `fn`; return how many were removed. */
  removeDoneCallback(fn: DoneCallback<T>): number {
    const cbs = this.#callbacks;
    if (cbs === null) return 0;
    if (!Array.isArray(cbs)) {
      if (cbs !== fn) return 0;
      this.#callbacks = null;
      return 1;
    }
    const kept = cbs.filter((cb) => cb !== fn);
    this.#callbacks = kept.length === 0 ? null : kept;
    return cbs.length - kept.length;
  }

  /**
   * Register reactions, as a Promise's `then`. This is what `await fut` calls: when the caller is
   * a task, the future becomes what the task waits on (so `task.cancel()` cancels it) and the
   * task's step ends here. Reactions run from the loop, never inline (unless already done).
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): FutureThen<R1 | R2> {
    if (this.#value !== PENDING) {
      // Awaiting a done future does not yield to the loop, and allocates nothing (an await's
      // resolving function returns undefined).
      const ok = this._succeeded();
      const fn = ok ? onFulfilled : onRejected;
      if (typeof fn === "function") {
        let r: unknown;
        try {
          r = (fn as (v: unknown) => unknown)(ok ? this.#value : this._rawError());
        } catch (e) {
          // then() itself never throws. A chain made on the returned thenable rejects; if none
          // is made by the next iteration, the loop reports the error.
          const threw = new Waiter(this, taskStorage.getStore() as Task | undefined, null, null);
          threw._threw(fn, e);
          threw.reportUnchained(this.#loop ?? peekRunningLoop(), e);
          return threw as FutureThen<R1 | R2>;
        }
        return (r === undefined ? RESOLVED : Promise.resolve(r)) as FutureThen<R1 | R2>;
      }
    }
    const task = taskStorage.getStore() as Task | undefined;
    if (this.#value === PENDING && task !== undefined && looksLikeAwait(onFulfilled, onRejected)) {
      const parked = Future.#park(this, task, onFulfilled, onRejected as (reason: unknown) => unknown);
      if (parked !== null) return parked as FutureThen<R1 | R2>;
    }
    const waiter = new Waiter(this, task, onFulfilled, onRejected);
    if (this.#value !== PENDING) {
      try {
        waiter.settle();
      } catch (e) {
        // A reaction that threw: then() itself never throws. A chain made on the returned
        // thenable rejects; if none is made by the next iteration, the loop reports the error.
        waiter.reportUnchained(this.#loop ?? peekRunningLoop(), e);
      }
      return waiter as FutureThen<R1 | R2>;
    }
    if (task === undefined) {
      this.getLoop();
      Future.#addEntry(this, waiter);
      return waiter as FutureThen<R1 | R2>;
    }
    if ((task as unknown) === this) {
      waiter.fail(new RuntimeError(`Task cannot await on itself: ${reprValue(task)}`));
      return waiter as FutureThen<R1 | R2>;
    }
    const loop = this.#loop ?? (this.#loop = task.getLoop());
    if (loop !== task.getLoop()) {
      waiter.fail(
        new RuntimeError(
          `Task ${reprValue(task)} got Future ${reprValue(this)} attached to a different loop`,
        ),
      );
      return waiter as FutureThen<R1 | R2>;
    }
    Future.#addEntry(this, waiter);
    task[kAddWaiting](this);
    // CPython Task.__step: a cancel requested before this suspension cancels the awaited future.
    task[kDeliverCancel](this);
    loop[kStepEnded](task);
    return waiter as FutureThen<R1 | R2>;
  }

  /**
   * `await fut` in a task, the common case: the task parks on the future with the await's
   * reactions (no Waiter), and the loop may go on from inside this then(). Null when the task
   * already waits on something, or the await is refused (then a Waiter says why).
   */
  static #park(
    self: Future,
    task: Task,
    onResume: (value: never) => unknown,
    onThrow: (reason: unknown) => unknown,
  ): FutureThen<unknown> | null {
    if ((task as unknown) === self) return null;
    const loop = self.#loop ?? (self.#loop = task.getLoop());
    if (loop !== task.getLoop()) return null;
    const chain = task[kPark](self, onResume, onThrow);
    if (chain === null) return null;
    Future.#addEntry(self, task);
    // CPython Task.__step: a cancel requested before this suspension cancels the awaited future.
    task[kDeliverCancel](self);
    loop[kStepEnded](task, false, true);
    return chain;
  }

  /** @internal the state transition of `setResult` (a Task uses it; its public one throws). */
  [kSetResult](result: T): void {
    if (this.#value !== PENDING) throw new InvalidStateError("invalid state");
    this.#value = result;
    Future.#scheduleCallbacks(this);
  }

  /** @internal */
  [kSetException](exception: unknown): void {
    if (this.#value !== PENDING) throw new InvalidStateError("invalid state");
    let exc = exception;
    if (typeof exc === "function") exc = new (exc as new () => unknown)();
    // CPython 3.13's C Future refuses None (and any non-exception) with these words; JavaScript
    // may throw any other value, so only null and undefined are refused here.
    if (exc === undefined || exc === null) throw new TypeError("invalid exception object");
    const failure = new Failure(exc);
    this.#value = failure;
    const loop = this.#loop;
    if (loop !== null) {
      const track = loop[kUnretrieved];
      if (track !== null) track.add(this);
      else {
        // The registry holds the exception strongly. An Error's stack, until first read, keeps the
        // receivers of its frames (this task among them): format it now, or the future could never
        // be collected and the report would never come.
        if (exc instanceof Error) exc.stack?.toString();
        const ref = trackUnretrieved(loop, this);
        failure.unretrievedRef = ref;
        neverRetrieved.register(
          this,
          { loop, exception: exc, repr: reprValue(this), kind: this.constructor.name, ref },
          this,
        );
      }
    }
    Future.#scheduleCallbacks(this);
  }

  /**
   * @internal Cancel for real. `exc` is the CancelledError to store (a task's own), else one is
   * made from `msg` when first needed.
   */
  [kCancelFuture](msg: unknown, exc: CancelledError | undefined): boolean {
    if (this.#value !== PENDING) return false;
    this.#value = new Cancellation(msg, exc);
    Future.#scheduleCallbacks(this);
    return true;
  }

  /** The CancelledError to raise for a cancelled future (the same object every time). */
  static #cancelledError(c: Cancellation): CancelledError {
    let exc = c.error;
    if (exc === undefined) {
      const msg = c.message;
      exc = msg === undefined ? new CancelledError() : new CancelledError(msg);
      c.error = exc;
    }
    return exc;
  }

  /** @internal used by Waiter (no allocation): true if done with a result; marks retrieval. */
  _succeeded(): boolean {
    const v = this.#value;
    if (!(v instanceof Outcome)) return v !== PENDING;
    if (v instanceof Failure) Future.#retrieved(this);
    return false;
  }

  /** @internal the result, after `_succeeded()` said true */
  _rawResult(): T {
    return this.#value as T;
  }

  /** @internal the exception or CancelledError, after `_succeeded()` said false */
  _rawError(): unknown {
    const v = this.#value;
    return v instanceof Cancellation ? Future.#cancelledError(v) : v instanceof Failure ? v.error : undefined;
  }

  /** @internal the cancel message (CPython's `_cancel_message`). */
  _cancelMessage(): unknown {
    const v = this.#value;
    return v instanceof Cancellation ? v.message : undefined;
  }

  /** @internal an unretrieved exception will not be reported (Task.cancel() on a done task) */
  _markRetrieved(): void {
    Future.#retrieved(this);
  }

  static #retrieved(self: Future): void {
    const failure = self.#value;
    if (failure instanceof Failure && failure.logTraceback) {
      failure.logTraceback = false;
      const track = self.#loop?.[kUnretrieved] ?? null;
      if (track !== null) track.delete(self);
      else Future.#untrack(self);
    }
  }

  static #untrack(self: Future): void {
    neverRetrieved.unregister(self);
    const failure = self.#value;
    const ref = failure instanceof Failure ? failure.unretrievedRef : null;
    if (ref !== null) {
      (failure as Failure).unretrievedRef = null;
      if (self.#loop !== null) unretrievedByLoop.get(self.#loop)?.delete(ref);
    }
  }

  /** @internal its loop closes: report the exception now if nobody retrieved it. */
  [kReportUnretrieved](): void {
    const failure = this.#value;
    if (!(failure instanceof Failure) || !failure.logTraceback || this.#loop === null) return;
    failure.logTraceback = false;
    Future.#untrack(this);
    this.#loop.callExceptionHandler({
      message: `${this.constructor.name} exception was never retrieved`,
      exception: failure.error,
      future: this,
    });
  }

  /** @internal the callbacks registered and not yet scheduled (the awaited-by graph reads them) */
  [kCallbackEntries](): readonly CallbackEntry[] {
    const cbs = this.#callbacks;
    if (cbs === null) return [];
    return Array.isArray(cbs) ? cbs : [cbs];
  }

  static #addEntry(self: Future, entry: CallbackEntry): void {
    const cbs = self.#callbacks;
    if (cbs === null) self.#callbacks = entry;
    else if (Array.isArray(cbs)) cbs.push(entry);
    else self.#callbacks = [cbs, entry];
  }

  static #scheduleCallbacks(self: Future): void {
    const cbs = self.#callbacks;
    if (cbs === null) return;
    const loop = self.getLoop();
    self.#callbacks = null;
    if (typeof cbs !== "function" && !Array.isArray(cbs)) loop[kPushReady](cbs);
    else if (!Array.isArray(cbs)) loop[kPushReady](Future.#runnable(self, cbs, loop));
    else for (const cb of cbs) loop[kPushReady](Future.#runnable(self, cb, loop));
  }

  static #runnable(self: Future, entry: CallbackEntry, loop: BaseEventLoop): Waiter | Handle | Task {
    return typeof entry === "function" ? new Handle(entry, [self], loop) : entry;
  }

  /** @internal for repr */
  static #callbacksForRepr(self: Future): string[] {
    const out: string[] = [];
    for (const cb of self[kCallbackEntries]()) {
      out.push(
        typeof cb === "function"
          ? callbackName(cb)
          : cb instanceof Waiter
            ? cb.describe()
            : `Task.wakeup(${cb.getName()})`,
      );
    }
    return out;
  }

  /** @internal */
  static #stateLabel(self: Future): string {
    const v = self.#value;
    return v === PENDING ? "pending" : v instanceof Cancellation ? "cancelled" : "finished";
  }

  /** @internal repr details after the state (CPython's `_future_repr_info`). */
  _reprInfo(): string[] {
    const info = [Future.#stateLabel(this)];
    const v = this.#value;
    if (v instanceof Failure) info.push(`exception=${reprValue(v.error)}`);
    else if (v !== PENDING && !(v instanceof Cancellation)) info.push(`result=${reprValue(v)}`);
    const cbs = Future.#callbacksForRepr(this);
    if (cbs.length > 0) info.push(`cb=[${cbs.join(", ")}]`);
    return info;
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    return `<${this.constructor.name} ${this._reprInfo().join(" ")}>`;
  }

  get [Symbol.toStringTag](): string {
    return this.constructor.name;
  }
}

/**
 * CPython Task.__step on resuming `task` from `fut` (null: sleep(0)): a pending cancel request,
 * as the CancelledError to throw in place of what `fut` holds; null when there is none, or when
 * `fut` holds a CancelledError already (it was cancelled by the first cancel()).
 * @internal
 */
export function cancelOnResume(task: Task, fut: Future | null): CancelledError | null {
  const cancelled = task[kTakeMustCancel]();
  if (cancelled === null) return null;
  return fut === null || fut._succeeded() || !(fut._rawError() instanceof CancelledError) ? cancelled : null;
}

function reportIfUnchained(waiter: Waiter, error: unknown): void {
  if (waiter._chained()) return;
  const loop = peekRunningLoop();
  loop?.callExceptionHandler({
    message: `Exception in callback ${waiter.describe()}`,
    exception: error,
    handle: waiter,
  });
}

// A Waiter's outcome until a chain is made on it.
const NOT_RUN = 0;
const FULFILLED = 1;
const REJECTED = 2;

/**
 * One `then()` registration. It is both the callback entry kept by the future and the ready-queue
 * entry scheduled when the future completes, so an `await` allocates no other handle. When the
 * awaiting task is known, running it resumes that task's step (CPython's `Task.__wakeup`).
 * It is also the thenable `then()` returns: chaining creates a Promise only when asked for.
 * @internal
 */
export class Waiter implements FutureThen<unknown> {
  /** The future awaited, or null for `sleep(0)`, which resumes with `value`. */
  readonly fut: Future | null;
  readonly task: Task | undefined;
  onFulfilled: ((value: never) => unknown) | null | undefined;
  onRejected: ((reason: unknown) => unknown) | null | undefined;
  // Kept small (one per await of a pending future). Before the reaction runs: what `sleep(0)`
  // resumes with; after: what the reaction returned or threw, for a chain made later.
  #last: unknown;
  // The chain made by then/catch/finally; until one is: NOT_RUN, FULFILLED or REJECTED (#last).
  #chain: PromiseWithResolvers<unknown> | number = NOT_RUN;

  constructor(
    fut: Future | null,
    task: Task | undefined,
    onFulfilled: ((value: never) => unknown) | null | undefined,
    onRejected: ((reason: unknown) => unknown) | null | undefined,
    value?: unknown,
  ) {
    this.fut = fut;
    this.task = task;
    this.onFulfilled = onFulfilled;
    this.onRejected = onRejected;
    this.#last = value;
  }

  [kRun](): void {
    const task = this.task;
    if (task === undefined && taskStorage.getStore() !== undefined) {
      // A reaction registered outside any task must not run inside the task the loop resumed from.
      callOutsideTasks(() => {
        this.settle();
      });
      return;
    }
    if (task !== undefined) {
      if (this.fut !== null) task[kRemoveWaiting](this.fut);
      if (!task.done()) {
        task.getLoop()[kBeginStep](task);
        const cancelled = cancelOnResume(task, this.fut);
        if (cancelled !== null) {
          this.fail(cancelled);
          return;
        }
      }
    }
    this.settle();
  }

  settle(): void {
    const f = this.fut;
    if (f === null) this.succeed(this.#last);
    else if (f._succeeded()) this.succeed(f._rawResult());
    else this.fail(f._rawError());
  }

  succeed(value: unknown): void {
    const fn = this.onFulfilled;
    this.onFulfilled = this.onRejected = null;
    if (typeof fn === "function") Waiter.#call(this, fn as (v: unknown) => unknown, value);
    else Waiter.#passOn(this, false, value);
  }

  fail(error: unknown): void {
    const fn = this.onRejected;
    this.onFulfilled = this.onRejected = null;
    if (typeof fn === "function") Waiter.#call(this, fn, error);
    else Waiter.#passOn(this, true, error);
  }

  static #call(self: Waiter, fn: (v: unknown) => unknown, arg: unknown): void {
    const chain = self.#chain;
    if (typeof chain === "number") {
      // Nobody chained on this reaction (yet): an error thrown by it reaches the loop's exception
      // handler (through the ready queue's runner) instead of vanishing. A chain made later
      // still sees it; the callback is kept to name it in the report.
      let value: unknown;
      try {
        value = fn(arg);
      } catch (e) {
        self.onFulfilled = fn;
        self.#chain = REJECTED;
        self.#last = e;
        throw e;
      }
      Waiter.#passOn(self, false, value);
      return;
    }
    try {
      chain.resolve(fn(arg));
    } catch (e) {
      chain.reject(e);
    }
  }

  static #passOn(self: Waiter, failed: boolean, value: unknown): void {
    const chain = self.#chain;
    if (typeof chain === "number") {
      self.#chain = failed ? REJECTED : FULFILLED;
      self.#last = value;
    } else if (failed) chain.reject(value);
    else chain.resolve(value);
  }

  then<R1 = unknown, R2 = never>(
    onFulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return Waiter.#promise(this).then(onFulfilled, onRejected);
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<unknown> {
    return Waiter.#promise(this).catch(onRejected);
  }

  finally(onFinally?: (() => void) | null): Promise<unknown> {
    return Waiter.#promise(this).finally(onFinally);
  }

  static #promise(self: Waiter): Promise<unknown> {
    const state = self.#chain;
    if (typeof state !== "number") return state.promise;
    const chain = Promise.withResolvers<unknown>();
    self.#chain = chain;
    // Already ran: the chain takes the reaction's outcome.
    if (state !== NOT_RUN) {
      if (state === FULFILLED) chain.resolve(self.#last);
      else chain.reject(self.#last);
      self.#last = undefined;
    }
    return chain.promise;
  }

  /** @internal `fn`, its reaction, threw `error` (in a then() on a done future). */
  _threw(fn: unknown, error: unknown): void {
    this.onFulfilled = fn as (value: never) => unknown;
    this.#chain = REJECTED;
    this.#last = error;
  }

  /** The reaction threw outside the loop's runner: report it unless a chain takes it by then. */
  reportUnchained(loop: BaseEventLoop | null, error: unknown): void {
    if (loop === null || loop.isClosed()) return;
    loop.callSoon(reportIfUnchained, this, error);
  }

  /** @internal */
  _chained(): boolean {
    return typeof this.#chain !== "number";
  }

  [inspectCustom](): string {
    return `<Waiter ${this.describe()}>`;
  }

  describe(): string {
    return this.task !== undefined ? `Task.wakeup(${this.task.getName()})` : callbackName(this.onFulfilled);
  }
}
