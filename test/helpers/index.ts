import { describe } from "node:test";
import * as asyncio from "../../src/index.ts";
import { runVirtual } from "../../src/testing/index.ts";

export type LoopKind = "real" | "virtual";

/** Runs `main` as the main task of a fresh loop of the given kind; resolves with its result. */
export type LoopRunner = <T>(main: (loop: asyncio.BaseEventLoop) => Promise<T>) => Promise<T>;

function runReal<T>(main: (loop: asyncio.BaseEventLoop) => Promise<T>): Promise<T> {
  return asyncio.run(() => main(asyncio.getRunningLoop()));
}

function runOnVirtual<T>(main: (loop: asyncio.BaseEventLoop) => Promise<T>): Promise<T> {
  return runVirtual((loop) => main(loop));
}

/**
 * Declares `suite` twice, once on the real loop and once on the virtual-time loop (CPython runs
 * its suites against both the C and Python classes the same way). Keep sleeps short: on the real
 * loop they take real time.
 */
export function forEachLoop(suite: string, body: (run: LoopRunner, kind: LoopKind) => void): void {
  describe(`${suite} [real loop]`, () => {
    body(runReal, "real");
  });
  describe(`${suite} [virtual loop]`, () => {
    body(runOnVirtual, "virtual");
  });
}

/** Collects lines, for asserting orders. */
export class Trace {
  readonly lines: string[] = [];
  push(...parts: unknown[]): void {
    this.lines.push(parts.map(String).join(" "));
  }
}

/** Asserts that `promise` rejects with CancelledError. */
export async function assertCancelled(promise: PromiseLike<unknown>): Promise<asyncio.CancelledError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof asyncio.CancelledError) return e;
    throw e;
  }
  throw new Error("expected CancelledError, but it resolved");
}
