/**
 * Debug mode: where asyncio-ts reports what would otherwise be lost (never-awaited coroutines,
 * slow callbacks, errors nobody retrieved), mirroring asyncio's debug mode.
 * @see https://docs.python.org/3.13/library/asyncio-dev.html
 * @module
 */
import { inspect } from "node:util";
import { peekRunningLoop } from "./events.ts";

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

interface Created {
  name: string;
  stack: string;
}

const neverAwaited = new FinalizationRegistry<Created>((held) => {
  logger.warn(
    `RuntimeWarning: coroutine '${held.name}' was never awaited\nCoroutine created at (most recent call last)\n${held.stack}`,
  );
});

function debugOn(): boolean {
  const loop = peekRunningLoop();
  return loop !== null ? loop.getDebug() : debugFromEnv();
}

/** In debug mode, remember where a coroutine was created, to report it if it is never awaited. */
export function trackCoroutine(coro: object, name: string): boolean {
  if (!debugOn()) return false;
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, trackCoroutine);
  const stack = (holder.stack ?? "").split("\n").slice(1).reverse().join("\n");
  neverAwaited.register(coro, { name: name === "" ? "<anonymous>" : name, stack }, coro);
  return true;
}

/** The coroutine started or was closed: nothing to report. */
export function untrackCoroutine(coro: object): void {
  neverAwaited.unregister(coro);
}
