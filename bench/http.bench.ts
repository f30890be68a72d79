// HTTP client: n GETs at concurrency 50 against a local node:http server in a process of its own
// (a 64-byte body, keep-alive). asyncio-ts/http's ClientSession against undici.request (the floor,
// "raw"), the global fetch, and aiohttp 3.8 on Debian's Python 3.11 (the only Python with aiohttp
// here; CPython 3.13 has none), run as a child process that times its own loop.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { Agent, request } from "undici";
import * as asyncio from "../src/index.ts";
import { ClientSession, TCPConnector } from "../src/http/index.ts";
import { benchMain, type Contender, defineBench, msSince, now } from "./_harness.ts";

const CONCURRENCY = 50;
const SYSTEM_PYTHON = "/usr/bin/python3";

const SERVER = `
const http = require("node:http");
const body = Buffer.alloc(64, 120);
const server = http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": body.length });
  res.end(body);
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => console.log("READY " + server.address().port));
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
`;

const state: { server: { child: ChildProcess; url: string } | null } = { server: null };

async function startServer(): Promise<string> {
  if (state.server !== null) return state.server.url;
  const child = spawn(process.execPath, ["-e", SERVER], { stdio: ["pipe", "pipe", "inherit"] });
  const stdout = child.stdout;
  const port = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: stdout });
    lines.once("line", (line) => {
      if (line.startsWith("READY ")) resolve(line.slice(6));
      else reject(new Error(`server said ${line}`));
    });
  });
  state.server = { child, url: `http://127.0.0.1:${port}/` };
  process.once("exit", () => child.kill());
  return state.server.url;
}

/** User + system CPU milliseconds of this process since `start`. */
function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** Run `n` jobs on `CONCURRENCY` workers (plain promises). */
async function workers(n: number, job: () => Promise<unknown>): Promise<void> {
  let left = n;
  const worker = async (): Promise<void> => {
    while (left > 0) {
      left--;
      await job();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

let connector: TCPConnector | null = null;
const asyncioTs: Contender = async (n) => {
  const url = await startServer();
  let ms = 0;
  let cpu = 0;
  await asyncio.run(async () => {
    // One connector for every repetition, as raw keeps one Agent: its connections stay open.
    connector ??= new TCPConnector({ limit: CONCURRENCY });
    await new ClientSession({ connector, connectorOwner: false }).with(async (session) => {
      const worker = asyncio.coroutine("worker", async (count: number) => {
        for (let i = 0; i < count; i++) await (await session.get(url)).read();
      });
      const run = async (total: number): Promise<void> => {
        const base = Math.floor(total / CONCURRENCY);
        await asyncio.gather(
          ...Array.from({ length: CONCURRENCY }, (_, i) => worker(base + (i < total % CONCURRENCY ? 1 : 0))),
        );
      };
      const cpu0 = process.cpuUsage();
      const t0 = now();
      await run(n);
      ms = msSince(t0);
      cpu = cpuMsSince(cpu0);
    });
  });
  return { time: ms, cpu };
};

let agent: Agent | null = null;
const raw: Contender = async (n) => {
  const url = await startServer();
  agent ??= new Agent({ connections: CONCURRENCY });
  const dispatcher = agent;
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await workers(n, async () => {
    const { body } = await request(url, { dispatcher });
    await body.arrayBuffer();
  });
  return { time: msSince(t0), cpu: cpuMsSince(cpu0) };
};

const fetchContender: Contender = async (n) => {
  const url = await startServer();
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await workers(n, async () => {
    const resp = await fetch(url);
    await resp.arrayBuffer();
  });
  return { time: msSince(t0), cpu: cpuMsSince(cpu0) };
};

const AIOHTTP = `
import asyncio, sys, time
import aiohttp

async def main(url, n, conc):
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc)) as session:
        async def worker(count):
            for _ in range(count):
                async with session.get(url) as resp:
                    await resp.read()
        async def run(total):
            await asyncio.gather(*(worker(total // conc + (1 if i < total % conc else 0)) for i in range(conc)))
        await run(min(n, 1000))  # warm-up: connections and code paths
        c0 = time.process_time()
        t0 = time.perf_counter()
        await run(n)
        print((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000)

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
`;

const aiohttp: Contender = async (n) => {
  const url = await startServer();
  const out = await new Promise<string>((resolve, reject) => {
    execFile(SYSTEM_PYTHON, ["-c", AIOHTTP, url, String(n), String(CONCURRENCY)], (err, stdout) => {
      if (err === null) resolve(stdout);
      else reject(new Error(`aiohttp contender failed: ${err.message}`, { cause: err }));
    });
  });
  const [time = Number.NaN, cpu = Number.NaN] = out.trim().split(" ").map(Number);
  return { time, cpu };
};

export const bench = defineBench({
  name: "http",
  title: `{n} GETs at concurrency ${CONCURRENCY} against a local node:http server (64-byte body, keep-alive)`,
  n: 10_000,
  quickN: 2_000,
  metrics: [
    { key: "time", label: "time", unit: "ms" },
    { key: "cpu", label: "client CPU", unit: "ms" },
  ],
  python: false,
  contenders: {
    "asyncio-ts": asyncioTs,
    raw,
    fetch: fetchContender,
    aiohttp,
  },
  targets: [
    {
      text: "HTTP GET throughput ≥ 0.85x undici.request (time ≤ 1.18x raw)",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.85,
    },
    {
      text: "HTTP GET throughput ≥ 2x aiohttp 3.8 (system Python 3.11)",
      metric: "time",
      kind: "faster",
      vs: "aiohttp",
      factor: 2,
    },
  ],
  notes: [
    "asyncio-ts: a ClientSession per repetition (each in asyncio.run) on one TCPConnector({ limit: 50 }) kept " +
      "across repetitions, as raw keeps its Agent; 50 worker coroutines gathered, each " +
      "`await (await session.get(url)).read()` in turn",
    "raw: undici.request on an Agent({ connections: 50 }), 50 promise workers, body read with arrayBuffer(); " +
      "fetch: the global fetch, the same workers",
    "aiohttp: aiohttp 3.8.4 on /usr/bin/python3 (3.11), TCPConnector(limit=50), 50 workers gathered, timed " +
      "inside the Python process after a warm-up of 1,000 GETs",
    "the server is one node:http process per contender (started by the contender's process); client CPU: user + " +
      "system time of the client process during the timed run, steadier than the wall time when other processes " +
      "share the 2 cores",
  ],
});

if (import.meta.main) {
  await benchMain(bench);
  state.server?.child.kill();
}
