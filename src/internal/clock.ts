import { performance } from "node:perf_hooks";

/** Monotonic time in seconds (CPython's time.monotonic()). */
export function monotonic(): number {
  return performance.now() / 1000;
}

/** Real milliseconds for time-slice bookkeeping. */
export function nowMs(): number {
  return performance.now();
}

export { setTimeout, clearTimeout, setImmediate, clearImmediate } from "node:timers";
