// WebSocket echo: n small text messages over 10 connections, one round trip at a time per
// connection (send, wait for the echo, send the next). The servers differ: asyncio-ts's serve(),
// raw `ws` (listeners, no loop), and Python's websockets 10.4 on the system Python (its legacy
// asyncio API; websockets 14 is not installed here). The client is the same for all: raw `ws` in a
// Node process of its own, which times the run. Compression and keepalive pings are off: messages
// this small are never compressed anyway.
import { spawn } from "node:child_process";
import { WebSocketServer } from "ws";
import * as asyncio from "../src/index.ts";
import { serve, type ServerConnection } from "../src/websockets/index.ts";
import { benchMain, defineBench, ROOT } from "./_harness.ts";

const CONNS = 10;
const SIZE = 32;
const SYSTEM_PYTHON = "/usr/bin/python3";

type Sample = { time: number; cpu: number };

/** CPU time (user + system, ms) of this process since `since`. */
function cpuSince(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
}

// The client: raw ws in its own process; prints the milliseconds from the first send to the last echo.
const CLIENT = `
import { WebSocket } from "ws";
const [port, conns, rounds, size] = process.argv.slice(1).map(Number);
const message = "x".repeat(size);
const clients = await Promise.all(Array.from({ length: conns }, () => new Promise((resolve, reject) => {
  const ws = new WebSocket("ws://127.0.0.1:" + port, { perMessageDeflate: false });
  ws.once("open", () => resolve(ws));
  ws.once("error", reject);
})));
const t0 = process.hrtime.bigint();
await Promise.all(clients.map((ws) => new Promise((resolve) => {
  let left = rounds;
  ws.on("message", () => { if (--left === 0) resolve(); else ws.send(message); });
  ws.send(message);
})));
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
await Promise.all(clients.map((ws) => new Promise((resolve) => { ws.once("close", resolve); ws.close(1000); })));
console.log(ms);
`;

/** Run the client against `port`: the time it measured, in ms. */
function runClient(port: number, n: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = [String(port), String(CONNS), String(Math.round(n / CONNS)), String(SIZE)];
    const child = spawn(process.execPath, ["--input-type=module", "-e", CLIENT, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(out.trim());
      if (code === 0 && Number.isFinite(ms)) resolve(ms);
      else reject(new Error(`the ws client exited ${String(code)}: ${err.trim()}`));
    });
  });
}

async function asyncioTs(n: number): Promise<Sample> {
  let sample: Sample = { time: 0, cpu: 0 };
  await asyncio.run(async () => {
    const echo = async (ws: ServerConnection): Promise<void> => {
      for await (const message of ws) await ws.send(message);
    };
    await serve(echo, "127.0.0.1", 0, { compression: null, pingInterval: null }).with(async (server) => {
      const port = server.sockets[0]?.getsockname()[1] ?? 0;
      const c0 = process.cpuUsage();
      const time = await asyncio.ensureFuture(runClient(port, n));
      sample = { time, cpu: cpuSince(c0) };
    });
  });
  return sample;
}

async function rawWs(n: number): Promise<Sample> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once("listening", resolve));
  wss.on("connection", (ws) => {
    ws.on("message", (data, isBinary) => {
      ws.send(isBinary ? data : (data as Buffer).toString());
    });
  });
  const { port } = wss.address() as { port: number };
  const c0 = process.cpuUsage();
  const time = await runClient(port, n);
  const cpu = cpuSince(c0);
  await new Promise<void>((resolve) => {
    wss.close(() => {
      resolve();
    });
  });
  return { time, cpu };
}

// The same server on Python's websockets (10.4's legacy API); it exits once every client is done.
const PYTHON = `
import asyncio, sys, time
import websockets

async def main(conns):
    finished = asyncio.get_running_loop().create_future()
    done = 0

    async def echo(ws):
        nonlocal done
        try:
            async for message in ws:
                await ws.send(message)
        finally:
            done += 1
            if done == conns:
                finished.set_result(None)

    async with websockets.serve(echo, "127.0.0.1", 0, compression=None, ping_interval=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        c0 = time.process_time()
        await finished
        # Its own CPU time (ms): it may exit before the parent reads /proc.
        print("CPU", (time.process_time() - c0) * 1000, flush=True)

asyncio.run(main(int(sys.argv[1])))
`;

function pythonWebsockets(n: number): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(SYSTEM_PYTHON, ["-c", PYTHON, String(CONNS)], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    let started = false;
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", reject);
    // The server exits once its last client is done, which may be before the client's run is seen
    // to end here: wait on a promise of its exit made now, not on a listener added later.
    const closed = new Promise<void>((done) => {
      child.on("close", (code) => {
        if (!started || code !== 0)
          reject(new Error(`${SYSTEM_PYTHON} with websockets exited ${String(code)}: ${err.trim()}`));
        done();
      });
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stdout.once("data", (c: Buffer) => {
      started = true;
      runClient(Number(c.toString().trim()), n).then(
        (time) => {
          void closed.then(() => {
            const cpu = Number(/^CPU (\S+)$/m.exec(out)?.[1] ?? NaN);
            resolve({ time, cpu });
          });
        },
        (e: unknown) => {
          child.kill();
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  });
}

export const bench = defineBench({
  name: "websockets",
  title: `WebSocket echo servers: {n} messages of ${String(SIZE)} B over ${String(CONNS)} connections, one round trip at a time per connection, from a raw ws client process`,
  n: 100_000,
  quickN: 10_000,
  metrics: [
    { key: "time", label: "time", unit: "ms" },
    { key: "cpu", label: "server CPU", unit: "ms" },
  ],
  python: false,
  contenders: {
    "asyncio-ts": asyncioTs,
    raw: rawWs,
    "websockets-10.4": pythonWebsockets,
  },
  // CPython's server is about 3x slower: fewer repetitions (the harness allows 180 s a contender).
  limits: { "websockets-10.4": { warmup: 0, reps: 3 } },
  targets: [
    {
      text: "WebSocket echo throughput ≥ 0.85x raw ws (time ≤ 1.18x)",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.85,
    },
    {
      text: "WebSocket echo server CPU ≤ 1.18x raw ws's (steadier than time when the cores are shared)",
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
    "asyncio-ts: serve() with the handler `for await (const m of ws) await ws.send(m)`",
    "raw: ws's WebSocketServer with a 'message' listener that sends the message back, no loop, no promises",
    "websockets-10.4: the same handler on Debian's /usr/bin/python3 (3.11) and python3-websockets 10.4",
    "one raw ws client process per run times from the first send to the last echo; compression and keepalive off",
    "server CPU: user + system time of the server's process during the timed run (Python's from its own time.process_time(), from its first client to its last)",
  ],
});

if (import.meta.main) await benchMain(bench);
