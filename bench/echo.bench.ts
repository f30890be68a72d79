// TCP echo: 10 connections × n/10 round trips of 1 KiB (the client sends 1 KiB and waits for the
// whole echo before the next). Each server runs in a process of its own and the same client
// process (raw node:net, bench/_echo-client.ts) drives them all; the contender's process only
// starts the two and asks the client for a run.
import { benchMain, type Contender, defineBench } from "./_harness.ts";
import { once, type Service, startService, stopServices } from "./_proc.ts";

const CONNS = 10;
const SIZE = 1024;
/** Round trips per connection of the untimed warm-up run the first repetition is preceded by. */
const WARMUP_ROUNDS = 500;

const client = once(() => startService("_echo-client.ts", []));

/** A contender: the echo server `start()` makes, driven by the shared client. */
function echo(start: () => Promise<Service>): Contender {
  const server = once(start);
  let warm = false;
  return async (n) => {
    const [srv, cli] = await Promise.all([server(), client()]);
    if (!warm) {
      await cli.request(`run ${srv.info} ${CONNS} ${WARMUP_ROUNDS} ${SIZE}`);
      warm = true;
    }
    const cpu0 = srv.cpuMs();
    const ms = Number(await cli.request(`run ${srv.info} ${CONNS} ${Math.round(n / CONNS)} ${SIZE}`));
    const cpu1 = srv.cpuMs();
    return cpu0 === null || cpu1 === null ? { time: ms } : { time: ms, cpu: cpu1 - cpu0 };
  };
}

export const bench = defineBench({
  name: "echo",
  title: `{n} round trips of ${SIZE} B over ${CONNS} TCP connections (client and server in separate processes)`,
  n: 100_000,
  quickN: 10_000,
  metrics: [
    { key: "time", label: "time", unit: "ms" },
    { key: "cpu", label: "server CPU", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": echo(() => startService("_echo-server.ts", ["asyncio-ts", String(SIZE)])),
    raw: echo(() => startService("_echo-server.ts", ["raw", String(SIZE)])),
  },
  targets: [
    {
      text: "echo throughput ≥ 0.85x raw node:net (time ≤ 1.18x)",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.85,
    },
    {
      text: "echo throughput ≥ 1.5x CPython 3.13 asyncio",
      metric: "time",
      kind: "faster",
      vs: "cpython",
      factor: 1.5,
    },
  ],
  notes: [
    "asyncio-ts: startServer, handler `readexactly(1024)` → `write` → `await drain()` (bench/_echo-server.ts)",
    "raw: node:net server, `socket.pipe(socket)`, TCP_NODELAY; cpython: asyncio.start_server with the same " +
      "handler as asyncio-ts (bench/py/echo_server.py), CPython 3.13",
    "one raw node:net client process (bench/_echo-client.ts, TCP_NODELAY) times from the first send to the last " +
      "echo; req/s = n ÷ time; each server gets an untimed warm-up run of 10 × 500 round trips first",
    "server CPU: user + system time of the server process during the timed run (/proc, 10 ms ticks): " +
      "steadier than the wall time when other processes share the 2 cores",
  ],
});

if (import.meta.main) {
  await benchMain(bench);
  await stopServices();
}
