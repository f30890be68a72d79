/**
 * Loops in worker threads: a loop's {@link ThreadHandle} (`loop.threadHandle()`), sent to another
 * thread, lets that thread run a function on the loop ({@link callSoonThreadsafe}) or a coroutine
 * as a task of the loop ({@link runCoroutineThreadsafe}), and get a {@link ConcurrentFuture} of
 * the outcome (Python's `loop.call_soon_threadsafe` and `asyncio.run_coroutine_threadsafe`).
 *
 * **Differs from asyncio:** JavaScript threads share no heap, so neither a loop nor a coroutine
 * can cross to another thread. The handle holds a `MessagePort` (send it in the transfer list:
 * `worker.postMessage(handle, [handle.port])`); the function crosses by reference to a module
 * export (`{ module: import.meta.url, name: "fn" }`), its arguments and result by structured
 * clone, an error as its class name, message, stack, cause and own properties. See
 * docs/differences.md#loops-in-worker-threads.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.run_coroutine_threadsafe
 * @module
 */
import { MessageChannel, MessagePort, receiveMessageOnPort, threadId } from "node:worker_threads";
import { BaseEventLoop } from "./base-events.ts";
import { chainFromFuture, ConcurrentFuture, kBlock } from "./concurrent-future.ts";
import type { FunctionRef } from "./executors.ts";
import { RuntimeError, TimeoutError } from "./exceptions.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { bindOutsideTasks } from "./internal/context.ts";
import { rebuildThrown } from "./internal/pool.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { errorPayload, resolveFn, type ThrownPayload } from "./internal/run-job.ts";
import { ensureFuture, type Task, type TaskBody } from "./tasks.ts";
import type { Handle } from "./events.ts";
import { iscoroutine } from "./coroutines.ts";

/**
 * A loop's address for other threads, what `loop.threadHandle()` returns: a `MessagePort` to the
 * loop and the id of the loop's thread. Send it to one other thread with its port in the transfer
 * list (`worker.postMessage({ handle }, [handle.port])`, or `workerData` and `transferList`);
 * there it arrives as a plain object of the same shape, which the functions of this module take.
 * A port belongs to one thread at a time: make one handle per thread that calls the loop.
 * @extension
 */
export class ThreadHandle {
  /** The port whose other end the loop listens to. */
  readonly port: MessagePort;
  /** The `threadId` (node:worker_threads) of the loop's thread. */
  readonly threadId: number;

  /** @internal made by `loop.threadHandle()`. */
  constructor(port: MessagePort, loopThreadId: number) {
    this.port = port;
    this.threadId = loopThreadId;
  }

  toString(): string {
    return `<ThreadHandle thread=${this.threadId}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

/** A {@link ThreadHandle}, or what one becomes once sent to another thread. */
export type ThreadHandleLike = ThreadHandle | { readonly port: MessagePort; readonly threadId: number };

// ---- the messages ------------------------------------------------------------------------------

/** A call posted to a loop: run `name` of `module` as a callback ("call") or as a task ("task"). */
interface CallRequest {
  op: "call" | "task";
  id: number;
  module: string;
  name: string;
  args: unknown[];
  /** The caller's wake-up cell, sent with its first request (see {@link Caller}). */
  cell?: SharedArrayBuffer;
}

interface CancelRequest {
  op: "cancel";
  id: number;
}

type Request = CallRequest | CancelRequest;

type Reply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: ThrownPayload }
  | { id: number; cancelled: true };

// ---- the loop's side ---------------------------------------------------------------------------

interface Call {
  readonly id: number;
  cancelled: boolean;
  handle: Handle | null;
  task: Task | null;
}

/**
 * The loop's end of one handle's channel: it resolves the function, runs it on the loop (a
 * callback, or a task), and posts the outcome back, then bumps the caller's cell so that a caller
 * blocked in `result()` wakes up.
 */
class LoopEndpoint {
  readonly #loop: BaseEventLoop;
  readonly #port: MessagePort;
  readonly #calls = new Map<number, Call>();
  #cell: Int32Array | null = null;
  #closed = false;
  #resolving: Promise<unknown> = Promise.resolve();

  constructor(loop: BaseEventLoop, port: MessagePort) {
    this.#loop = loop;
    this.#port = port;
    listen(
      port,
      "message",
      bindOutsideTasks((request: Request) => {
        this.#receive(request);
      }),
    );
    // The loop keeps its thread alive while it runs; an idle handle must not.
    unrefPort(port);
    addCloseHook(loop, () => {
      this.close();
    });
  }

  /**
   * The loop closed: the calls still in flight fail (their task was cancelled first if the loop
   * was closed by `run()`), so that no caller waits for ever; then the channel closes.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const call of this.#calls.values()) {
      this.#post({
        id: call.id,
        ok: false,
        error: errorPayload(new RuntimeError("the event loop was closed before the call finished")),
      });
    }
    this.#calls.clear();
    this.#port.close();
  }

  #receive(request: Request): void {
    if (request.op === "cancel") {
      this.#cancel(request.id);
      return;
    }
    if (request.cell !== undefined) this.#cell = new Int32Array(request.cell);
    const call: Call = { id: request.id, cancelled: false, handle: null, task: null };
    this.#calls.set(call.id, call);
    // One import after the other, so that the calls reach the loop in the order they were made
    // (a module already imported costs a promise hop), as CPython's call_soon_threadsafe queue.
    const resolved = this.#resolving.then(() =>
      resolveFn({ id: 0, source: null, module: request.module, name: request.name, args: [] }),
    );
    this.#resolving = resolved.catch(nothing);
    resolved.then(
      (fn) => {
        if (!this.#calls.has(call.id)) return;
        if (call.cancelled) {
          this.#finish(call, { id: call.id, cancelled: true });
          return;
        }
        if (this.#loop.isClosed()) return; // close() has answered.
        const args = request.args;
        if (request.op === "call") {
          call.handle = this.#loop.callSoon(() => {
            this.#runCall(call, fn, args);
          });
        } else {
          // CPython 3.13 tasks.py run_coroutine_threadsafe: `loop.call_soon_threadsafe(callback)`,
          // where callback makes the task and chains it to the concurrent future.
          call.handle = this.#loop.callSoon(() => {
            this.#startTask(call, () => fn(...args));
          });
        }
      },
      (error: unknown) => {
        if (this.#calls.has(call.id)) this.#fail(call, error);
      },
    );
  }

  #runCall(call: Call, fn: (...args: unknown[]) => unknown, args: unknown[]): void {
    call.handle = null;
    let value: unknown;
    try {
      value = fn(...args);
    } catch (e) {
      this.#fail(call, e);
      return;
    }
    if (isThenable(value)) {
      // An async function: its outcome is the call's, though nothing can cancel it any more.
      value.then(
        (v) => {
          this.#succeed(call, v);
        },
        (e: unknown) => {
          this.#fail(call, e);
        },
      );
    } else this.#succeed(call, value);
  }

  #startTask(call: Call, body: TaskBody<unknown>): void {
    call.handle = null;
    let task: Task;
    try {
      task = this.#loop.createTask(body);
    } catch (e) {
      this.#fail(call, e);
      return;
    }
    call.task = task;
    task.addDoneCallback(() => {
      if (!this.#calls.has(call.id)) return;
      if (task.cancelled()) this.#finish(call, { id: call.id, cancelled: true });
      else {
        const exc = task.exception();
        if (exc !== null) this.#fail(call, exc);
        else this.#succeed(call, task.result());
      }
    });
  }

  /** The caller cancelled its future: cancel the callback or the task (from the loop, as CPython). */
  #cancel(id: number): void {
    const call = this.#calls.get(id);
    if (call === undefined || call.cancelled) return;
    call.cancelled = true;
    if (call.task !== null) {
      const task = call.task;
      if (!this.#loop.isClosed()) this.#loop.callSoon(() => task.cancel());
      return;
    }
    if (call.handle !== null) {
      call.handle.cancel();
      this.#finish(call, { id, cancelled: true });
    }
    // Else the function is still being imported: the import's reaction answers.
  }

  #succeed(call: Call, result: unknown): void {
    if (!this.#calls.has(call.id)) return;
    try {
      this.#finish(call, { id: call.id, ok: true, result });
    } catch (e) {
      // The result does not survive a structured clone (DataCloneError).
      this.#fail(call, e);
    }
  }

  #fail(call: Call, error: unknown): void {
    if (!this.#calls.has(call.id)) return;
    try {
      this.#finish(call, { id: call.id, ok: false, error: errorPayload(error) });
    } catch {
      this.#finish(call, { id: call.id, ok: false, error: errorPayload(new Error(String(error))) });
    }
  }

  /** Post the reply (it may throw a DataCloneError: the call stays open), then forget the call. */
  #finish(call: Call, reply: Reply): void {
    this.#post(reply);
    this.#calls.delete(call.id);
  }

  #post(reply: Reply): void {
    if (this.#closed && this.#calls.size === 0) return;
    this.#port.postMessage(reply);
    // After the message: a caller woken by the cell finds the reply with receiveMessageOnPort.
    const cell = this.#cell;
    if (cell !== null) {
      Atomics.add(cell, 0, 1);
      Atomics.notify(cell, 0);
    }
  }
}

/**
 * Listen to a port: Node's ports are event emitters (a listener starts the port); Deno's ports
 * received from another thread are only EventTargets (the data is the event's).
 */
function listen(port: MessagePort, type: "message" | "close", fn: (data: never) => void): void {
  if (typeof (port as { on?: unknown }).on === "function") {
    port.on(type, (data: unknown) => {
      fn(data as never);
    });
    return;
  }
  const target = port as unknown as EventTarget & { start?: () => void };
  target.addEventListener(type, (event) => {
    fn((event as Event & { data: unknown }).data as never);
  });
  target.start?.();
}

/** Keep the thread alive, or not (Deno's web ports have no ref()/unref()). */
function refPort(port: MessagePort): void {
  (port as { ref?: () => void }).ref?.();
}

function unrefPort(port: MessagePort): void {
  (port as { unref?: () => void }).unref?.();
}

function nothing(): undefined {
  return undefined;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === "object" && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/**
 * A new {@link ThreadHandle} of `loop` (what `loop.threadHandle()` returns): a fresh channel
 * whose far end the loop listens to until it closes.
 * @throws {RuntimeError} `Event loop is closed`.
 * @internal
 */
export function threadHandleFor(loop: BaseEventLoop): ThreadHandle {
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  const { port1, port2 } = new MessageChannel();
  new LoopEndpoint(loop, port1);
  return new ThreadHandle(port2, threadId);
}

// ---- the caller's side -------------------------------------------------------------------------

let nextCallId = 1;

/**
 * A calling thread's end of a handle's channel: the futures waiting for a reply, by call id. It
 * keeps the thread alive while one is pending. `cell` is a shared counter the loop bumps after
 * each reply, on which a blocked `result()` waits (`Atomics.wait`) before it pulls the replies
 * synchronously with `receiveMessageOnPort`.
 */
class Caller {
  readonly port: MessagePort;
  readonly loopThreadId: number;
  readonly #pending = new Map<number, ConcurrentFuture>();
  readonly #cell = new Int32Array(new SharedArrayBuffer(4));
  #cellSent = false;
  #closed = false;
  readonly #block = (future: ConcurrentFuture, deadlineMs: number | null): void => {
    this.#blockUntil(future, deadlineMs);
  };

  constructor(port: MessagePort, loopThreadId: number) {
    this.port = port;
    this.loopThreadId = loopThreadId;
    listen(
      port,
      "message",
      bindOutsideTasks((reply: Reply) => {
        this.#receive(reply);
      }),
    );
    listen(
      port,
      "close",
      bindOutsideTasks(() => {
        this.#closed = true;
        const futures = [...this.#pending.values()];
        this.#pending.clear();
        for (const f of futures) {
          if (!f.done()) {
            f.setException(new RuntimeError("the thread of the event loop ended before the call finished"));
          }
        }
      }),
    );
    unrefPort(port);
  }

  /** Post a call; return its future. @throws a DataCloneError for arguments a clone refuses. */
  call(op: "call" | "task", ref: FunctionRef, args: unknown[], caller: string): ConcurrentFuture {
    if (this.#closed) throw new RuntimeError("the event loop of this thread handle is closed");
    const id = nextCallId++;
    const request: CallRequest = { op, id, module: String(ref.module), name: ref.name, args };
    if (!this.#cellSent) request.cell = this.#cell.buffer;
    try {
      this.port.postMessage(request, portsIn(args));
    } catch (e) {
      throw cloneError(e, caller);
    }
    this.#cellSent = true;
    const future = new ConcurrentFuture();
    // The loop's own thread cannot block waiting for it (the loop would never run the call).
    if (this.loopThreadId !== threadId) future[kBlock] = this.#block;
    if (this.#pending.size === 0) refPort(this.port);
    this.#pending.set(id, future);
    future.addDoneCallback(() => {
      if (!future.cancelled() || !this.#pending.has(id)) return;
      this.#forget(id);
      if (!this.#closed) this.port.postMessage({ op: "cancel", id } satisfies CancelRequest);
    });
    return future;
  }

  #forget(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0) unrefPort(this.port);
  }

  #receive(reply: Reply): void {
    const future = this.#pending.get(reply.id);
    if (future === undefined) return;
    this.#forget(reply.id);
    if (future.done()) return;
    if ("cancelled" in reply) future.cancel();
    else if (reply.ok) future.setResult(reply.result);
    else future.setException(rebuildThrown(reply.error, null, "loop thread"));
  }

  #blockUntil(future: ConcurrentFuture, deadlineMs: number | null): void {
    for (;;) {
      // Read the counter before draining: a reply posted after the drain changes it, and the
      // wait below returns at once.
      const seen = Atomics.load(this.#cell, 0);
      for (let m = receiveMessageOnPort(this.port); m !== undefined; m = receiveMessageOnPort(this.port)) {
        this.#receive(m.message as Reply);
      }
      if (future.done()) return;
      if (this.#closed) {
        throw new RuntimeError("the thread of the event loop ended before the call finished");
      }
      const wait = deadlineMs === null ? Infinity : deadlineMs - performance.now();
      if (wait <= 0) throw new TimeoutError();
      Atomics.wait(this.#cell, 0, seen, wait);
    }
  }
}

const callers = new WeakMap<MessagePort, Caller>();

function callerOf(handle: unknown, fn: string): Caller {
  const h = handle as Partial<ThreadHandle> | null;
  if (
    typeof h !== "object" ||
    h === null ||
    !(h.port instanceof MessagePort) ||
    typeof h.threadId !== "number"
  ) {
    throw new TypeError(
      `${fn}() needs the thread handle of a loop (what loop.threadHandle() returns, sent to this ` +
        `thread with its port in the transfer list), got ${reprValue(handle)}`,
    );
  }
  let caller = callers.get(h.port);
  if (caller === undefined) {
    caller = new Caller(h.port, h.threadId);
    callers.set(h.port, caller);
  }
  return caller;
}

function checkRef(ref: unknown, fn: string): FunctionRef {
  const r = ref as Partial<FunctionRef> | null;
  if (
    typeof r !== "object" ||
    r === null ||
    !(typeof r.module === "string" || r.module instanceof URL) ||
    typeof r.name !== "string"
  ) {
    const hint =
      typeof ref === "function" || ref instanceof Promise || isThenable(ref)
        ? " (a function or a coroutine cannot cross to another thread: export it and pass its reference)"
        : "";
    throw new TypeError(
      `${fn}() needs a function by reference, { module: import.meta.url, name: "exportName" }, got ${reprValue(ref)}${hint}`,
    );
  }
  return r as FunctionRef;
}

/**
 * The ports among `args` and on their properties (a thread handle passed on to the loop's thread):
 * they are transferred, so they move to that thread.
 */
function portsIn(args: unknown[]): MessagePort[] {
  const ports: MessagePort[] = [];
  for (const arg of args) {
    if (arg instanceof MessagePort) ports.push(arg);
    else if (typeof arg === "object" && arg !== null && Object.getPrototypeOf(arg) !== Array.prototype) {
      for (const value of Object.values(arg)) if (value instanceof MessagePort) ports.push(value);
    }
  }
  return ports;
}

function cloneError(e: unknown, fn: string): unknown {
  if (e instanceof Error && e.name === "DataCloneError") {
    return new DOMException(
      `${fn}(): the arguments cannot be sent to another thread (${e.message}): pass values a ` +
        "structured clone keeps (no functions, no promises, no class instances with methods)",
      "DataCloneError",
    );
  }
  return e;
}

/**
 * Run `fn(...args)` as a callback on the loop of `handle`, in that loop's thread (Python's
 * `loop.call_soon_threadsafe`, for a loop of another thread); return a {@link ConcurrentFuture}
 * of its return value (an async function's outcome once it settles). Cancelling the future before
 * the callback ran cancels it. On the loop's own thread, `loop.callSoonThreadsafe(fn, ...args)` is
 * `loop.callSoon`.
 *
 * **Differs from asyncio:** the function travels by module reference and the arguments by
 * structured clone; Python returns a Handle. See docs/differences.md#loops-in-worker-threads.
 * @param handle what `loop.threadHandle()` returned, sent to this thread.
 * @param fn `{ module: import.meta.url, name: "exportName" }`: an exported function of a module
 *   the loop's thread imports.
 * @throws {TypeError} for a handle or a reference of the wrong shape.
 * @throws {DOMException} `DataCloneError` for arguments a structured clone refuses.
 * @throws {RuntimeError} if the loop of `handle` was closed.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.call_soon_threadsafe
 */
export function callSoonThreadsafe<R = unknown>(
  handle: ThreadHandleLike,
  fn: FunctionRef,
  ...args: unknown[]
): ConcurrentFuture<Awaited<R>> {
  const caller = callerOf(handle, "callSoonThreadsafe");
  const ref = checkRef(fn, "callSoonThreadsafe");
  return caller.call("call", ref, args, "callSoonThreadsafe") as ConcurrentFuture<Awaited<R>>;
}

/**
 * Submit a coroutine to the loop of another thread (Python's `asyncio.run_coroutine_threadsafe`):
 * the loop of `handle` runs `fn(...args)` as a task, and the returned {@link ConcurrentFuture}
 * takes its outcome. `future.result(timeout)` blocks for it; `await future` (or
 * `await wrapFuture(future)`) waits from this thread's loop. Cancelling the future cancels the
 * task; a task cancelled on its own loop cancels the future.
 *
 * `runCoroutineThreadsafe(coro, loop)` is the form for a loop of this thread (a loop object cannot
 * leave its thread), as Python's.
 *
 * **Differs from asyncio:** a coroutine cannot cross threads: the function travels by module
 * reference, its arguments and result by structured clone. See
 * docs/differences.md#loops-in-worker-threads.
 * @param fn `{ module: import.meta.url, name: "exportName" }`: an exported async function (or
 *   coroutine function) of a module the loop's thread imports.
 * @param args its arguments.
 * @param handle what `loop.threadHandle()` returned, sent to this thread.
 * @throws {TypeError} for a reference or a handle of the wrong shape; {@link RuntimeError} if the
 *   loop was closed; a `DataCloneError` for arguments a structured clone refuses.
 * @see https://docs.python.org/3.13/library/asyncio-task.html#asyncio.run_coroutine_threadsafe
 */
export function runCoroutineThreadsafe<R = unknown>(
  fn: FunctionRef,
  args: unknown[],
  handle: ThreadHandleLike,
): ConcurrentFuture<Awaited<R>>;
export function runCoroutineThreadsafe<T>(coro: TaskBody<T>, loop: BaseEventLoop): ConcurrentFuture<T>;
export function runCoroutineThreadsafe(
  fn: FunctionRef | TaskBody<unknown>,
  argsOrLoop: unknown[] | BaseEventLoop,
  handle?: ThreadHandleLike,
): ConcurrentFuture {
  if (argsOrLoop instanceof BaseEventLoop) return submitToLocalLoop(fn as TaskBody<unknown>, argsOrLoop);
  const caller = callerOf(handle, "runCoroutineThreadsafe");
  const ref = checkRef(fn, "runCoroutineThreadsafe");
  if (!Array.isArray(argsOrLoop)) {
    throw new TypeError(
      `runCoroutineThreadsafe(fn, args, handle) takes the arguments as an array, got ${reprValue(argsOrLoop)}`,
    );
  }
  return caller.call("task", ref, argsOrLoop, "runCoroutineThreadsafe");
}

/** CPython 3.13 tasks.py run_coroutine_threadsafe, for a loop of this thread. */
function submitToLocalLoop(coro: TaskBody<unknown>, loop: BaseEventLoop): ConcurrentFuture {
  // CPython: `if not coroutines.iscoroutine(coro): raise TypeError('A coroutine object is required')`;
  // a function returning an awaitable is a coroutine here too (as createTask takes it).
  if (!iscoroutine(coro) && typeof coro !== "function") {
    throw new TypeError(`A coroutine object is required, got ${reprValue(coro)}`);
  }
  const future = new ConcurrentFuture();
  loop.callSoon(() => {
    let task;
    try {
      task = ensureFuture(coro, { loop });
    } catch (e) {
      if (future.setRunningOrNotifyCancel()) future.setException(e);
      throw e;
    }
    chainFromFuture(task, future);
  });
  return future;
}
