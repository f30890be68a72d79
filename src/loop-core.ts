/**
 * The core of the event loop: CPython's BaseEventLoop scheduling (a FIFO ready queue, a heap of
 * timers, `_run_once` snapshots) driven on top of Node's own loop; the I/O methods are in
 * base-events.ts.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html
 * @module
 */
import { AsyncResource } from "node:async_hooks";
import { Handle, TimerHandle, peekRunningLoop, setRunningLoop } from "./events.ts";
import { Coroutine, iscoroutinefunction, libraryCoroutine } from "./coroutines.ts";
import { RuntimeError } from "./exceptions.ts";
import { Future, Waiter } from "./futures.ts";
import { bindOutsideTasks, taskStorage } from "./internal/context.ts";
import { runCloseHooks } from "./internal/close-hooks.ts";
import { Deque } from "./internal/deque.ts";
import { Heap } from "./internal/heap.ts";
import { monotonic, nowMs } from "./internal/clock.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { kGetTracer, kSetTracer, type LoopTracer } from "./internal/trace-hooks.ts";
import { tracerFromEnv } from "./trace.ts";
import {
  kInlineSafe,
  kArmTimer,
  kBeginStep,
  kIsIdle,
  kKeepAlive,
  kNextTimer,
  kPushReady,
  kNextTask,
  kPrevTask,
  kRegisterTask,
  kRun,
  kScheduledTimers,
  kStepEnded,
  kTaskScope,
  kTimerCancelled,
  kTimerFired,
  kUnregisterTask,
  kUnretrieved,
} from "./internal/symbols.ts";
import { ensureFuture, Task, type TaskBody } from "./tasks.ts";
import { formatException, debugFromEnv, logger } from "./debug.ts";
import { suspendedAt } from "./internal/suspended.ts";
import {
  defaultExecutorFor,
  setDefaultExecutorFor,
  shutdownDefaultExecutorFor,
  type Executor,
  type ExecutorFn,
  type FunctionRef,
  type ThreadPoolExecutor,
} from "./executors.ts";
import {
  addSignalHandler,
  removeAllSignalHandlers,
  removeSignalHandler,
  type SignalLike,
} from "./unix-events.ts";
import type { BaseEventLoop } from "./base-events.ts";

/** `typeof`, except that null is "null": for messages about a wrong argument. */
function typeName(value: unknown): string {
  return value === null ? "null" : typeof value;
}

/** An entry of the ready queue. @internal */
export interface Runnable {
  [kRun](): void;
}

/** The dictionary given to exception handlers (CPython's context keys, camelCased). */
export interface ExceptionContext {
  message: string;
  exception?: unknown;
  future?: unknown;
  task?: unknown;
  handle?: unknown;
  [key: string]: unknown;
}

/** A handler for `loop.setExceptionHandler()`: called with the loop and the context dictionary. */
export type ExceptionHandler = (loop: BaseEventLoop, context: ExceptionContext) => void;

/** Options a task factory receives from `createTask`. */
export interface TaskFactoryOptions {
  name?: string;
}

/** A task factory for `loop.setTaskFactory()`: makes the Task that `createTask` returns. */
export type TaskFactory = (loop: BaseEventLoop, coro: TaskBody<unknown>, options: TaskFactoryOptions) => Task;

// The loop's phases. Only one of them holds at a time.
const STOPPED = 0; // not running
const RUNNING = 1; // #drain is on the stack
const STEP = 2; // waiting for a task's step to end (it runs in microtasks)
const IDLE = 3; // returned to Node: nothing ready, waiting for a timer or I/O
const WAKING = 4; // a #drain is queued (microtask or immediate)

const RESOLVED: Promise<void> = Promise.resolve();
/** The longest delay a Node timer takes (about 24.8 days). */
const KEEP_ALIVE_MS = 2 ** 31 - 1;
function noop(): void {
  // Keeps Node's loop alive; never called in practice.
}

/** Consecutive iterations run without returning to Node for at most this long (ms). */
const SLICE_MS = 8;
/** The longest single wait on a Node timer (CPython's MAXIMUM_SELECT_TIMEOUT, 24 hours). */
const MAX_TIMER_WAIT_MS = 24 * 3600 * 1000;
/** Heap clean-up thresholds (CPython base_events: _MIN_SCHEDULED_TIMER_HANDLES, _MIN_CANCELLED_...). */
const MIN_SCHEDULED_TIMER_HANDLES = 100;
const MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5;

/** The heap rebuild's predicate: keeps live timers, marks cancelled ones as out of the heap. */
function keepTimer(timer: TimerHandle): boolean {
  if (!timer._cancelled) return true;
  timer._scheduled = false;
  return false;
}

/**
 * What BaseEventLoop inherits: scheduling, running and stopping, error handling, debug mode, the
 * hooks futures and tasks use, and the drive. Not a class of its own in asyncio: use
 * {@link BaseEventLoop} (or `EventLoop`).
 */
export class LoopCore {
  /** This loop as the BaseEventLoop it always is (LoopCore is never made on its own). */
  get #self(): BaseEventLoop {
    return this as unknown as BaseEventLoop;
  }

  #ready = new Deque<Runnable>(256);
  #timers = new Heap<TimerHandle>();
  #timerCancelledCount = 0;
  #timerSeq = 0;
  #ntodo = 0;
  #phase = STOPPED;
  #stopping = false;
  #closed = false;
  #stepping: Task | null = null;
  // True while #drain runs from inside a then() (kStepEnded): only parked awaits' wake-ups may run.
  #parkedOnly = false;
  #stepStart = 0;
  #fallbackArmed = false;
  #iterations = 0;
  #sliceEnd = 0;
  #debug = debugFromEnv();
  // A trace timeline's hooks (src/trace.ts), or null.
  #tracer: LoopTracer | null = tracerFromEnv(this.#self);
  // Steps and callbacks are timed in debug mode or when traced: one flag, so that the hot paths
  // test one field (as they tested #debug alone before traces existed).
  #timed = this.#debug || this.#tracer !== null;
  #exceptionHandler: ExceptionHandler | null = null;
  #taskFactory: TaskFactory | null = null;
  // What createTask gives each new Task when no name is asked for (one object, not one per task).
  readonly #taskOptions: { loop: BaseEventLoop } = { loop: this.#self };
  // Pending tasks in creation order, linked through the tasks themselves (a Set costs a hash
  // entry and rehashing per task).
  #taskHead: Task | null = null;
  #taskTail: Task | null = null;
  #runResolve: ((value: undefined) => void) | null = null;
  // True between taking an iteration's snapshot and running its last handle.
  #inIteration = false;
  #handlerRunning = false;

  /** Seconds: a timer is due when its time is below `time() + clockResolution`. */
  protected clockResolution = 0.001;

  /** In debug mode, callbacks and task steps that take at least this long (seconds) are logged. */
  slowCallbackDuration = 0.1;

  /** @internal null on the real loop; the virtual loop tracks unretrieved exceptions here. */
  [kUnretrieved]: Set<Future> | null = null;

  /**
   * @internal Where a task's first step runs: the context the loop was made in, no task current.
   * The step enters its task there with `enterWith` (one context frame per task; `run()` would
   * build two, the second to restore a frame the scope restores anyway).
   */
  readonly [kTaskScope]: AsyncResource = taskStorage.exit(() => new AsyncResource("asyncio-ts.task"));

  // The loop's own callbacks run bound outside any task, whatever context scheduled them.
  readonly #drainBound = bindOutsideTasks(() => {
    this.#drain();
  });
  readonly #fallbackBound = bindOutsideTasks(() => {
    this.#fallback();
  });
  // Resumes the loop from a microtask. It may run in the context of the task that ended its step:
  // continuations restore their own task's context, and #drain steps out of it before a plain
  // callback, so no context switch is paid per task step.
  readonly #drainSoon = (): void => {
    void RESOLVED.then(this.#drainDirect);
  };
  readonly #drainDirect = (): void => {
    this.#drain();
  };

  /** Return the current time, in seconds, according to the loop's monotonic clock. */
  time(): number {
    return monotonic();
  }

  // ---- scheduling ---------------------------------------------------------------------------

  /**
   * Schedule `callback(...args)` to be called at the next iteration of the loop; callbacks run in
   * the order they were registered.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.call_soon
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    this.#checkClosed();
    this.#checkCallback(callback, "call_soon");
    const handle = new Handle(callback, args, this.#self);
    this[kPushReady](handle);
    return handle;
  }

  /**
   * Schedule `callback(...args)` to be called after `delay` seconds.
   * @param delay seconds (a float); zero or negative runs it at the next iteration's timers.
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    // CPython 3.13 base_events.py call_later: None is refused with this message.
    if ((delay as unknown) === null) throw new TypeError("delay must not be None");
    if (typeof delay !== "number")
      throw new TypeError(`delay must be a number of seconds, got ${typeName(delay)}`);
    return this.callAt(this.time() + delay, callback, ...args);
  }

  /**
   * Schedule `callback(...args)` to be called at the absolute loop time `when` (seconds, on the
   * `loop.time()` clock).
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    // CPython 3.13 base_events.py call_at: None is refused with this message.
    if ((when as unknown) === null) throw new TypeError("when cannot be None");
    if (typeof when !== "number")
      throw new TypeError(`when must be a number of seconds, got ${typeName(when)}`);
    if (Number.isNaN(when)) throw new RangeError("when must not be NaN");
    this.#checkClosed();
    this.#checkCallback(callback, "call_at");
    const timer = new TimerHandle(when, callback, args, this.#self);
    timer._seq = this.#timerSeq++;
    this.#pushTimer(timer);
    return timer;
  }

  /** Create a Future attached to this loop. */
  createFuture<T = unknown>(): Future<T> {
    return new Future<T>({ loop: this.#self });
  }

  /**
   * Schedule the execution of a coroutine (or of a function returning an awaitable) as a Task.
   * @param options.name the task's name (default `Task-N`).
   */
  createTask<T>(coro: TaskBody<T>, options?: { name?: string }): Task<T> {
    if (this.#closed) {
      // CPython closes the coroutine, so that it is not reported as never awaited.
      if (coro instanceof Coroutine) coro.close();
      this.#checkClosed();
    }
    let task: Task<T>;
    if (this.#taskFactory === null) {
      const name = options?.name;
      task = new Task(coro, name === undefined ? this.#taskOptions : { loop: this.#self, name });
    } else {
      // CPython 3.13: the factory is called without the name, then set_name(name).
      task = this.#taskFactory(this.#self, coro, {}) as Task<T>;
      if (options?.name !== undefined) task.setName(options.name);
    }
    return task;
  }

  /**
   * Set a task factory used by `createTask`, or null for the default. `eagerTaskFactory` is one.
   * @throws {TypeError} if `factory` is neither a function nor null.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== "function") {
      throw new TypeError("task factory must be a callable or None");
    }
    this.#taskFactory = factory;
  }

  /** Return the task factory, or null if the default one is in use. */
  getTaskFactory(): TaskFactory | null {
    return this.#taskFactory;
  }

  // ---- running and stopping -----------------------------------------------------------------

  /**
   * Run the event loop until `stop()` is called. Resolves when the loop has stopped.
   * @throws {RuntimeError} if the loop is closed or already running, or another loop is running.
   */
  runForever(): Promise<void> {
    this.#checkClosed();
    this.#checkNotRunning();
    setRunningLoop(this.#self);
    this.#phase = WAKING;
    this.#sliceEnd = 0;
    this.#inIteration = false;
    const { promise, resolve } = Promise.withResolvers<undefined>();
    this.#runResolve = resolve;
    this[kKeepAlive](true);
    queueMicrotask(this.#drainBound);
    return promise;
  }

  /**
   * Run until `future` (a Future, a coroutine, or a function returning an awaitable) is done, and
   * return its result (or throw its exception).
   * @throws {RuntimeError} `Event loop stopped before Future completed.` if stopped first.
   */
  async runUntilComplete<T>(future: TaskBody<T> | Future<T>): Promise<T> {
    this.#checkClosed();
    this.#checkNotRunning();
    const fut = ensureFuture(future, { loop: this.#self });
    const stopOnDone = (): void => {
      this.stop();
    };
    fut.addDoneCallback(stopOnDone);
    try {
      await this.runForever();
    } finally {
      fut.removeDoneCallback(stopOnDone);
    }
    if (!fut.done()) throw new RuntimeError("Event loop stopped before Future completed.");
    return fut.result();
  }

  /**
   * Stop the event loop: the current iteration finishes, then `runForever` resolves. Called
   * before `runForever`, that call runs one iteration and stops.
   */
  stop(): void {
    this.#stopping = true;
    if (this.#phase === IDLE) this.#wake();
  }

  /** Return true if the event loop is running. */
  isRunning(): boolean {
    return this.#phase !== STOPPED;
  }

  /** Return true if the event loop was closed. */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Close the event loop: discard pending callbacks and timers, remove its signal handlers, kill
   * the child processes it started that are still running. Idempotent.
   * @throws {RuntimeError} `Cannot close a running event loop` while running.
   */
  close(): void {
    if (this.isRunning()) throw new RuntimeError("Cannot close a running event loop");
    if (this.#closed) return;
    this.#closed = true;
    this.#ready.clear();
    this.#ntodo = 0;
    this.#timers.items.length = 0;
    this.#timerCancelledCount = 0;
    this[kArmTimer](null);
    removeAllSignalHandlers(this.#self);
    runCloseHooks(this);
  }

  /**
   * Run `callback(...args)` on the loop whenever signal `sig` arrives (a name such as `"SIGTERM"`
   * or a number). Replaces an earlier handler of this loop for that signal.
   * @throws {TypeError} for a coroutine function; {@link RuntimeError} for SIGKILL/SIGSTOP.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.add_signal_handler
   */
  addSignalHandler<A extends unknown[]>(
    sig: SignalLike,
    callback: (...args: A) => unknown,
    ...args: A
  ): void {
    addSignalHandler(this.#self, sig, callback, args);
  }

  /** Remove the handler for `sig`; return true if there was one. */
  removeSignalHandler(sig: SignalLike): boolean {
    return removeSignalHandler(this.#self, sig);
  }

  /**
   * Cancel-free clean-up of async generators. JavaScript has no hook that tells the loop which
   * async generators are alive, so there is nothing to close; see
   * docs/differences.md#async-generators.
   */
  shutdownAsyncgens(): Coroutine<void> {
    // Nothing is tracked (no sys.set_asyncgen_hooks in JavaScript).
    return libraryCoroutine("BaseEventLoop.shutdown_asyncgens", this, nothing);
  }

  /**
   * Shut the default executor down: wait for its jobs (at most `timeout` seconds, then warn and
   * go on), and refuse new ones. Lazy, as every coroutine.
   */
  shutdownDefaultExecutor(timeout?: number | null): Coroutine<void> {
    return libraryCoroutine(
      "BaseEventLoop.shutdown_default_executor",
      this,
      shutdownDefaultExecutorFor,
      null,
      [this, timeout ?? null],
    );
  }

  /**
   * Run `fn(...args)` in `executor` (a ThreadPoolExecutor or a ProcessPoolExecutor; null: the
   * loop's default ThreadPoolExecutor, made on first use) and return a Future of its result. The
   * function crosses to a worker thread or child process: pass a self-contained function, or
   * `{ module: import.meta.url, name: "exportName" }`.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.run_in_executor
   */
  runInExecutor<R = unknown>(
    executor: Executor | null,
    fn: ExecutorFn<never[], R>,
    ...args: unknown[]
  ): Future<Awaited<R>> {
    this.#checkClosed();
    return (executor ?? defaultExecutorFor(this.#self)).submit<Awaited<R>>(fn as FunctionRef, ...args);
  }

  /**
   * Set the executor `runInExecutor(null, ...)` and `toThread` use.
   * @throws {TypeError} `executor must be ThreadPoolExecutor instance` for anything else.
   */
  setDefaultExecutor(executor: ThreadPoolExecutor): void {
    setDefaultExecutorFor(this.#self, executor);
  }

  // ---- error handling -----------------------------------------------------------------------

  /**
   * Set `handler(loop, context)` as the loop's exception handler, or null for the default.
   * @throws {TypeError} if `handler` is neither a function nor null.
   */
  setExceptionHandler(handler: ExceptionHandler | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`A callable object or None is expected, got ${reprValue(handler)}`);
    }
    this.#exceptionHandler = handler;
  }

  /** Return the current exception handler, or null for the default one. */
  getExceptionHandler(): ExceptionHandler | null {
    return this.#exceptionHandler;
  }

  /**
   * The default exception handler: logs `message`, the other keys and the exception's stack to
   * stderr (CPython logs them through the `asyncio` logger).
   */
  defaultExceptionHandler(context: ExceptionContext): void {
    const message = context.message === "" ? "Unhandled exception in event loop" : context.message;
    const lines = [message];
    for (const key of Object.keys(context).sort()) {
      if (key === "message" || key === "exception") continue;
      const value = context[key];
      lines.push(`${key}: ${typeof value === "string" ? value : reprValue(value)}`);
    }
    if (context.exception !== undefined) lines.push(formatException(context.exception));
    logger.error(lines.join("\n"));
  }

  /**
   * Call the loop's exception handler with `context` (keys `message`, `exception`, `future`,
   * `task`, `handle`, ...). A failing custom handler falls back to the default one.
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this.#exceptionHandler;
    if (handler === null || this.#handlerRunning) {
      try {
        this.defaultExceptionHandler(context);
      } catch (e) {
        logger.error(`Exception in default exception handler\n${formatException(e)}`);
      }
      return;
    }
    this.#handlerRunning = true;
    try {
      handler(this.#self, context);
    } catch (e) {
      try {
        this.defaultExceptionHandler({
          message: "Unhandled error in exception handler",
          exception: e,
          context,
        });
      } catch (e2) {
        logger.error(
          "Exception in default exception handler while handling an unexpected error in custom " +
            `exception handler\n${formatException(e2)}`,
        );
      }
    } finally {
      this.#handlerRunning = false;
    }
  }

  // ---- debug --------------------------------------------------------------------------------

  /** Return the debug mode of the loop. */
  getDebug(): boolean {
    return this.#debug;
  }

  /** Set the debug mode of the loop (slow-callback warnings, callback type checks). */
  setDebug(enabled: boolean): void {
    this.#debug = enabled;
    this.#timed = enabled || this.#tracer !== null;
  }

  /** @internal install or remove a trace timeline's hooks (src/trace.ts) */
  [kSetTracer](tracer: LoopTracer | null): void {
    this.#tracer = tracer;
    this.#timed = this.#debug || tracer !== null;
  }

  /** @internal */
  [kGetTracer](): LoopTracer | null {
    return this.#tracer;
  }

  // ---- internals used by futures and tasks ----------------------------------------------------

  /** @internal */
  [kPushReady](runnable: Runnable): void {
    this.#ready.push(runnable);
    if (this.#phase === IDLE) this.#wake();
  }

  /** @internal a ready-queue entry is resuming `task`: wait for its step to end. */
  [kBeginStep](task: Task): void {
    this.#stepping = task;
    if (this.#timed) this.#beginTimed(task);
  }

  // Debug mode or a trace: off, the two hooks cost one test of one field, as debug mode alone did.
  #beginTimed(task: Task): void {
    if (this.#tracer !== null) this.#tracer.begin(task);
    if (this.#debug) {
      this.#stepStart = monotonic();
      // Where it waited is history once it runs: the step's next await says where it waits next.
      suspendedAt.delete(task);
    }
  }

  #endTimed(task: Task, finished: boolean): void {
    // The trace first: writing a slow-step report to stderr is not part of the step.
    if (this.#tracer !== null) this.#tracer.end(task, finished, false);
    if (this.#debug) this.#checkSlow(task, monotonic() - this.#stepStart);
  }

  /**
   * @internal `task` suspended on a library awaitable, or finished. `parked`: it suspended in an
   * await parked on the task (an engine's then() call, most likely from `await`).
   */
  [kStepEnded](task: Task, finished = false, parked = false): void {
    if (this.#stepping !== task) return;
    this.#stepping = null;
    if (this.#timed) this.#endTimed(task, finished);
    if (this.#phase === STEP) {
      this.#phase = WAKING;
      // A finished task reports from the loop's own promise reaction: nothing else is on the
      // stack, so go on at once. Otherwise this is inside then(), where user code may be mid-step
      // (an explicit `fut.then(cb)`): go on at once only with the wake-ups of parked awaits,
      // which run no code but queue their task's continuation, and resume from a microtask at
      // the first other entry (a callback, a first step, a Waiter).
      if (finished) this.#drain();
      else if (parked) {
        this.#parkedOnly = true;
        this.#drain();
        this.#parkedOnly = false;
      } else this.#drainSoon();
    }
    // When #drain is on the stack (a first step that suspended synchronously), it goes on by itself.
  }

  /** @internal */
  [kRegisterTask](task: Task): void {
    const tail = this.#taskTail;
    task[kPrevTask] = tail;
    task[kNextTask] = null;
    if (tail === null) this.#taskHead = task;
    else tail[kNextTask] = task;
    this.#taskTail = task;
  }

  /** @internal */
  [kUnregisterTask](task: Task): void {
    const prev = task[kPrevTask];
    const next = task[kNextTask];
    if (prev === null && this.#taskHead !== task) return; // not linked
    if (prev === null) this.#taskHead = next;
    else prev[kNextTask] = next;
    if (next === null) this.#taskTail = prev;
    else next[kPrevTask] = prev;
    task[kPrevTask] = task[kNextTask] = null;
  }

  /** @internal the loop's pending tasks (CPython's all_tasks). */
  _allTasks(): Task[] {
    const out: Task[] = [];
    for (let t = this.#taskHead; t !== null; t = t[kNextTask]) out.push(t);
    return out;
  }

  /** @internal */
  [kTimerCancelled](): void {
    this.#timerCancelledCount++;
  }

  /** @internal the heap's length, cancelled timers not purged yet included */
  [kScheduledTimers](): number {
    return this.#timers.size;
  }

  /** @internal */
  [kNextTimer](): number | null {
    this.#dropCancelledTimers();
    return this.#timers.peek()?._when ?? null;
  }

  /** @internal */
  [kIsIdle](): boolean {
    return this.#phase === IDLE;
  }

  /**
   * @internal Arm a wake-up at loop time `when` (null: none needed). The real loop keeps one Node
   * timer for the whole heap.
   */
  [kArmTimer](when: number | null): void {
    if (this.#nodeTimer !== null) {
      if (when !== null && when === this.#nodeTimerWhen) return;
      clearTimeout(this.#nodeTimer);
      this.#nodeTimer = null;
    }
    if (when === null) return;
    // Node's timers take at most 2^31-1 ms (24.8 days) and turn anything longer into 1 ms: cap
    // the wait as CPython caps its select() timeout (24 hours); the loop re-arms when it wakes.
    const ms = Math.min(MAX_TIMER_WAIT_MS, Math.max(0, Math.ceil((when - this.time()) * 1000)));
    this.#nodeTimerWhen = when;
    this.#nodeTimer = setTimeout(this.#timerBound, ms);
  }

  /**
   * @internal CPython's run_forever() blocks even when nothing is scheduled (a task waiting on a
   * future only another task or a signal will resolve): hold a ref'd Node timer while running, or
   * Node would exit with the loop still "running".
   */
  [kKeepAlive](on: boolean): void {
    if (on) this.#keepAlive ??= setInterval(noop, KEEP_ALIVE_MS);
    else if (this.#keepAlive !== null) {
      clearInterval(this.#keepAlive);
      this.#keepAlive = null;
    }
  }

  #keepAlive: ReturnType<typeof setInterval> | null = null;
  #nodeTimer: ReturnType<typeof setTimeout> | null = null;
  #nodeTimerWhen = 0;
  readonly #timerBound = bindOutsideTasks(() => {
    this.#nodeTimer = null;
    this[kTimerFired]();
  });

  /** @internal */
  [kTimerFired](): void {
    if (this.#phase === IDLE) this.#drain();
  }

  // ---- the drive ----------------------------------------------------------------------------

  #wake(): void {
    this.#phase = WAKING;
    this.#drainSoon();
  }

  /**
   * Run handles until a task step must be waited for, or the loop goes idle or stops. One
   * iteration = move due timers to the ready queue, then run exactly the handles ready at its
   * start (CPython's `_run_once`).
   */
  #drain(): void {
    const phase = this.#phase;
    if (phase !== WAKING && phase !== IDLE) return;
    this.#phase = RUNNING;
    if (this.#sliceEnd === 0) this.#sliceEnd = nowMs() + SLICE_MS;
    const ready = this.#ready;
    for (;;) {
      while (this.#ntodo > 0) {
        const next = ready.peek();
        if (this.#parkedOnly) {
          if (!(next instanceof Task && next[kInlineSafe]()) || this.#timed) {
            this.#parkedOnly = false;
            this.#phase = WAKING;
            this.#drainSoon();
            return;
          }
        } else if (next instanceof Handle && taskStorage.getStore() !== undefined) {
          // Resumed from a microtask a task queued: a task's continuation restores its own
          // context, but a plain callback must not run in that task's. Step out once, here.
          this.#phase = WAKING;
          taskStorage.exit(this.#drainDirect);
          return;
        }
        this.#ntodo--;
        const handle = ready.shift();
        if (this.#timed) this.#runTimed(handle);
        else {
          try {
            handle[kRun]();
          } catch (exc) {
            this.#reportCallbackError(handle, exc);
          }
        }
        if (this.#stepping !== null) {
          // The handle resumed a task; its step runs in microtasks. kStepEnded resumes us.
          this.#phase = STEP;
          if (!this.#fallbackArmed) {
            this.#fallbackArmed = true;
            setImmediate(this.#fallbackBound);
          }
          return;
        }
      }
      if (this.#inIteration) {
        this.#inIteration = false;
        if (this.#stopping) {
          this.#finishRun();
          return;
        }
      }
      // Begin the next iteration. A stop request runs it without waiting (CPython polls with
      // timeout 0), so stop() before runForever() still runs exactly one iteration.
      // CPython 3.13 base_events.py _run_once purges cancelled timers at the start of every
      // iteration, not only before waiting: on a loop that never idles, each cancelled waitFor,
      // timeout() or callLater would otherwise stay in the heap until its deadline. The count is
      // exactly the cancelled timers still in the heap, so zero means nothing to purge.
      if (this.#timerCancelledCount > 0) this.#dropCancelledTimers();
      const timers = this.#timers;
      if (ready.length === 0 && !this.#stopping) {
        const when = timers.peek()?._when ?? null;
        if (when === null || when >= this.time() + this.clockResolution) {
          this.#phase = IDLE;
          this.#sliceEnd = 0;
          this[kArmTimer](when);
          return;
        }
      }
      if ((++this.#iterations & 15) === 0 && nowMs() > this.#sliceEnd) {
        // Let Node poll for I/O and run its own timers; come back right after.
        this.#phase = WAKING;
        this.#sliceEnd = 0;
        setImmediate(this.#drainBound);
        return;
      }
      if (timers.size > 0) {
        const end = this.time() + this.clockResolution;
        let top = timers.peek();
        while (top !== undefined && top._when < end) {
          timers.pop();
          top._scheduled = false;
          if (!top._cancelled) ready.push(top);
          else this.#timerCancelledCount--;
          top = timers.peek();
        }
      }
      this.#ntodo = ready.length;
      this.#inIteration = true;
    }
  }

  /** Microtasks drained while a step was awaited: the task waits on something foreign. */
  #fallback(): void {
    this.#fallbackArmed = false;
    this.#sliceEnd = 0;
    if (this.#phase === STEP) {
      const task = this.#stepping;
      this.#stepping = null;
      if (task !== null) this.#tracer?.end(task, false, true);
      this.#phase = WAKING;
      this.#drain();
    }
  }

  #finishRun(): void {
    this.#stopping = false;
    this.#phase = STOPPED;
    this.#stepping = null;
    this[kArmTimer](null);
    this[kKeepAlive](false);
    setRunningLoop(null);
    const resolve = this.#runResolve;
    this.#runResolve = null;
    resolve?.(undefined);
  }

  #runTimed(handle: Runnable): void {
    const t0 = monotonic();
    try {
      handle[kRun]();
    } catch (exc) {
      this.#reportCallbackError(handle, exc);
    }
    if (this.#stepping !== null) return;
    const dt = monotonic() - t0;
    if (this.#debug) this.#checkSlow(handle, dt);
    if (this.#tracer !== null && dt >= this.slowCallbackDuration) this.#tracer.slowCallback(handle, t0, dt);
  }

  #checkSlow(what: unknown, dt: number): void {
    if (dt >= this.slowCallbackDuration) {
      logger.warn(`Executing ${reprValue(what)} took ${dt.toFixed(3)} seconds`);
    }
  }

  #reportCallbackError(handle: Runnable, exc: unknown): void {
    const what =
      handle instanceof Handle
        ? handle._formatCallback(this.#debug)
        : handle instanceof Waiter
          ? handle.describe()
          : handle instanceof Task
            ? `Task.wakeup(${handle.getName()})`
            : reprValue(handle);
    this.callExceptionHandler({
      message: `Exception in callback ${what}`,
      exception: exc,
      handle,
    });
  }

  #pushTimer(timer: TimerHandle): void {
    const timers = this.#timers;
    timers.push(timer);
    if (this.#phase === IDLE && timers.peek() === timer) this[kArmTimer](timer._when);
  }

  /**
   * Removes cancelled timers: all of them, rebuilding the heap, when more than
   * MIN_SCHEDULED_TIMER_HANDLES are scheduled and over MIN_CANCELLED_TIMER_HANDLES_FRACTION of
   * them are cancelled (so a rebuild costs O(1) amortized per cancel); else those at the top.
   */
  #dropCancelledTimers(): void {
    const timers = this.#timers;
    const size = timers.size;
    if (
      size > MIN_SCHEDULED_TIMER_HANDLES &&
      this.#timerCancelledCount > size * MIN_CANCELLED_TIMER_HANDLES_FRACTION
    ) {
      timers.filter(keepTimer);
      this.#timerCancelledCount = 0;
      return;
    }
    let top = timers.peek();
    while (top?._cancelled === true) {
      timers.pop();
      top._scheduled = false;
      this.#timerCancelledCount--;
      top = timers.peek();
    }
  }

  #checkClosed(): void {
    if (this.#closed) throw new RuntimeError("Event loop is closed");
  }

  #checkNotRunning(): void {
    if (this.isRunning()) throw new RuntimeError("This event loop is already running");
    if (peekRunningLoop() !== null) {
      throw new RuntimeError("Cannot run the event loop while another loop is running");
    }
  }

  /** CPython 3.13 base_events.py _check_callback; `method` is CPython's name, as its message says. */
  #checkCallback(callback: unknown, method: "call_soon" | "call_at"): void {
    if (typeof callback !== "function") {
      if (callback instanceof Coroutine) throw new TypeError(`coroutines cannot be used with ${method}()`);
      throw new TypeError(`a callable object was expected by ${method}(), got ${reprValue(callback)}`);
    }
    // CPython checks for coroutine functions in debug mode only (it costs a lookup per call).
    if (this.#debug && iscoroutinefunction(callback)) {
      throw new TypeError(`coroutines cannot be used with ${method}()`);
    }
  }

  [inspectCustom](): string {
    return `<${this.constructor.name} running=${this.isRunning()} closed=${this.#closed} debug=${this.#debug}>`;
  }
}

function nothing(): undefined {
  return undefined;
}
