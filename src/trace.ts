/**
 * A trace timeline of the loop's tasks, in Chrome's trace-event format (what Perfetto and
 * chrome://tracing open): one track per task, with its lifetime and each of its steps as slices,
 * the awaited-by edges as flow arrows, and slow steps and callbacks marked. @extension
 *
 * Switched on by `ASYNCIO_TS_TRACE=trace.json` (every loop of the main thread; the file is
 * written when a loop closes and when the process exits) or by `run(main, { trace })` (that run's
 * loop; written when it closes). Off, nothing is subscribed or allocated, and the loop's hooks
 * sit behind the branch it already takes for debug mode.
 *
 * Memory is bounded: a ring keeps the last `maxEvents` records, each complete in itself (a whole
 * slice, a whole flow pair), so dropping the oldest never leaves a begin without its end; a flow
 * whose awaiting step was dropped is dropped too.
 * @see https://docs.google.com/document/d/1CvAClvFfyA5R-PhYUmn5OOQtYMH4h6I0nSsKchNAySU
 * @module
 */
import diagnosticsChannel from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { isMainThread } from "node:worker_threads";
import type { BaseEventLoop } from "./base-events.ts";
import { Coroutine } from "./coroutines.ts";
import { logger } from "./debug.ts";
import { Future, Waiter } from "./futures.ts";
import { futureId } from "./graph.ts";
import { nowMs } from "./internal/clock.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { addExitHook } from "./internal/exit-hooks.ts";
import { reprValue } from "./internal/repr.ts";
import { kAwaiter, kCallbackEntries } from "./internal/symbols.ts";
import { kGetTracer, kSetTracer, type LoopTracer } from "./internal/trace-hooks.ts";
import {
  F_FINAL,
  F_FOREIGN,
  F_SLOW,
  FLOW,
  LIFE,
  SLOW_CALLBACK,
  STEP,
  TraceRing,
} from "./internal/trace-ring.ts";
import { Task } from "./tasks.ts";

/** How many records the ring keeps unless told otherwise. */
export const DEFAULT_MAX_EVENTS = 100_000;

/** What `run(main, { trace })` takes: a file name, or the file and the ring's bound. */
export type TraceSpec = string | { file: string; maxEvents?: number };

const OUTCOME_PENDING = 0;
const OUTCOME_RESULT = 1;
const OUTCOME_CANCELLED = 2;
const OUTCOME_EXCEPTION = 3;
const OUTCOMES = ["pending", "result", "cancelled", "exception"] as const;

/** One task as the trace knows it. Records point at it, so it lives as long as they do. */
class TaskInfo {
  readonly session: TraceSession;
  readonly tid: number;
  readonly id: string;
  name = "";
  readonly coro: string;
  // The parent's name and id, not the parent: a chain of tasks each creating the next must not
  // keep every ancestor's record alive.
  readonly parentName: string | null;
  readonly parentId: string | null;
  readonly created: number;
  steps = 0;
  /** The seq of its last step's record, or -1. */
  lastStep = -1;
  outcome = OUTCOME_PENDING;
  exception = "";
  lifeRecorded = false;
  // The awaiting steps already linked to a step of this task: one flow per (awaiting step, task).
  flowedFrom = -1;
  flowedMore: Set<number> | null = null;

  constructor(
    session: TraceSession,
    tid: number,
    task: Task,
    parentName: string | null,
    parentId: string | null,
    created: number,
  ) {
    this.session = session;
    this.tid = tid;
    this.id = `0x${futureId(task).toString(16)}`;
    this.coro = coroName(task.getCoro());
    this.parentName = parentName;
    this.parentId = parentId;
    this.created = created;
  }

  /** Whether a flow from step `seq` to this task was recorded already; records it if not. */
  linkFrom(seq: number): boolean {
    if (this.flowedFrom === seq || this.flowedMore?.has(seq) === true) return true;
    if (this.flowedFrom === -1) this.flowedFrom = seq;
    else (this.flowedMore ??= new Set()).add(seq);
    return false;
  }
}

/**
 * A traced task carries its record under this key (a property costs less than a WeakMap entry,
 * whose ephemeron the collector must visit); only traced tasks get it.
 */
const kTraceInfo = Symbol("asyncio-ts.traceInfo");
type Traced = Task & { [kTraceInfo]?: TaskInfo };

/** A slow plain callback: what ran, on which loop's track. */
interface CallbackRecord {
  readonly tid: number;
  readonly loop: string;
  readonly what: string;
}

type RecordObj = TaskInfo | CallbackRecord;

/** The name of what a task runs (its label is made when the file is written). */
function coroName(body: unknown): string {
  if (body instanceof Coroutine) return body.name;
  if (typeof body === "function") return body.name === "" ? "<anonymous>" : body.name;
  return "";
}

function coroLabel(name: string): string {
  return name === "" ? "step" : `${name}()`;
}

/** Microseconds on the loop's monotonic clock (the trace's `ts` unit). */
function nowUs(): number {
  return nowMs() * 1000;
}

/** Microseconds, kept to the nanosecond. */
function us(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function describeError(error: unknown): string {
  try {
    return reprValue(error);
  } catch {
    // A value whose inspection throws (a revoked proxy, say) must not break the task's ending.
    return Object.prototype.toString.call(error);
  }
}

const createChannel = diagnosticsChannel.channel("asyncio-ts:task:create");
const doneChannel = diagnosticsChannel.channel("asyncio-ts:task:done");

/** One event of the written file (Chrome's trace-event format). */
export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: string;
  s?: string;
  args?: Record<string, unknown>;
}

/**
 * A trace being recorded: the ring, the tasks it knows, the loops it watches, the file it writes.
 * @internal
 */
export class TraceSession {
  readonly file: string;
  readonly ring: TraceRing<RecordObj>;
  readonly #loops = new Map<BaseEventLoop, LoopHooks>();
  #nextTid = 1;
  #subscribed = false;
  #removeExitHook: (() => void) | null = null;
  /** Records were pushed since the file was last written. */
  #dirty = true;
  #writeFailed = false;
  // The step in progress (one loop runs at a time in a thread).
  #cur: Task | null = null;
  #curInfo: TaskInfo | null = null;
  #curStart = 0;
  #from: number[] = [];
  #nFrom = 0;
  /** Keep recording once the loops close (the environment's session: more loops may come). */
  readonly #persistent: boolean;

  constructor(file: string, maxEvents: number, persistent: boolean) {
    this.file = resolve(file);
    this.ring = new TraceRing<RecordObj>(maxEvents);
    this.#persistent = persistent;
  }

  /** Watch `loop`: its steps, its tasks' creation and end, its slow callbacks. */
  attach(loop: BaseEventLoop): LoopHooks {
    const hooks = new LoopHooks(this, loop, this.#nextTid++);
    this.#loops.set(loop, hooks);
    if (!this.#subscribed) {
      this.#subscribed = true;
      createChannel.subscribe(this.#onCreate);
      doneChannel.subscribe(this.#onDone);
    }
    this.#removeExitHook ??= addExitHook(this.#onExit);
    addCloseHook(loop, () => {
      this.#onLoopClosed(loop);
    });
    return hooks;
  }

  /** Stop watching `loop`. */
  detach(loop: BaseEventLoop): void {
    const hooks = this.#loops.get(loop);
    if (hooks === undefined) return;
    this.#loops.delete(loop);
    if (loop[kGetTracer]() === hooks) loop[kSetTracer](null);
  }

  /** Stop recording: unsubscribe, forget the exit hook, detach every loop. */
  stop(): void {
    for (const loop of [...this.#loops.keys()]) this.detach(loop);
    if (this.#subscribed) {
      this.#subscribed = false;
      createChannel.unsubscribe(this.#onCreate);
      doneChannel.unsubscribe(this.#onDone);
    }
    this.#removeExitHook?.();
    this.#removeExitHook = null;
    if (envSession === this) envSession = null;
  }

  #onLoopClosed(loop: BaseEventLoop): void {
    this.write();
    this.detach(loop);
    if (!this.#persistent && this.#loops.size === 0) this.stop();
  }

  readonly #onExit = (): void => {
    this.#removeExitHook = null;
    if (this.#dirty) this.write();
  };

  readonly #onCreate = (message: unknown): void => {
    const task = (message as { task: Task }).task;
    if (!this.#loops.has(task.getLoop())) return;
    this.#adopt(task);
  };

  readonly #onDone = (message: unknown): void => {
    const task = (message as { task: Task }).task;
    const info = this.#info(task);
    if (info === undefined) return;
    info.name = task.getName();
    if (task.cancelled()) info.outcome = OUTCOME_CANCELLED;
    else {
      // Read without retrieving: the "never retrieved" report must still come.
      const error = task._rawError();
      if (error === undefined) info.outcome = OUTCOME_RESULT;
      else {
        info.outcome = OUTCOME_EXCEPTION;
        info.exception = describeError(error);
      }
    }
    // Finished inside its traced step: the lifetime is recorded when that step ends, so the
    // step stays inside it. Otherwise (an eager first step, say), now.
    if (this.#cur !== task) this.#recordLife(info, nowUs());
  };

  /** The record of `task` in this session, if it has one. */
  #info(task: Task): TaskInfo | undefined {
    const info = (task as Traced)[kTraceInfo];
    return info?.session === this ? info : undefined;
  }

  #adopt(task: Task): TaskInfo {
    const store = taskStorage.getStore();
    let parentName: string | null = null;
    let parentId: string | null = null;
    if (store instanceof Task) {
      const parent = this.#info(store);
      if (parent !== undefined) {
        // Not named yet if it runs an eager first step, which is not traced.
        parentName = parent.name !== "" ? parent.name : store.getName();
        parentId = parent.id;
      }
    }
    const info = new TaskInfo(this, this.#nextTid++, task, parentName, parentId, nowUs());
    (task as Traced)[kTraceInfo] = info;
    return info;
  }

  #recordLife(info: TaskInfo, end: number): void {
    if (info.lifeRecorded) return;
    info.lifeRecorded = true;
    this.ring.push(LIFE, 0, info.created, end - info.created, info, 0);
    this.#dirty = true;
  }

  /** @internal LoopHooks.begin */
  begin(task: Task): void {
    const info = this.#info(task) ?? this.#adopt(task);
    this.#cur = task;
    this.#curInfo = info;
    // Named at its first step, once a task factory's setName() has run (and again when done).
    if (info.steps === 0) info.name = task.getName();
    // The awaited-by edges, from the sources captureCallGraph() reads: the tasks whose wake-up
    // is among this task's callbacks, and the callbacks gather/shield/wait/TaskGroup tagged with
    // the task they wait for. Read now: once the task finishes, they are gone to the ready queue.
    let n = 0;
    for (const entry of task[kCallbackEntries]()) {
      const by =
        entry instanceof Waiter
          ? entry.task
          : entry instanceof Future
            ? entry // a Task parked on this future's await
            : (entry as { [kAwaiter]?: unknown })[kAwaiter];
      if (!(by instanceof Task)) continue;
      const from = this.#info(by)?.lastStep ?? -1;
      if (from < 0 || info.linkFrom(from)) continue;
      this.#from[n++] = from;
    }
    this.#nFrom = n;
    this.#curStart = nowUs();
  }

  /** @internal LoopHooks.end */
  end(task: Task, finished: boolean, foreign: boolean, slowUs: number): void {
    const t = nowUs();
    const info = this.#curInfo;
    if (task !== this.#cur || info === null) return;
    this.#cur = null;
    this.#curInfo = null;
    const start = this.#curStart;
    const dur = t - start;
    let flags = 0;
    if (finished) flags |= F_FINAL;
    if (foreign) flags |= F_FOREIGN;
    if (dur >= slowUs) flags |= F_SLOW;
    const ring = this.ring;
    const seq = ring.push(STEP, flags, start, dur, info, ++info.steps);
    info.lastStep = seq;
    for (let i = 0; i < this.#nFrom; i++) ring.push(FLOW, 0, 0, seq, null, this.#from[i] ?? 0);
    this.#nFrom = 0;
    if (info.outcome !== OUTCOME_PENDING) this.#recordLife(info, t);
    this.#dirty = true;
  }

  /** @internal LoopHooks.slowCallback */
  slowCallback(hooks: LoopHooks, handle: unknown, startUs: number, durUs: number): void {
    const record = { tid: hooks.tid, loop: hooks.label, what: reprValue(handle) };
    this.ring.push(SLOW_CALLBACK, F_SLOW, startUs, durUs, record, 0);
    this.#dirty = true;
  }

  /** Write the file now (the records kept, and the lifetimes of the tasks still pending). */
  write(): void {
    const text = this.serialize();
    this.#dirty = false;
    try {
      writeFileSync(this.file, text);
    } catch (e) {
      // Said once: the loop closing and the process exiting would say it twice.
      if (this.#writeFailed) return;
      this.#writeFailed = true;
      logger.error(`asyncio-ts: cannot write the trace to ${this.file}: ${(e as Error).message}`);
    }
  }

  /** The trace as Chrome's trace-event JSON. */
  serialize(): string {
    const events = this.events();
    const meta = {
      tool: "asyncio-ts",
      maxEvents: this.ring.max,
      records: this.ring.total - this.ring.dropped,
      dropped: this.ring.dropped,
    };
    return (
      `{"traceEvents":[\n${events.map((e) => JSON.stringify(e)).join(",\n")}\n],\n` +
      `"displayTimeUnit":"ms","otherData":${JSON.stringify(meta)}}\n`
    );
  }

  /** The events to write: metadata first, then the rest by time. */
  events(): TraceEvent[] {
    const pid = process.pid;
    const ring = this.ring;
    const out: TraceEvent[] = [];
    const names = new Map<number, string>();
    const taskArgs = (info: TaskInfo): Record<string, unknown> => {
      names.set(info.tid, info.name);
      const args: Record<string, unknown> = { task: info.name, id: info.id, coro: coroLabel(info.coro) };
      if (info.parentName !== null) {
        args.parent = info.parentName;
        args.parentId = info.parentId;
      }
      return args;
    };
    const mid = (seq: number): number => {
      const i = ring.slot(seq);
      return us((ring.ts[i] ?? 0) + (ring.dur[i] ?? 0) / 2);
    };
    const oldest = ring.oldest;
    for (let seq = oldest; seq < ring.total; seq++) {
      const i = ring.slot(seq);
      const flags = ring.flags[i] ?? 0;
      const ts = us(ring.ts[i] ?? 0);
      const dur = us(ring.dur[i] ?? 0);
      switch (ring.kind[i] ?? 0) {
        case STEP: {
          const info = ring.obj[i] as TaskInfo;
          const args = taskArgs(info);
          args.step = ring.ref[i];
          if ((flags & F_SLOW) !== 0) args.slow = true;
          if ((flags & F_FOREIGN) !== 0) args.foreign = true;
          if ((flags & F_FINAL) !== 0) {
            args.outcome = OUTCOMES[info.outcome];
            if (info.outcome === OUTCOME_EXCEPTION) args.exception = info.exception;
          }
          out.push({ name: coroLabel(info.coro), cat: "step", ph: "X", pid, tid: info.tid, ts, dur, args });
          if ((flags & F_SLOW) !== 0) {
            const mark = { task: info.name, id: info.id, ms: us(dur / 1000) };
            out.push({ name: "slow step", cat: "slow", ph: "i", s: "t", pid, tid: info.tid, ts, args: mark });
          }
          break;
        }
        case LIFE: {
          const info = ring.obj[i] as TaskInfo;
          const args = taskArgs(info);
          args.outcome = OUTCOMES[info.outcome];
          if (info.outcome === OUTCOME_EXCEPTION) args.exception = info.exception;
          args.steps = info.steps;
          out.push({ name: info.name, cat: "task", ph: "X", pid, tid: info.tid, ts, dur, args });
          break;
        }
        case FLOW: {
          const from = ring.ref[i] ?? -1;
          const to = ring.dur[i] ?? -1;
          // The awaiting step was dropped by the ring: drop the pair.
          if (from < oldest) break;
          const a = ring.obj[ring.slot(from)] as TaskInfo;
          const b = ring.obj[ring.slot(to)] as TaskInfo;
          const flow = { name: "awaited by", cat: "await" };
          out.push({ ...flow, ph: "s", id: seq, pid, tid: a.tid, ts: mid(from) });
          out.push({ ...flow, ph: "f", bp: "e", id: seq, pid, tid: b.tid, ts: mid(to) });
          break;
        }
        case SLOW_CALLBACK: {
          const cb = ring.obj[i] as CallbackRecord;
          names.set(cb.tid, cb.loop);
          const args = { callback: cb.what, slow: true };
          out.push({ name: cb.what, cat: "callback", ph: "X", pid, tid: cb.tid, ts, dur, args });
          const mark = { callback: cb.what, ms: us(dur / 1000) };
          out.push({ name: "slow callback", cat: "slow", ph: "i", s: "t", pid, tid: cb.tid, ts, args: mark });
          break;
        }
        default:
          break;
      }
    }
    // Tasks still pending: their lifetime so far.
    const now = nowUs();
    for (const loop of this.#loops.keys()) {
      for (const task of loop._allTasks()) {
        const info = this.#info(task);
        if (info === undefined || info.lifeRecorded) continue;
        info.name = task.getName();
        const args = taskArgs(info);
        args.outcome = OUTCOMES[OUTCOME_PENDING];
        args.steps = info.steps;
        const dur = us(now - info.created);
        out.push({
          name: info.name,
          cat: "task",
          ph: "X",
          pid,
          tid: info.tid,
          ts: us(info.created),
          dur,
          args,
        });
      }
    }
    // Perfetto sorts by itself; chrome://tracing nests a slice in the one listed before it.
    out.sort((x, y) => (x.ts ?? 0) - (y.ts ?? 0) || (y.dur ?? -1) - (x.dur ?? -1));
    const head: TraceEvent[] = [
      { name: "process_name", ph: "M", pid, tid: 0, args: { name: `asyncio-ts ${programName()}` } },
    ];
    for (const [tid, name] of [...names].sort((x, y) => x[0] - y[0])) {
      head.push({ name: "thread_name", ph: "M", pid, tid, args: { name } });
      head.push({ name: "thread_sort_index", ph: "M", pid, tid, args: { sort_index: tid } });
    }
    return head.concat(out);
  }
}

function programName(): string {
  const script = process.argv[1];
  return script === undefined ? String(process.pid) : basename(script);
}

/** What one loop calls (its {@link LoopTracer}): forwards to the session with the loop's figures. */
class LoopHooks implements LoopTracer {
  readonly #session: TraceSession;
  readonly #loop: BaseEventLoop;
  /** The track of the loop's own (slow) callbacks. */
  readonly tid: number;
  readonly label: string;

  constructor(session: TraceSession, loop: BaseEventLoop, tid: number) {
    this.#session = session;
    this.#loop = loop;
    this.tid = tid;
    this.label = tid === 1 ? "event loop" : `event loop (${String(tid)})`;
  }

  begin(task: Task): void {
    this.#session.begin(task);
  }

  end(task: Task, finished: boolean, foreign: boolean): void {
    this.#session.end(task, finished, foreign, this.#loop.slowCallbackDuration * 1e6);
  }

  slowCallback(handle: unknown, start: number, seconds: number): void {
    this.#session.slowCallback(this, handle, start * 1e6, seconds * 1e6);
  }
}

function checkMaxEvents(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${reprValue(value)}`);
  }
  return value;
}

/** Check `run()`'s `trace` option; returns the file and the bound. @internal */
export function parseTraceSpec(spec: unknown): { file: string; maxEvents: number } {
  if (typeof spec === "string") {
    if (spec === "") throw new TypeError("trace must name a file, got ''");
    return { file: spec, maxEvents: DEFAULT_MAX_EVENTS };
  }
  if (typeof spec === "object" && spec !== null && typeof (spec as { file?: unknown }).file === "string") {
    const { file, maxEvents } = spec as { file: string; maxEvents?: unknown };
    if (file === "") throw new TypeError("trace.file must name a file, got ''");
    return {
      file,
      maxEvents: maxEvents === undefined ? DEFAULT_MAX_EVENTS : checkMaxEvents(maxEvents, "trace.maxEvents"),
    };
  }
  throw new TypeError(`trace must be a file name or { file, maxEvents }, got ${reprValue(spec)}`);
}

/**
 * Trace `loop` into the file `spec` names (run()'s `trace` option): written when the loop
 * closes, or when the process exits first. Replaces a trace the environment started on it.
 * @internal
 */
export function traceLoop(loop: BaseEventLoop, spec: TraceSpec): TraceSession {
  const { file, maxEvents } = parseTraceSpec(spec);
  envSession?.detach(loop);
  const session = new TraceSession(file, maxEvents, false);
  loop[kSetTracer](session.attach(loop));
  return session;
}

// The session ASYNCIO_TS_TRACE started: one per process, shared by every loop of the main thread.
let envSession: TraceSession | null = null;

/**
 * The tracer of a loop being made: from `ASYNCIO_TS_TRACE` (and `ASYNCIO_TS_TRACE_MAX_EVENTS`),
 * main thread only (worker threads would write the same file); null when it is unset.
 * @internal
 */
export function tracerFromEnv(loop: BaseEventLoop): LoopTracer | null {
  const file = process.env.ASYNCIO_TS_TRACE;
  if (file === undefined || file === "" || !isMainThread) return null;
  if (envSession === null) {
    const max = process.env.ASYNCIO_TS_TRACE_MAX_EVENTS;
    let maxEvents = DEFAULT_MAX_EVENTS;
    if (max !== undefined && max !== "") {
      const n = Number(max);
      if (Number.isInteger(n) && n > 0) maxEvents = n;
      else logger.warn(`asyncio-ts: ignoring ASYNCIO_TS_TRACE_MAX_EVENTS=${max} (not a positive integer)`);
    }
    envSession = new TraceSession(file, maxEvents, true);
  }
  return envSession.attach(loop);
}
