/**
 * Debug mode: where asyncio-ts reports what would otherwise be lost (never-awaited coroutines,
 * slow callbacks, errors nobody retrieved), mirroring asyncio's debug mode.
 * @see https://docs.python.org/3.13/library/asyncio-dev.html
 * @module
 */
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { peekRunningLoop } from "./events.ts";
import { addCloseHook } from "./internal/close-hooks.ts";

/** True when `ASYNCIO_TS_DEBUG` is set to a non-empty value (PYTHONASYNCIODEBUG's twin). */
export function debugFromEnv(): boolean {
  const v = process.env.ASYNCIO_TS_DEBUG;
  return v !== undefined && v !== "" && v !== "0";
}

/** Where the loop's reports go: stderr, as CPython's `asyncio` logger with its last-resort handler. */
export const logger = {
  error(message: string): void {
    process.stderr.write(`${message}\n`);
  },
  warn(message: string): void {
    process.stderr.write(`${message}\n`);
  },
};

/** An exception's stack (or repr) for a log record. */
export function formatException(exc: unknown): string {
  if (exc instanceof Error && typeof exc.stack === "string") return exc.stack;
  return inspect(exc);
}

/**
 * A coroutine's view for the tracker: null once it started or was closed; otherwise where it was
 * created (debug mode), or "".
 */
type TrackView = (coro: never) => string | null;

/**
 * The coroutines made while one loop ran (or outside any loop), kept until that loop closes so a
 * never-awaited one is reported then at the latest (CPython reports when it is collected, which
 * its reference counting makes immediate). Started ones are dropped in batches: creating a
 * coroutine costs an array push.
 */
interface CoroList {
  items: object[];
  limit: number;
  view: TrackView;
}

const MIN_LIMIT = 256;
const lists = new WeakMap<object, CoroList>();
let lastLoop: object | null | undefined;
let lastList: CoroList | null = null;
let orphans: CoroList | null = null;

function listFor(loop: object | null, view: TrackView): CoroList {
  let list: CoroList | undefined;
  if (loop === null) {
    if (orphans === null) {
      const made: CoroList = { items: [], limit: MIN_LIMIT, view };
      orphans = made;
      // Made outside any loop and never awaited: reported when the process exits.
      process.once("exit", () => {
        orphans = null;
        reportNeverAwaited(made);
      });
    }
    list = orphans;
  } else {
    list = lists.get(loop);
    if (list === undefined) {
      const made: CoroList = { items: [], limit: MIN_LIMIT, view };
      list = made;
      lists.set(loop, made);
      addCloseHook(loop, () => {
        lists.delete(loop);
        if (lastList === made) {
          lastLoop = undefined;
          lastList = null;
        }
        reportNeverAwaited(made);
      });
    }
  }
  lastLoop = loop;
  lastList = list;
  return list;
}

/** Keep only the coroutines not started yet. */
function compact(list: CoroList): void {
  const items = list.items;
  const view = list.view;
  let n = 0;
  for (const coro of items) if (view(coro as never) !== null) items[n++] = coro;
  items.length = n;
  list.limit = Math.max(MIN_LIMIT, 2 * n);
}

function reportNeverAwaited(list: CoroList): void {
  for (const coro of list.items) {
    const origin = list.view(coro as never);
    if (origin === null) continue;
    const name = (coro as { name: string }).name;
    logger.warn(
      origin === ""
        ? `RuntimeWarning: coroutine '${name}' was never awaited`
        : `RuntimeWarning: coroutine '${name}' was never awaited\nCoroutine created at (most recent call last)\n${origin}`,
    );
  }
  list.items.length = 0;
}

/**
 * Track a new coroutine until it starts: one never awaited is reported when the loop that was
 * running when it was made closes (or when the process exits, for one made outside any loop).
 * Returns where it was created in debug mode (for the report), else null.
 * @internal
 */
export function trackCoroutine(coro: object, view: TrackView): string | null {
  const loop = peekRunningLoop();
  const list = loop === lastLoop && lastList !== null ? lastList : listFor(loop, view);
  list.items.push(coro);
  if (list.items.length >= list.limit) compact(list);
  if (loop !== null ? !loop.getDebug() : !debugFromEnv()) return null;
  // The library's own frames (the Coroutine, `Queue.get`) say nothing about where it was made.
  return stackLines(trackCoroutine)
    .filter((line) => !line.includes(LIBRARY_DIR))
    .reverse()
    .join("\n");
}

/**
 * A tracked coroutine started (or was closed): most are started right after they are made (an
 * `await sleep(0)`, a `q.get()` awaited at once), so the last one pushed leaves the list at once
 * instead of being kept alive (and promoted by the collector) until the next compaction.
 * @internal
 */
export function untrackCoroutine(coro: object): void {
  const items = lastList?.items;
  if (items !== undefined && items.length > 0 && items[items.length - 1] === coro) items.pop();
}

/**
 * Where the caller of the library was when it made an object: `file:line` of the innermost frame
 * outside the library (CPython's `created at file:line` in debug-mode reprs), or null.
 * @internal
 */
export function creationSite(): string | null {
  for (const frame of stackLines(creationSite)) {
    if (frame.includes(LIBRARY_DIR) || frame.includes("(node:") || frame.includes("at node:")) continue;
    const site = frameSite(frame);
    if (site !== null) return site;
  }
  return null;
}

/**
 * `file:line` of one stack frame (`    at fn (file:///x.ts:12:3)` or `    at file:///x.ts:12:3`),
 * as CPython's reprs name a place; null if it names none.
 * @internal
 */
export function frameSite(frame: string): string | null {
  const m = /([^\s(]+):(\d+):\d+\)?$/.exec(frame);
  if (m === null) return null;
  const [, file = "", line = ""] = m;
  return `${file.startsWith("file://") ? fileURLToPath(file) : file}:${line}`;
}

/**
 * The V8 stack lines ("    at ...") above `above`, innermost first, deep enough that the
 * caller's frames remain once the library's are left out.
 * @internal
 */
export function stackLines(above: (...args: never[]) => unknown, depth = 80): string[] {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = depth;
  Error.captureStackTrace(holder, above);
  Error.stackTraceLimit = limit;
  return (holder.stack ?? "").split("\n").slice(1);
}

/**
 * This module's folder: every frame of the library's own code is under it.
 * @internal
 */
export const LIBRARY_DIR = new URL(".", import.meta.url).href;
