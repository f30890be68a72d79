/**
 * Call graphs of tasks: who awaits whom, and where each task is (CPython 3.14's `asyncio.graph`).
 *
 * The awaited-by edges cost nothing to record: a task blocked on a future is found among that
 * future's pending callbacks (the awaiting task's wake-up), and `gather`, `shield`, `wait` and
 * `TaskGroup.createTask` tag the done callback they add with the task on whose behalf they wait,
 * for as long as CPython 3.14 keeps the edge. `futureAddToAwaitedBy()` adds edges of one's own.
 *
 * Call stacks are what V8 can tell: for the current task, its frames now (async frames included,
 * the library's own left out); for a suspended task, in debug mode only, the frames where the
 * coroutine it last awaited was made, which is where it waits (docs/differences.md#call-graphs).
 * @see https://docs.python.org/3.14/library/asyncio-graph.html
 * @module
 */
import { fileURLToPath } from "node:url";
import { LIBRARY_DIR, stackLines } from "./debug.ts";
import { peekRunningLoop } from "./events.ts";
import { RuntimeError } from "./exceptions.ts";
import { Future, Waiter } from "./futures.ts";
import { reprValue } from "./internal/repr.ts";
import { suspendedAt } from "./internal/suspended.ts";
import { kAwaiter, kCallbackEntries } from "./internal/symbols.ts";
import { currentTask, Task } from "./tasks.ts";

/** One frame of a call stack, as V8 reports it (`util.getCallSites()`'s names). */
export interface CallFrame {
  /** The function's name, `<anonymous>` for one without. */
  readonly functionName: string;
  /** The file (a `file:` URL for ES modules, or a path). */
  readonly scriptName: string;
  /** 1-based line number. */
  readonly lineNumber: number;
  /** 1-based column number. */
  readonly columnNumber: number;
  /** Whether V8 reports the frame as an async function waiting in an `await` (`at async f`). */
  readonly isAsync: boolean;
}

/** One entry of a call stack (CPython's `FrameCallGraphEntry`, whose `frame` is a frame object). */
export interface FrameCallGraphEntry {
  readonly frame: CallFrame;
}

/**
 * The call graph of a future or task (CPython's `FutureCallGraph`): its call stack, innermost
 * frame first, and the graphs of the futures and tasks that await it.
 */
export interface FutureCallGraph {
  readonly future: Future;
  readonly callStack: readonly FrameCallGraphEntry[];
  readonly awaitedBy: readonly FutureCallGraph[];
}

/** Options of {@link captureCallGraph} and {@link formatCallGraph}. */
export interface CallGraphOptions {
  /**
   * For the current task: how many of the caller's frames to leave out from the top (1, the
   * default, starts at the function that called `captureCallGraph`).
   */
  depth?: number;
  /**
   * Keep at most `abs(limit)` entries of each call stack: as CPython, a positive limit keeps the
   * entries farthest from where the graph is captured and a negative one the nearest; 0 captures
   * no call stack at all, only the awaited-by edges. `null` or absent: every entry.
   */
  limit?: number | null;
}

/** Options of {@link printCallGraph}: where to write (default: standard output). */
export interface PrintCallGraphOptions extends CallGraphOptions {
  file?: { write(text: string): unknown };
}

// Edges added by futureAddToAwaitedBy(): the library's own need none (see the module comment).
const explicitEdges = new WeakMap<Future, Set<Future>>();

/**
 * Record that `fut` is awaited by `waiter` (CPython 3.14 `asyncio.future_add_to_awaited_by`), for
 * awaitables of one's own that wait on a future on behalf of a task. Both must be Futures (or
 * Tasks); anything else is ignored, as in CPython.
 */
export function futureAddToAwaitedBy(fut: unknown, waiter: unknown): void {
  if (!(fut instanceof Future) || !(waiter instanceof Future)) return;
  let edges = explicitEdges.get(fut);
  if (edges === undefined) {
    edges = new Set();
    explicitEdges.set(fut, edges);
  }
  edges.add(waiter);
}

/** Remove an edge added by {@link futureAddToAwaitedBy} (CPython 3.14 `future_discard_from_awaited_by`). */
export function futureDiscardFromAwaitedBy(fut: unknown, waiter: unknown): void {
  if (!(fut instanceof Future) || !(waiter instanceof Future)) return;
  explicitEdges.get(fut)?.delete(waiter);
}

/**
 * The futures and tasks that await `fut` now (CPython 3.14's `fut._asyncio_awaited_by`).
 * @internal
 */
export function awaitersOf(fut: Future): Future[] {
  const found = new Set<Future>();
  for (const entry of fut[kCallbackEntries]()) {
    const by =
      entry instanceof Waiter
        ? entry.task
        : entry instanceof Future
          ? entry // a Task parked on this future's await
          : (entry as { [kAwaiter]?: unknown })[kAwaiter];
    if (by instanceof Future) found.add(by);
  }
  const explicit = explicitEdges.get(fut);
  if (explicit !== undefined) for (const waiter of explicit) found.add(waiter);
  return [...found];
}

// The library's own frames are left out of call stacks, as a URL or as a path.
const LIBRARY_PATH = LIBRARY_DIR.startsWith("file://") ? new URL(LIBRARY_DIR).pathname : LIBRARY_DIR;

// "    at async name (file:line:col)", "    at name (file:line:col)" or "    at file:line:col".
const FRAME_LINE = /^\s*at (async )?(?:(.*?) \((.+):(\d+):(\d+)\)|(.+):(\d+):(\d+))$/;

/**
 * The frames of V8 stack lines that belong to the program: not the library's, not the runtime's.
 * @internal
 */
export function parseFrames(lines: readonly string[]): CallFrame[] {
  const frames: CallFrame[] = [];
  for (const line of lines) {
    const m = FRAME_LINE.exec(line);
    if (m === null) continue;
    const scriptName = m[3] ?? m[6] ?? "";
    if (scriptName.startsWith(LIBRARY_DIR) || scriptName.startsWith(LIBRARY_PATH)) continue;
    if (/^(node|ext|bun|native):/.test(scriptName) || scriptName.startsWith("internal/")) continue;
    frames.push({
      functionName: m[2] === undefined || m[2] === "" ? "<anonymous>" : m[2],
      scriptName,
      lineNumber: Number(m[4] ?? m[7]),
      columnNumber: Number(m[5] ?? m[8]),
      isAsync: m[1] !== undefined,
    });
  }
  return frames;
}

/** The caller's frames now, innermost first. */
function framesNow(): CallFrame[] {
  return parseFrames(stackLines(framesNow, 200));
}

const entries = (frames: readonly CallFrame[]): FrameCallGraphEntry[] => frames.map((frame) => ({ frame }));

function checkFuture(future: unknown): asserts future is Future {
  if (!(future instanceof Future)) {
    throw new TypeError(`${reprValue(future)} object does not appear to be compatible with asyncio.Future`);
  }
}

function checkOptions(options: CallGraphOptions | undefined): { depth: number; limit: number | null } {
  const depth = options?.depth ?? 1;
  const limit = options?.limit ?? null;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new TypeError(`depth must be an integer >= 1, got ${reprValue(depth)}`);
  }
  if (limit !== null && !Number.isInteger(limit)) {
    throw new TypeError(`limit must be an integer or null, got ${reprValue(limit)}`);
  }
  return { depth, limit };
}

/** CPython's `_build_graph_for_future`: a future that is not the current task. */
function buildGraph(future: Future, limit: number | null, path: Set<Future>): FutureCallGraph {
  // Where a suspended task waits, outermost frame first (debug mode only).
  let stack: CallFrame[] = [];
  if (future instanceof Task && limit !== 0) {
    const at = suspendedAt.get(future);
    if (at !== undefined && !future.done()) stack = parseFrames(at.split("\n"));
  }
  if (limit !== null) {
    if (limit > 0) stack = stack.slice(0, limit);
    else if (limit < 0) stack = stack.slice(limit);
  }
  stack.reverse();
  return { future, callStack: entries(stack), awaitedBy: awaitedByGraphs(future, limit, path) };
}

function awaitedByGraphs(future: Future, limit: number | null, path: Set<Future>): FutureCallGraph[] {
  path.add(future);
  const graphs: FutureCallGraph[] = [];
  // A cycle (tasks awaiting each other) is shown once, not followed for ever.
  for (const waiter of awaitersOf(future))
    if (!path.has(waiter)) graphs.push(buildGraph(waiter, limit, path));
  path.delete(future);
  return graphs;
}

/**
 * Capture the call graph of the current task, or of `future` (CPython 3.14
 * `asyncio.capture_call_graph`). Returns null when no future is given and no task is running.
 * @throws {RuntimeError} outside a running loop without a `future`; TypeError if
 *   `future` is not a Future.
 */
export function captureCallGraph(future?: Future | null, options?: CallGraphOptions): FutureCallGraph | null {
  const { depth, limit } = checkOptions(options);
  const loop = peekRunningLoop();
  if (future !== undefined && future !== null) {
    checkFuture(future);
    if (loop === null || future !== currentTask()) return buildGraph(future, limit, new Set());
  } else {
    if (loop === null) {
      throw new RuntimeError(
        "capture_call_graph() is called outside of a running event loop and no *future* to introspect was provided",
      );
    }
    future = currentTask();
    if (future === null) return null;
  }
  // The current task: its frames now, innermost first, from the caller `depth` levels up.
  let stack = limit === 0 ? [] : framesNow().slice(depth - 1);
  if (limit !== null && limit !== 0) {
    const keep = -limit;
    stack = keep > 0 ? stack.slice(0, keep) : stack.slice(keep);
  }
  return { future, callStack: entries(stack), awaitedBy: awaitedByGraphs(future, limit, new Set()) };
}

// Stable small ids for futures (CPython prints id(), an address): what `id=0x...` shows.
const ids = new WeakMap<object, number>();
let nextId = 0;

/** The id a call graph (and `asyncio-ts ps`) prints for a future or task. */
export function futureId(future: object): number {
  let id = ids.get(future);
  if (id === undefined) {
    id = ++nextId;
    ids.set(future, id);
  }
  return id;
}

/** A `file:` URL as the path it names (what CPython's File '...' lines show). */
function displayName(scriptName: string): string {
  if (!scriptName.startsWith("file://")) return scriptName;
  try {
    return fileURLToPath(scriptName);
  } catch {
    return scriptName;
  }
}

function render(graph: FutureCallGraph, lines: string[], level: number): void {
  const add = (line: string): void => {
    lines.push("    ".repeat(level) + line);
  };
  const id = `0x${futureId(graph.future).toString(16)}`;
  if (graph.future instanceof Task) add(`* Task(name=${reprValue(graph.future.getName())}, id=${id})`);
  else add(`* Future(id=${id})`);
  if (graph.callStack.length > 0) {
    add("  + Call stack:");
    for (const { frame } of graph.callStack) {
      add(
        `  |   File ${reprValue(displayName(frame.scriptName))}, line ${String(frame.lineNumber)}, in ` +
          `${frame.isAsync ? "async " : ""}${frame.functionName}()`,
      );
    }
  }
  if (graph.awaitedBy.length > 0) {
    add("  + Awaited by:");
    for (const parent of graph.awaitedBy) render(parent, lines, level + 1);
  }
}

/**
 * The call graph of the current task or of `future` as text (CPython 3.14
 * `asyncio.format_call_graph`): `* Task(name='...', id=0x...)`, then `  + Call stack:` and
 * `  + Awaited by:`, four spaces a level. An empty string when there is no current task.
 */
export function formatCallGraph(future?: Future | null, options?: CallGraphOptions): string {
  const { depth, limit } = checkOptions(options);
  // The library's frames are not counted (they are left out), so `depth` passes on unchanged.
  const graph = captureCallGraph(future, { depth, limit });
  if (graph === null) return "";
  const lines: string[] = [];
  render(graph, lines, 0);
  return lines.join("\n");
}

/** Print {@link formatCallGraph}'s text and a newline (CPython 3.14 `asyncio.print_call_graph`). */
export function printCallGraph(future?: Future | null, options?: PrintCallGraphOptions): void {
  const text = formatCallGraph(future, { depth: options?.depth ?? 1, limit: options?.limit ?? null });
  const file = options?.file ?? process.stdout;
  file.write(`${text}\n`);
}
