/**
 * Let `npx asyncio-ts ps PID` and `pstree PID` read this process's tasks (CPython 3.14's
 * `python -m asyncio ps`/`pstree`, which read a live interpreter's memory; here the process opts
 * in and answers on a Unix socket).
 *
 * `enableIntrospection()`, or `ASYNCIO_TS_INSPECT=1` in the environment, starts a worker thread
 * that listens on `<tmpdir>/asyncio-ts-<pid>.sock` (mode 0600: only the user can connect). It
 * never keeps the process alive. Asked for the tasks, it asks the main thread for a snapshot; a
 * main thread that does not answer within half a second is blocked (a busy loop, synchronous
 * work), and the worker answers with the snapshot the main thread last sent (one a second) and
 * how long the loop has been blocked.
 * @module
 */
import { existsSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// Not the loop's clock: the snapshots go on whether a loop runs or not.
import { clearInterval, setInterval } from "node:timers";
import { threadId, Worker } from "node:worker_threads";
import { peekRunningLoop } from "./events.ts";
import { awaitersOf, futureId, parseFrames } from "./graph.ts";
import { Coroutine } from "./coroutines.ts";
import { addExitHook } from "./internal/exit-hooks.ts";
import { suspendedAt } from "./internal/suspended.ts";
import { Task } from "./tasks.ts";

/** One frame of a task's stack in a snapshot (CPython's `FrameInfo`). */
export interface SnapshotFrame {
  funcname: string;
  filename: string;
  lineno: number;
}

/** A task in a snapshot (CPython's `TaskInfo`): who awaits it, and where. */
export interface SnapshotTask {
  id: number;
  name: string;
  /** Where the task is, innermost first: its frames in debug mode, else its coroutine's name. */
  coroutineStack: SnapshotFrame[];
  awaitedBy: { taskId: number; callStack: SnapshotFrame[] }[];
}

/** What a process answers `asyncio-ts ps`: the tasks of each thread's running loop. */
export interface TaskSnapshot {
  version: 1;
  pid: number;
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
  threads: { threadId: number; tasks: SnapshotTask[] }[];
  /** Set by the watchdog when the main thread did not answer: seconds since its last snapshot. */
  blockedFor?: number;
}

/** Where process `pid` listens when it opted in. */
export function introspectionSocket(pid: number = process.pid): string {
  return join(tmpdir(), `asyncio-ts-${String(pid)}.sock`);
}

function bodyName(task: Task): string {
  const body = task.getCoro();
  if (body instanceof Coroutine) return body.name;
  if (typeof body === "function") return body.name === "" ? "<anonymous>" : body.name;
  return "<future>";
}

function stackOf(task: Task): SnapshotFrame[] {
  const at = suspendedAt.get(task);
  if (at !== undefined) {
    // Debug mode: the frames where the coroutine it waits on was made, innermost first.
    const frames = parseFrames(at.split("\n")).reverse();
    if (frames.length > 0) {
      return frames.map((f) => ({ funcname: f.functionName, filename: f.scriptName, lineno: f.lineNumber }));
    }
  }
  return [{ funcname: bodyName(task), filename: "", lineno: 0 }];
}

/** The tasks of the loop running in this thread now, with their awaited-by edges. */
export function takeSnapshot(): TaskSnapshot {
  const loop = peekRunningLoop();
  const tasks: SnapshotTask[] = [];
  for (const task of loop?._allTasks() ?? []) {
    const awaitedBy: SnapshotTask["awaitedBy"] = [];
    for (const waiter of awaitersOf(task)) {
      if (waiter instanceof Task) awaitedBy.push({ taskId: futureId(waiter), callStack: stackOf(waiter) });
    }
    tasks.push({ id: futureId(task), name: task.getName(), coroutineStack: stackOf(task), awaitedBy });
  }
  return { version: 1, pid: process.pid, takenAt: Date.now(), threads: [{ threadId, tasks }] };
}

/** Options of {@link enableIntrospection}. */
export interface IntrospectionOptions {
  /** Seconds between the snapshots the watchdog keeps for a blocked loop (default 1). */
  interval?: number;
}

let active: { worker: Worker; timer: NodeJS.Timeout; socket: string; unhook: () => void } | null = null;

/**
 * Answer `npx asyncio-ts ps PID` and `pstree PID` (see the module comment). Idempotent; returns
 * the socket path. `ASYNCIO_TS_INSPECT=1` calls it when the package is imported.
 * @extension
 */
export function enableIntrospection(options?: IntrospectionOptions): string {
  if (active !== null) return active.socket;
  const interval = options?.interval ?? 1;
  if (typeof interval !== "number" || !(interval > 0)) {
    throw new TypeError(`interval must be a positive number of seconds, got ${String(interval)}`);
  }
  const socket = introspectionSocket();
  if (existsSync(socket)) unlinkSync(socket); // left by a process of the same pid that died
  const url = new URL(
    `./internal/inspect-worker${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`,
    import.meta.url,
  );
  // Options about the main script (--input-type, --eval) mean nothing to a worker and fail it;
  // otherwise the worker inherits execArgv as usual (an explicit list is checked more strictly).
  const kept = process.execArgv.filter((arg) => !/^--(input-type|eval|print)\b|^-[ep]$/.test(arg));
  const execArgv = kept.length === process.execArgv.length ? undefined : kept;
  const worker = new Worker(url, {
    workerData: { socket },
    ...(execArgv === undefined ? {} : { execArgv }),
    stdout: false,
    stderr: false,
  });
  worker.on("message", (message: { type: string; id: number }) => {
    if (message.type === "request")
      worker.postMessage({ type: "snapshot", id: message.id, snapshot: takeSnapshot() });
  });
  worker.on("error", (error: Error) => {
    process.emitWarning(`asyncio-ts introspection stopped: ${error.message}`);
  });
  // After the listeners: adding a 'message' listener refs the worker's port again.
  worker.unref();
  const timer = setInterval(() => {
    worker.postMessage({ type: "snapshot", id: 0, snapshot: takeSnapshot() });
  }, interval * 1000);
  timer.unref();
  // Removed however the process ends: exit, an uncaught error, SIGTERM, SIGHUP, Ctrl-C in run().
  const unhook = addExitHook(removeSocket);
  active = { worker, timer, socket, unhook };
  worker.postMessage({ type: "snapshot", id: 0, snapshot: takeSnapshot() });
  return socket;
}

function removeSocket(): void {
  if (active === null) return;
  try {
    unlinkSync(active.socket);
  } catch {
    // Already gone.
  }
}

/** Stop answering: end the worker (in the background) and remove the socket. @extension */
export function disableIntrospection(): void {
  if (active === null) return;
  const { worker, timer, unhook } = active;
  clearInterval(timer);
  removeSocket();
  unhook();
  active = null;
  void worker.terminate();
}
