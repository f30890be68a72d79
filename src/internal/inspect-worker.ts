// The introspection watchdog (see src/introspect.ts): a worker thread listening on the process's
// Unix socket. Each connection gets one JSON line: a fresh snapshot from the main thread, or, when
// the main thread does not answer within REPLY_MS, the last one it sent and how long ago.
import { chmodSync } from "node:fs";
import { createServer } from "node:net";
import { clearTimeout, setTimeout } from "node:timers";
import { parentPort, workerData } from "node:worker_threads";

const REPLY_MS = 500;
const port = parentPort;
if (port === null) throw new Error("inspect-worker runs as a worker thread");
const { socket } = workerData as { socket: string };

let last: { takenAt: number; [key: string]: unknown } | null = null;
let nextId = 1;
const waiting = new Map<number, (snapshot: unknown) => void>();

port.on("message", (message: { type: string; id: number; snapshot: { takenAt: number } }) => {
  if (message.type !== "snapshot") return;
  last = message.snapshot;
  const resolve = waiting.get(message.id);
  if (resolve !== undefined) {
    waiting.delete(message.id);
    resolve(message.snapshot);
  }
});

const server = createServer((conn) => {
  conn.on("error", () => {
    // The client went away: nothing to answer.
  });
  const id = nextId++;
  const timer = setTimeout(() => {
    waiting.delete(id);
    const blockedFor = last === null ? null : (Date.now() - last.takenAt) / 1000;
    conn.end(`${JSON.stringify({ ...(last ?? { version: 1, threads: [] }), blockedFor })}\n`);
  }, REPLY_MS);
  waiting.set(id, (snapshot) => {
    clearTimeout(timer);
    conn.end(`${JSON.stringify(snapshot)}\n`);
  });
  port.postMessage({ type: "request", id });
});
server.listen(socket, () => {
  chmodSync(socket, 0o600);
});
