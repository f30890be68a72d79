/**
 * The event loop: CPython's BaseEventLoop scheduling (a FIFO ready queue, a heap of timers,
 * `_run_once` snapshots) driven on top of Node's own loop.
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
import { threadHandleFor, type ThreadHandle } from "./threadsafe.ts";
import {
  createDatagramEndpointNow,
  type DatagramEndpointOptions,
  type DatagramSocketTransport,
  type ProtocolFactory,
} from "./datagram.ts";
import { getaddrinfoNow, getnameinfoNow, type AddrInfo, type GetaddrinfoOptions } from "./dns.ts";
import {
  connectAcceptedSocketNow,
  createConnectionNow,
  createServerNow,
  createUnixConnectionNow,
  createUnixServerNow,
  startTlsNow,
  type ConnectAcceptedSocketOptions,
  type CreateConnectionOptions,
  type CreateServerOptions,
  type CreateUnixConnectionOptions,
  type CreateUnixServerOptions,
  type SocketTransport,
  type StreamProtocol,
} from "./tcp.ts";
import type { Server } from "./server.ts";
import {
  connectReadPipeNow,
  connectWritePipeNow,
  type ReadPipe,
  type ReadPipeTransport,
  type WritePipe,
  type WritePipeTransport,
} from "./pipes.ts";
import {
  subprocessExecNow,
  subprocessShellNow,
  type BaseSubprocessTransport,
  type SubprocessTransportOptions,
} from "./base-subprocess.ts";
import type {
  BaseProtocol,
  BufferedProtocol,
  DatagramAddress,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./protocols.ts";
import type { StartTlsTransportOptions } from "./ssl-transport.ts";
import type { SSLContext } from "./sslproto.ts";
import type { ExtraInfo, InetSockName } from "./streams.ts";
import type { Transport } from "./transports.ts";
import type net from "node:net";
import type dgram from "node:dgram";
import type { Buffer } from "node:buffer";
import {
  sendfileNow,
  sockAcceptNow,
  sockConnectNow,
  sockRecvfromIntoNow,
  sockRecvfromNow,
  sockRecvIntoNow,
  sockRecvNow,
  sockSendallNow,
  sockSendfileNow,
  sockSendtoNow,
  type SendfileOptions,
  type SendfileSource,
  type SocketAddress,
} from "./selector-events.ts";
import {
  addSignalHandler,
  removeAllSignalHandlers,
  removeSignalHandler,
  type SignalLike,
} from "./unix-events.ts";

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
 * The event loop. `EventLoop` (the real-clock one) and the virtual-time loop of
 * `asyncio-ts/testing` share this class.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.AbstractEventLoop
 */
export class BaseEventLoop {
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
  #tracer: LoopTracer | null = tracerFromEnv(this);
  // Steps and callbacks are timed in debug mode or when traced: one flag, so that the hot paths
  // test one field (as they tested #debug alone before traces existed).
  #timed = this.#debug || this.#tracer !== null;
  #exceptionHandler: ExceptionHandler | null = null;
  #taskFactory: TaskFactory | null = null;
  // What createTask gives each new Task when no name is asked for (one object, not one per task).
  readonly #taskOptions: { loop: BaseEventLoop } = { loop: this };
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
    const handle = new Handle(callback, args, this);
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
    const timer = new TimerHandle(when, callback, args, this);
    timer._seq = this.#timerSeq++;
    this.#pushTimer(timer);
    return timer;
  }

  /** Create a Future attached to this loop. */
  createFuture<T = unknown>(): Future<T> {
    return new Future<T>({ loop: this });
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
      task = new Task(coro, name === undefined ? this.#taskOptions : { loop: this, name });
    } else {
      // CPython 3.13: the factory is called without the name, then set_name(name).
      task = this.#taskFactory(this, coro, {}) as Task<T>;
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
    setRunningLoop(this);
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
    const fut = ensureFuture(future, { loop: this });
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
    removeAllSignalHandlers(this);
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
    addSignalHandler(this, sig, callback, args);
  }

  /** Remove the handler for `sig`; return true if there was one. */
  removeSignalHandler(sig: SignalLike): boolean {
    return removeSignalHandler(this, sig);
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
    return (executor ?? defaultExecutorFor(this)).submit<Awaited<R>>(fn as FunctionRef, ...args);
  }

  /**
   * Set the executor `runInExecutor(null, ...)` and `toThread` use.
   * @throws {TypeError} `executor must be ThreadPoolExecutor instance` for anything else.
   */
  setDefaultExecutor(executor: ThreadPoolExecutor): void {
    setDefaultExecutorFor(this, executor);
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
      handler(this, context);
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

  // ---- the low-level network API: thin delegates to datagram.ts and dns.ts ------------------

  /**
   * Create a UDP endpoint on `node:dgram` and return `[transport, protocol]`. `localAddr` binds
   * it, `remoteAddr` connects it (then `sendto(data)` needs no address, and an ICMP "port
   * unreachable" reaches `errorReceived` as `ECONNREFUSED`); `sock` takes an existing
   * `dgram.Socket`. Lazy, as every coroutine.
   * @throws {TypeError} for `reuseAddress` (removed in CPython 3.13), a bad address or factory.
   * @example
   * class Echo extends asyncio.DatagramProtocol {
   *   transport!: asyncio.DatagramTransport;
   *   override connectionMade(t: asyncio.DatagramTransport) { this.transport = t; }
   *   override datagramReceived(data: Buffer, addr: asyncio.DatagramAddress) { this.transport.sendto(data, addr); }
   * }
   * const [transport] = await loop.createDatagramEndpoint(Echo, { localAddr: ["127.0.0.1", 9999] });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_datagram_endpoint
   */
  createDatagramEndpoint<P extends DatagramProtocol>(
    protocolFactory: ProtocolFactory<P>,
    options: DatagramEndpointOptions = {},
  ): Coroutine<[DatagramSocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_datagram_endpoint", this, createDatagramEndpointNow, null, [
      this,
      protocolFactory,
      options,
    ]);
  }

  /**
   * Resolve `host`/`port` on `node:dns` into `[family, type, proto, canonname, sockaddr]` entries
   * (Python's `socket.getaddrinfo()`), with `asyncio.socket`'s constants. Lazy.
   * @throws gaierror (`name === "gaierror"`, Python's message) when the name does not resolve.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.getaddrinfo
   */
  getaddrinfo(
    host: string | null,
    port: string | number | null,
    options: GetaddrinfoOptions = {},
  ): Coroutine<AddrInfo[]> {
    return libraryCoroutine("BaseEventLoop.getaddrinfo", this, getaddrinfoNow, null, [
      this,
      host,
      port,
      options,
    ]);
  }

  /**
   * Look up the host name and service of a socket address (Python's `socket.getnameinfo()`):
   * `[host, service]`; `flags` are `asyncio.socket.NI_*`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.getnameinfo
   */
  getnameinfo(sockaddr: DatagramAddress, flags = 0): Coroutine<[host: string, service: string]> {
    return libraryCoroutine("BaseEventLoop.getnameinfo", this, getnameinfoNow, null, [this, sockaddr, flags]);
  }

  // ---- threads (src/threadsafe.ts) ----------------------------------------------------------

  /**
   * Schedule `callback(...args)` from this loop's own thread: the same as {@link callSoon} (a
   * loop object cannot reach another thread). From another thread, use the module function
   * `callSoonThreadsafe(handle, { module, name }, ...args)` with this loop's {@link threadHandle}.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.call_soon_threadsafe
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    return this.callSoon(callback, ...args);
  }

  /**
   * A new handle to this loop for another thread (send it with its port in the transfer list),
   * where `runCoroutineThreadsafe` and `callSoonThreadsafe` run functions on this loop. See
   * docs/io.md#loops-in-worker-threads. @extension
   * @throws {RuntimeError} `Event loop is closed`.
   */
  threadHandle(): ThreadHandle {
    return threadHandleFor(this);
  }

  // ---- stream sockets for protocols: thin delegates to tcp.ts ----------------------------------

  /**
   * Open a TCP connection to `host`:`port` (or use `sock`, a connected `net.Socket` or file
   * descriptor) and return `[transport, protocol]` once `connectionMade` has run. Lazy.
   * @throws {RangeError} `host and port was not specified and no sock specified`, ...
   * @throws the connection's error, with Node's `code` (`ECONNREFUSED`...).
   * @example
   * const [transport, protocol] = await loop.createConnection(() => new EchoClient(), "127.0.0.1", 8888);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_connection
   */
  createConnection<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    host: string | null = null,
    port: number | null = null,
    options: CreateConnectionOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_connection", this, createConnectionNow, null, [
      this,
      protocolFactory,
      host,
      port,
      options,
    ]);
  }

  /**
   * Start a TCP server on `host` (a name, a list, or null for all interfaces) and `port`; each
   * connection gets a protocol from `protocolFactory` and a transport. Lazy.
   * @example
   * const server = await loop.createServer(() => new EchoServer(), "127.0.0.1", 8888);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_server
   */
  createServer(
    protocolFactory: ProtocolFactory<StreamProtocol>,
    host: string | readonly string[] | null = null,
    port: number | null = null,
    options: CreateServerOptions = {},
  ): Coroutine<Server<InetSockName>> {
    return libraryCoroutine("BaseEventLoop.create_server", this, createServerNow, null, [
      this,
      protocolFactory,
      host,
      port,
      options,
    ]);
  }

  /**
   * Open a Unix socket connection to `path` and return `[transport, protocol]`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_unix_connection
   */
  createUnixConnection<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    path: string | null = null,
    options: CreateUnixConnectionOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_unix_connection", this, createUnixConnectionNow, null, [
      this,
      protocolFactory,
      path,
      options,
    ]);
  }

  /**
   * Start a Unix socket server on `path` (a stale socket file there is removed first). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_unix_server
   */
  createUnixServer(
    protocolFactory: ProtocolFactory<StreamProtocol>,
    path: string | null = null,
    options: CreateUnixServerOptions = {},
  ): Coroutine<Server<string>> {
    return libraryCoroutine("BaseEventLoop.create_unix_server", this, createUnixServerNow, null, [
      this,
      protocolFactory,
      path,
      options,
    ]);
  }

  /**
   * Wrap a connection accepted outside asyncio (a `net.Socket`, or its file descriptor) into a
   * transport and protocol; with `ssl`, as the server side of a TLS handshake first. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_accepted_socket
   */
  connectAcceptedSocket<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    sock: net.Socket | number,
    options: ConnectAcceptedSocketOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_accepted_socket", this, connectAcceptedSocketNow, null, [
      this,
      protocolFactory,
      sock,
      options,
    ]);
  }

  /**
   * Upgrade an existing connection to TLS (STARTTLS): run the handshake over `transport`'s socket
   * and return the new transport, which `protocol` uses from now on (its `connectionMade` is not
   * called again). The old transport must not be used afterwards: it is closed, without a
   * `connectionLost()`. Data received and not yet delivered to the old protocol goes to the
   * handshake, as in CPython. On failure, timeout or cancellation the connection is closed. Lazy.
   * @param sslcontext a `tls.SecureContext` or the options of one (`{ ca }`; `{ key, cert }` on
   * the server side).
   * @param options `serverSide`, `serverHostname` (client side: the name the certificate must
   * match; `""` skips the hostname check), `sslHandshakeTimeout` (seconds, default 60),
   * `sslShutdownTimeout` (seconds, default 30).
   * @throws {TypeError} `transport <…> is not supported by start_tls()` for a transport that is
   * not a stream socket's (datagram, pipe, subprocess); `sslcontext is expected to be an
   * instance of ssl.SSLContext …` for a non-object.
   * @throws {RangeError} `check_hostname requires server_hostname` for a client with no
   * `serverHostname` and a verifying context.
   * @throws the handshake's error: Node's, with its `code`, or `ECONNABORTED` on timeout.
   * @example
   * const tlsTransport = await loop.startTls(transport, protocol, { ca }, { serverHostname: "localhost" });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.start_tls
   */
  startTls(
    transport: SocketTransport,
    protocol: StreamProtocol,
    sslcontext: SSLContext,
    options: StartTlsTransportOptions = {},
  ): Coroutine<SocketTransport> {
    return libraryCoroutine("BaseEventLoop.start_tls", this, startTlsNow, null, [
      this,
      transport,
      protocol,
      sslcontext,
      options,
    ]);
  }

  // ---- socket objects used directly: thin delegates to selector-events.ts ----------------------

  /**
   * Receive up to `n` bytes from `sock`, a connected `net.Socket` read by nobody else (no `'data'`
   * listener); an empty Buffer at the end of the stream. Lazy.
   * @throws {RangeError} `negative buffersize in recv`; the socket's error (`ECONNRESET`...).
   * @throws {RuntimeError} when the socket is flowing (a transport or stream reads it).
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recv
   */
  sockRecv(sock: net.Socket, n: number): Coroutine<Buffer> {
    return libraryCoroutine("BaseEventLoop.sock_recv", this, sockRecvNow, null, [this, sock, n]);
  }

  /**
   * Receive bytes from `sock` (a `net.Socket`) into `buf`; return how many (0 at the end). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recv_into
   */
  sockRecvInto(sock: net.Socket, buf: ArrayBufferView): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_recv_into", this, sockRecvIntoNow, null, [this, sock, buf]);
  }

  /**
   * Receive a datagram of up to `bufsize` bytes (longer ones are truncated) from `sock`, a
   * `dgram.Socket`: `[data, address]`. Datagrams that arrive while no call waits are queued. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom
   */
  sockRecvfrom(sock: dgram.Socket, bufsize: number): Coroutine<[Buffer, DatagramAddress]> {
    return libraryCoroutine("BaseEventLoop.sock_recvfrom", this, sockRecvfromNow, null, [
      this,
      sock,
      bufsize,
    ]);
  }

  /**
   * Receive a datagram from `sock` (a `dgram.Socket`) into `buf` (up to `nbytes`, 0 for all of
   * it): `[nbytes, address]`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom_into
   */
  sockRecvfromInto(
    sock: dgram.Socket,
    buf: ArrayBufferView,
    nbytes = 0,
  ): Coroutine<[number, DatagramAddress]> {
    return libraryCoroutine("BaseEventLoop.sock_recvfrom_into", this, sockRecvfromIntoNow, null, [
      this,
      sock,
      buf,
      nbytes,
    ]);
  }

  /**
   * Send `data` on `sock`, a connected `net.Socket`; return once Node has handed all of it to
   * the kernel. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendall
   */
  sockSendall(sock: net.Socket, data: ArrayBufferView): Coroutine<void> {
    return libraryCoroutine("BaseEventLoop.sock_sendall", this, sockSendallNow, null, [this, sock, data]);
  }

  /**
   * Send a datagram from `sock` (a `dgram.Socket`, bound on first use if it is not) to `address`
   * (`[host, port]`); return the number of bytes sent. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendto
   */
  sockSendto(sock: dgram.Socket, data: ArrayBufferView, address: DatagramAddress): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_sendto", this, sockSendtoNow, null, [
      this,
      sock,
      data,
      address,
    ]);
  }

  /**
   * Connect `sock`, a new `net.Socket`, to `address`: `[host, port]` (a name is resolved) or a
   * Unix socket's path. Cancelling it destroys the socket (Node cannot abandon a connect). Lazy.
   * @throws the connection's error, with Node's `code` (`ECONNREFUSED`...).
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_connect
   */
  sockConnect(sock: net.Socket, address: SocketAddress): Coroutine<void> {
    return libraryCoroutine("BaseEventLoop.sock_connect", this, sockConnectNow, null, [this, sock, address]);
  }

  /**
   * Accept a connection on `server`, a listening `net.Server` with no `'connection'` listener of
   * its own: `[socket, address]` (address `""` for a Unix socket). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_accept
   */
  sockAccept(server: net.Server): Coroutine<[net.Socket, DatagramAddress | string]> {
    return libraryCoroutine("BaseEventLoop.sock_accept", this, sockAcceptNow, null, [this, server]);
  }

  /**
   * Send `file` (a `FileHandle` or file descriptor) on `sock`, a connected `net.Socket`, from
   * `offset`, `count` bytes or to its end; return the bytes sent. Node has no sendfile(2) for
   * sockets: the file is read and sent by chunks (`fallback: false` raises
   * SendfileNotAvailableError). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendfile
   */
  sockSendfile(
    sock: net.Socket,
    file: SendfileSource,
    offset = 0,
    count: number | null = null,
    options: SendfileOptions = {},
  ): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_sendfile", this, sockSendfileNow, null, [
      this,
      sock,
      file,
      offset,
      count,
      options,
    ]);
  }

  /**
   * Send `file` on `transport` (a SocketTransport, or a StreamWriter's `transport`) from `offset`,
   * `count` bytes or to its end, with the transport's flow control; return the bytes sent. By
   * chunks, as Node has no sendfile(2) (`fallback: false` raises RuntimeError). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sendfile
   */
  sendfile(
    transport: SocketTransport | Transport<ExtraInfo> | net.Socket,
    file: SendfileSource,
    offset = 0,
    count: number | null = null,
    options: SendfileOptions = {},
  ): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sendfile", this, sendfileNow, null, [
      this,
      transport,
      file,
      offset,
      count,
      options,
    ]);
  }

  // ---- pipes and subprocesses: thin delegates to pipes.ts and base-subprocess.ts ---------------

  /**
   * Register the read end of a pipe: `pipe` is a file descriptor (a FIFO, a socket or a
   * character device, as CPython takes) or a readable stream (`process.stdin`, a child's
   * `stdout`, a `net.Socket`, an `fs.ReadStream`). Return `[transport, protocol]` once
   * `connectionMade` has run; the transport closes the pipe when it is lost. Lazy.
   * @throws {TypeError} `connectReadPipe() pipe must be a file descriptor (a number), a net.Socket or a stream ...`.
   * @throws {RangeError} `Pipe transport is for pipes/sockets only.` for a regular file's descriptor.
   * @example
   * const [transport, protocol] = await loop.connectReadPipe(() => new Reader(), child.stdout);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_read_pipe
   */
  connectReadPipe<P extends Protocol | BufferedProtocol>(
    protocolFactory: ProtocolFactory<P>,
    pipe: ReadPipe,
  ): Coroutine<[ReadPipeTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_read_pipe", this, connectReadPipeNow, null, [
      this,
      protocolFactory,
      pipe,
    ]);
  }

  /**
   * Register the write end of a pipe: `pipe` is a file descriptor (a FIFO, a socket or a
   * character device) or a writable stream (`process.stdout`, a child's `stdin`, a `net.Socket`,
   * an `fs.WriteStream`). Return `[transport, protocol]` once `connectionMade` has run. Lazy.
   * @throws {TypeError} `connectWritePipe() pipe must be a file descriptor (a number), a net.Socket or a stream ...`.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_write_pipe
   */
  connectWritePipe<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    pipe: WritePipe,
  ): Coroutine<[WritePipeTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_write_pipe", this, connectWritePipeNow, null, [
      this,
      protocolFactory,
      pipe,
    ]);
  }

  /**
   * Run `program` with `args` (no shell; the last argument may be an options object) under a
   * {@link SubprocessProtocol}; return `[transport, protocol]` once `connectionMade` has run.
   * stdin, stdout and stderr default to `PIPE`, as CPython's. Lazy.
   * @throws Node's spawn error (`code` `ENOENT`...), `TypeError` for an argument that is not a
   * string, `RangeError` for text-mode options (`text must be False`...).
   * @example
   * const [transport, protocol] = await loop.subprocessExec(() => new P(), "ls", "-l", { stdin: null });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.subprocess_exec
   */
  subprocessExec<P extends SubprocessProtocol>(
    protocolFactory: ProtocolFactory<P>,
    program: string,
    ...args: [...string[], SubprocessTransportOptions] | string[]
  ): Coroutine<[BaseSubprocessTransport, P]> {
    return libraryCoroutine("BaseEventLoop.subprocess_exec", this, subprocessExecNow, null, [
      this,
      protocolFactory,
      program,
      ...args,
    ]);
  }

  /**
   * Run `cmd` through the shell (`/bin/sh -c` on POSIX) under a {@link SubprocessProtocol}, as
   * {@link subprocessExec}. Quote every piece of data that goes into `cmd`. Lazy.
   * @throws {RangeError} `cmd must be a string`, or for text-mode options.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.subprocess_shell
   */
  subprocessShell<P extends SubprocessProtocol>(
    protocolFactory: ProtocolFactory<P>,
    cmd: string,
    options: SubprocessTransportOptions = {},
  ): Coroutine<[BaseSubprocessTransport, P]> {
    return libraryCoroutine("BaseEventLoop.subprocess_shell", this, subprocessShellNow, null, [
      this,
      protocolFactory,
      cmd,
      options,
    ]);
  }
}

/**
 * The platform's event loop class (Node's libuv underneath): what `newEventLoop()` returns.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.EventLoop
 */
export class EventLoop extends BaseEventLoop {}

/**
 * Create and return a new event loop object.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.new_event_loop
 */
export function newEventLoop(): EventLoop {
  return new EventLoop();
}

function nothing(): undefined {
  return undefined;
}
