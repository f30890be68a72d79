// Helpers for tests that drive a loop from outside (runUntilComplete, runForever, stop, close),
// as CPython's test_utils does with new_test_loop() and run_briefly().
import { mock } from "node:test";
import * as asyncio from "../../src/index.ts";
import { VirtualTimeLoop } from "../../src/testing/index.ts";
import type { LoopKind } from "./index.ts";

/** A fresh, not running loop of the given kind. */
export function newLoop(kind: LoopKind): asyncio.BaseEventLoop {
  return kind === "real" ? asyncio.newEventLoop() : new VirtualTimeLoop();
}

/** The loop class of the given kind, for subclassing in a test. */
export function loopClass(kind: LoopKind): new () => asyncio.BaseEventLoop {
  return kind === "real" ? asyncio.EventLoop : VirtualTimeLoop;
}

/**
 * Runs `body(loop)` with a fresh loop of the given kind, then closes the loop (the virtual loop's
 * close is strict: it throws if tasks, timers or unretrieved exceptions are left).
 */
export async function withLoop<T>(
  kind: LoopKind,
  body: (loop: asyncio.BaseEventLoop) => Promise<T>,
): Promise<T> {
  const loop = newLoop(kind);
  try {
    return await body(loop);
  } finally {
    if (!loop.isRunning()) loop.close();
  }
}

/**
 * CPython's test_utils.run_briefly: run a task with an empty body to completion, which takes two
 * iterations (the task's step, then the done callback that stops the loop).
 */
export async function runBriefly(loop: asyncio.BaseEventLoop): Promise<void> {
  await loop.runUntilComplete(async () => {});
}

/** CPython's test_utils.run_once idiom: `loop.callSoon(loop.stop); loop.runForever()`. */
export async function runOnce(loop: asyncio.BaseEventLoop): Promise<void> {
  loop.callSoon(() => {
    loop.stop();
  });
  await loop.runForever();
}

/**
 * Captures what is written to stderr (the loop's logger writes there, as CPython's `asyncio`
 * logger does) while `body` runs. Returns the records, one per write, without the newline.
 */
export async function captureStderr(body: () => Promise<void>): Promise<string[]> {
  const records: string[] = [];
  const spy = mock.method(process.stderr, "write", (chunk: unknown) => {
    records.push(String(chunk).replace(/\n$/, ""));
    return true;
  });
  try {
    await body();
  } finally {
    spy.mock.restore();
  }
  return records;
}
