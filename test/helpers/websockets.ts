// Helpers of the WebSocket tests (websockets*.test.ts): loopback only, every test bounded by an
// asyncio timeout, and the socket handles of the process counted before and after.
import assert from "node:assert/strict";
import * as asyncio from "../../src/index.ts";
import type { Server } from "../../src/websockets/index.ts";

export const HOST = "127.0.0.1";

/** The port a WebSocket server listens on. */
export function wsPort(server: Server): number {
  const name = server.sockets[0]?.getsockname();
  assert.ok(name !== undefined, "the server is not listening");
  return name[1];
}

/** `ws://127.0.0.1:<port><path>` for a server. */
export function wsUri(server: Server, path = "/"): string {
  return `ws://${HOST}:${String(wsPort(server))}${path}`;
}

/** The socket and server handles alive in the process (TLS sockets are TCPSocketWraps). */
export function openHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => /^(TCP|Pipe)/.test(name)).length;
}

/** The socket handles open when the first test began (stdio pipes): none of ours. */
let baseHandles: number | null = null;

/** Wait (up to 2 s) until the process holds no more socket handles than `base`. */
export async function noLeaks(base: number): Promise<void> {
  for (let i = 0; i < 200 && openHandles() > base; i++) await asyncio.sleep(0.01);
  assert.ok(openHandles() <= base, `leaked: ${process.getActiveResourcesInfo().join(", ")}`);
}

/**
 * asyncio.run(body) bounded by an asyncio timeout (10 s unless given), then checks that no socket
 * handle outlives it. Exceptions the loop reports are collected and returned for the test to check.
 */
export async function runWs(
  body: (reports: asyncio.ExceptionContext[]) => Promise<void>,
  seconds = 10,
): Promise<void> {
  baseHandles ??= openHandles();
  const base = baseHandles;
  const reports: asyncio.ExceptionContext[] = [];
  await asyncio.run(async () => {
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
      reports.push(context);
    });
    await asyncio.timeout(seconds).with(() => body(reports));
    await noLeaks(base);
  });
}

/** Record the TCP sockets a server accepts (its server side). */
export function accepted(server: Server): Set<import("node:net").Socket> {
  const sockets = new Set<import("node:net").Socket>();
  server.sockets[0]?.server.on("connection", (s: import("node:net").Socket) => {
    sockets.add(s);
  });
  return sockets;
}

/** Wait until `predicate()` holds, polling the loop (at most `seconds`). */
export async function until(predicate: () => boolean, seconds = 2): Promise<void> {
  const deadline = asyncio.getRunningLoop().time() + seconds;
  while (!predicate()) {
    if (asyncio.getRunningLoop().time() > deadline) assert.fail("condition not reached in time");
    await asyncio.sleep(0.005);
  }
}
