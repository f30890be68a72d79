// WebSocket echo: n small text messages over 10 connections (each connection sends one, waits for
// its echo, sends the next), server and clients in one process, on 127.0.0.1. asyncio-ts's
// serve()/connect() against raw `ws` (event listeners, no asyncio) and Python's websockets 10.4 on
// the system Python (/usr/bin/python3, the legacy asyncio API: websockets 14 is not installed
// here). Compression is off everywhere: messages this small are never compressed anyway.
import { spawn } from "node:child_process";
import { WebSocket, WebSocketServer } from "ws";
import * as asyncio from "../src/index.ts";
import { connect, serve, type ServerConnection } from "../src/websockets/index.ts";
import { benchMain, defineBench, msSince, now } from "./_harness.ts";

const CONNS = 10;
const MESSAGE = "x".repeat(32);
const SYSTEM_PYTHON = "/usr/bin/python3";

type Sample = { time: number; cpu: number };

/** CPU time (user + system, ms) of this process since `since`. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

async function asyncioTs(n: number): Promise<Sample> {
  const rounds = Math.round(n / CONNS);
  let ms = 0;
  let cpu = 0;
  await asyncio.run(async () => {
    const echo = async (ws: ServerConnection): Promise<void> => {
      for await (const message of ws) await ws.send(message);
    };
    const options = { compression: null, pingInterval: null } as const;
    await serve(echo, "127.0.0.1", 0, options).with(async (server) => {
      const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
      const clients = await asyncio.gather(...Array.from({ length: CONNS }, () => connect(uri, options)));
      const t0 = now();
      const c0 = process.cpuUsage();
      await asyncio.gather(
        ...clients.map(
          asyncio.coroutine("client", async (ws: (typeof clients)[number]) => {
            for (let i = 0; i < rounds; i++) {
              await ws.send(MESSAGE);
              await ws.recv();
            }
          }),
        ),
      );
      ms = msSince(t0);
      cpu = cpuSince(c0);
      await asyncio.gather(...clients.map((ws) => ws.close()));
    });
  });
  return { time: ms, cpu };
}

async function rawWs(n: number): Promise<Sample> {
  const rounds = Math.round(n / CONNS);
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  wss.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => {
      ws.send(isBinary ? data : (data as Buffer).toString());
    });
  });
  const { port } = wss.address() as { port: number };
  const clients = await Promise.all(
    Array.from({ length: CONNS }, async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${String(port)}`, { perMessageDeflate: false });
      await new Promise<void>((resolve) => ws.once("open", resolve));
      return ws;
    }),
  );
  const t0 = now();
  const c0 = process.cpuUsage();
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          let left = rounds;
          ws.on("message", (data) => {
            (data as Buffer).toString();
            if (--left === 0) resolve();
            else ws.send(MESSAGE);
          });
          ws.send(MESSAGE);
        }),
    ),
  );
  const ms = msSince(t0);
  const cpu = cpuSince(c0);
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once("close", () => {
            resolve();
          });
          ws.close();
        }),
    ),
  );
  await new Promise<void>((resolve) => {
    wss.close(() => {
      resolve();
    });
  });
  return { time: ms, cpu };
}

// The same program on Python's websockets (10.4's legacy API: serve, connect, send, recv).
const PYTHON = `
import asyncio, sys, time
import websockets

async def echo(ws):
    async for message in ws:
        await ws.send(message)

async def client(ws, rounds, message):
    for _ in range(rounds):
        await ws.send(message)
        await ws.recv()

async def main(n, conns):
    opts = dict(compression=None, ping_interval=None)
    async with websockets.serve(echo, "127.0.0.1", 0, **opts) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        clients = await asyncio.gather(*[websockets.connect(uri, **opts) for _ in range(conns)])
        t0 = time.perf_counter()
        c0 = time.process_time()
        await asyncio.gather(*[client(ws, n // conns, "x" * 32) for ws in clients])
        ms = (time.perf_counter() - t0) * 1000
        cpu = (time.process_time() - c0) * 1000
        await asyncio.gather(*[ws.close() for ws in clients])
    print(ms, cpu)

asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
`;

function pythonWebsockets(n: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, ["-c", PYTHON, String(n), String(CONNS)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const [ms, cpu] = out.trim().split(" ").map(Number);
      if (code === 0 && ms !== undefined && cpu !== undefined && Number.isFinite(ms + cpu))
        resolve({ time: ms, cpu });
      else
        reject(
          new Error(
            `${SYSTEM_PYTHON} with websockets exited ${String(code)}: ${err.trim().split("\n").at(-1) ?? ""}`,
          ),
        );
    });
  });
}

export const bench = defineBench({
  name: "websockets",
  title: `WebSocket echo: {n} messages of ${String(MESSAGE.length)} B over ${String(CONNS)} connections, one round trip at a time per connection`,
  n: 100_000,
  quickN: 10_000,
  metrics: [
    { key: "time", label: "time", unit: "ms" },
    { key: "cpu", label: "CPU", unit: "ms" },
  ],
  python: false,
  contenders: {
    "asyncio-ts": asyncioTs,
    raw: rawWs,
    "websockets-10.4": pythonWebsockets,
  },
  // CPython runs the same program about 3x slower than asyncio-ts: fewer messages, fewer repetitions.
  limits: { "websockets-10.4": { warmup: 0, reps: 3, n: 20_000 } },
  targets: [
    {
      text: "WebSocket echo throughput ≥ 0.85x raw ws (time ≤ 1.18x)",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.85,
    },
    {
      text: "WebSocket echo CPU ≤ 1.18x raw ws's (steadier than time when the cores are shared)",
      metric: "cpu",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.85,
    },
    {
      text: "WebSocket echo faster than Python websockets 10.4",
      metric: "time",
      kind: "faster",
      vs: "websockets-10.4",
      factor: 1,
    },
  ],
  notes: [
    "asyncio-ts: serve() with a handler `for await (const m of ws) await ws.send(m)`; clients `await ws.send(m); await ws.recv()`",
    "raw: ws's WebSocketServer and WebSocket with 'message' listeners, no loop, no promises",
    "websockets-10.4: the same program on Debian's /usr/bin/python3 (3.11) and python3-websockets 10.4, timed by " +
      "the Python program itself; websockets 14 is not installed here",
    "server and clients share one process and one loop; compression and keepalive pings are off",
    "CPU: user + system time of that process during the timed run",
  ],
});

if (import.meta.main) await benchMain(bench);
