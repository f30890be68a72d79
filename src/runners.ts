/**
 * `run()` and `Runner`: create a loop, run the main coroutine, clean up everything it left.
 * @see https://docs.python.org/3.13/library/asyncio-runner.html
 * @module
 */
import { EventLoop, type BaseEventLoop } from "./base-events.ts";
import { gatherArray } from "./combinators.ts";
import { Coroutine } from "./coroutines.ts";
import { peekRunningLoop } from "./events.ts";
import { CancelledError, KeyboardInterrupt, RuntimeError } from "./exceptions.ts";
import { exitBySigintIfUncaught, runExitHooks } from "./internal/exit-hooks.ts";
import { reprValue } from "./internal/repr.ts";
import type { Task } from "./tasks.ts";
import { parseTraceSpec, traceLoop } from "./trace.ts";

/** Options of {@link run} and {@link Runner}. */
export interface RunnerOptions {
  /** Debug mode for the loop (default: from `ASYNCIO_TS_DEBUG`). */
  debug?: boolean;
  /** Creates the loop (default: `new EventLoop()`). */
  loopFactory?: () => BaseEventLoop;
  /**
   * Record a trace timeline of the loop's tasks (Chrome's trace-event format, which Perfetto
   * opens) into this file, written when the loop closes; `{ file, maxEvents }` also bounds the
   * records kept (the last 100 000 by default). See docs/debugging.md#trace-timeline. @extension
   */
  trace?: string | { file: string; maxEvents?: number };
}

/** What `run()` runs as the main task: a coroutine, or a function returning an awaitable. */
export type MainBody<T> = Coroutine<T> | (() => T | PromiseLike<T>);

type RunnerState = "created" | "initialized" | "closed";

/**
 * Runs coroutines on one loop it owns; `close()` cancels what is left and closes the loop.
 * @see https://docs.python.org/3.13/library/asyncio-runner.html#asyncio.Runner
 */
export class Runner {
  #state: RunnerState = "created";
  #loop: BaseEventLoop | null = null;
  readonly #debug: boolean | undefined;
  readonly #loopFactory: (() => BaseEventLoop) | undefined;
  readonly #trace: { file: string; maxEvents: number } | undefined;
  #interruptCount = 0;

  constructor(options?: RunnerOptions) {
    this.#debug = options?.debug;
    this.#loopFactory = options?.loopFactory;
    this.#trace = options?.trace === undefined ? undefined : parseTraceSpec(options.trace);
  }

  /** Return the loop the runner owns (created on first use). */
  getLoop(): BaseEventLoop {
    this.#lazyInit();
    return this.#loop as BaseEventLoop;
  }

  /**
   * Run `coro` (a coroutine, or a function returning an awaitable) as the main task on the
   * runner's loop; resolve with its result. The first Ctrl-C cancels the main task; if that
   * ends it, the promise rejects with {@link KeyboardInterrupt}. If nothing catches that, the
   * process prints `KeyboardInterrupt` and ends by SIGINT (status 130), as `python` does. A second
   * Ctrl-C ends the process at once, by SIGINT.
   * @throws {RangeError} `a coroutine was expected, got ...` for anything else (a Future too),
   *   as CPython's ValueError.
   * @throws {TypeError} for a running Promise (it cannot be owned by a task).
   * @throws {RuntimeError} when a loop is already running.
   */
  async run<T>(coro: MainBody<T>): Promise<T> {
    checkMain(coro);
    if (peekRunningLoop() !== null)
      throw new RuntimeError("Runner.run() cannot be called from a running event loop");
    this.#lazyInit();
    const loop = this.#loop as BaseEventLoop;
    const task: Task<T> = loop.createTask(coro);
    const onSigint = (): void => {
      this.#interruptCount++;
      if (this.#interruptCount === 1 && !task.done()) {
        task.cancel();
        return;
      }
      // Second Ctrl-C: give the signal back to Node, which exits with 130 as Python does; the
      // children the loops own are killed first, since no cleanup will run.
      process.removeListener("SIGINT", onSigint);
      if (process.listenerCount("SIGINT") === 0) runExitHooks();
      process.kill(process.pid, "SIGINT");
    };
    const installSigint = process.listenerCount("SIGINT") === 0;
    if (installSigint) process.on("SIGINT", onSigint);
    this.#interruptCount = 0;
    try {
      return await loop.runUntilComplete(task);
    } catch (e) {
      if (e instanceof CancelledError && this.#interruptCount > 0 && task.uncancel() === 0) {
        const interrupt = new KeyboardInterrupt("", { cause: e });
        // Uncaught, it ends the process by SIGINT once it reaches the top (status 130).
        exitBySigintIfUncaught(interrupt);
        throw interrupt;
      }
      throw e;
    } finally {
      if (installSigint) process.removeListener("SIGINT", onSigint);
    }
  }

  /**
   * Cancel the tasks left, shut the default executor down and close the loop. Idempotent.
   */
  async close(): Promise<void> {
    if (this.#state !== "initialized") return;
    const loop = this.#loop as BaseEventLoop;
    try {
      await cancelAllTasks(loop);
      await loop.runUntilComplete(() => loop.shutdownAsyncgens());
      await loop.runUntilComplete(() => loop.shutdownDefaultExecutor(300));
    } finally {
      loop.close();
      this.#loop = null;
      this.#state = "closed";
    }
  }

  /** Run `body` with this runner, then close it (Python's `with Runner() as runner`). */
  async with<R>(body: (runner: Runner) => R | PromiseLike<R>): Promise<R> {
    try {
      return await body(this);
    } finally {
      await this.close();
    }
  }

  /** `await using runner = new Runner()` closes it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #lazyInit(): void {
    if (this.#state === "closed") throw new RuntimeError("Runner is closed");
    if (this.#state === "initialized") return;
    this.#loop = this.#loopFactory === undefined ? new EventLoop() : this.#loopFactory();
    if (this.#debug !== undefined) this.#loop.setDebug(this.#debug);
    if (this.#trace !== undefined) traceLoop(this.#loop, this.#trace);
    this.#state = "initialized";
  }
}

// CPython 3.13 runners.py Runner.run: `if not coroutines.iscoroutine(coro): raise ValueError`.
function checkMain(main: unknown): void {
  // A running Promise goes on to createTask(), whose TypeError says how to fix it.
  if (main instanceof Coroutine || typeof main === "function" || main instanceof Promise) return;
  throw new RangeError(`a coroutine was expected, got ${reprValue(main)}`);
}

/**
 * Cancel the tasks left on `loop` and run it until they are done, reporting those that ended with
 * an exception (CPython 3.13 runners.py `_cancel_all_tasks`).
 * @internal
 */
export async function cancelAllTasks(loop: BaseEventLoop): Promise<void> {
  const toCancel = [...loop._allTasks()];
  if (toCancel.length === 0) return;
  for (const task of toCancel) task.cancel();
  await loop.runUntilComplete(gatherArray(toCancel, true));
  for (const task of toCancel) {
    if (task.cancelled()) continue;
    const exc = task.exception();
    if (exc !== null) {
      loop.callExceptionHandler({
        message: "unhandled exception during asyncio.run() shutdown",
        exception: exc,
        task,
      });
    }
  }
}

/**
 * Run the main coroutine on a new event loop and return its result: the tasks it left are
 * cancelled, and the loop is closed. Await the returned promise.
 *
 * Ctrl-C cancels the main task; run() then cleans up and rejects with {@link KeyboardInterrupt},
 * which, uncaught, ends the process by SIGINT (status 130) after printing `KeyboardInterrupt`.
 * @example await asyncio.run(main());
 * @throws {RuntimeError} `asyncio.run() cannot be called from a running event loop`.
 * @see https://docs.python.org/3.13/library/asyncio-runner.html#asyncio.run
 */
export async function run<T>(main: MainBody<T>, options?: RunnerOptions): Promise<T> {
  if (peekRunningLoop() !== null) {
    throw new RuntimeError("asyncio.run() cannot be called from a running event loop");
  }
  const runner = new Runner(options);
  try {
    return await runner.run(main);
  } finally {
    await runner.close();
  }
}
