// Bulk transfer: n MiB over one TCP connection in 64 KiB writes, the sender and the receiver each
// in a process of its own. The sender writes chunk after chunk (write + await drain()), then EOF;
// the receiver reads with read(65536) until EOF and answers the byte count; the sender times
// from connect to that answer. The contender's process only starts the two and asks for a run.
import { benchMain, type Contender, defineBench } from "./_harness.ts";
import { once, startService, stopServices } from "./_proc.ts";

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** A contender: `sender` (asyncio-ts or raw) sending to `receiver`, both bench/_bulk-peer.ts. */
function bulk(sender: string, receiver: string): Contender {
  const recv = once(() => startService("_bulk-peer.ts", ["recv", receiver]));
  const send = once(() => startService("_bulk-peer.ts", ["send", sender]));
  return async (n) => {
    const [r, s] = await Promise.all([recv(), send()]);
    const [r0, s0] = [r.cpuMs(), s.cpuMs()];
    const time = Number(await s.request(`run ${r.info} ${n * MIB} ${CHUNK}`));
    const [r1, s1] = [r.cpuMs(), s.cpuMs()];
    if (r0 === null || s0 === null || r1 === null || s1 === null) return { time };
    return { time, cpu: r1 - r0 + (s1 - s0), recvCpu: r1 - r0 };
  };
}

export const bench = defineBench({
  name: "bulk",
  title: "{n} MiB over one TCP connection in 64 KiB writes (sender and receiver in separate processes)",
  n: 1024,
  quickN: 64,
  metrics: [
    { key: "time", label: "time", unit: "ms" },
    { key: "cpu", label: "CPU, both ends", unit: "ms" },
    { key: "recvCpu", label: "CPU, receiver", unit: "ms" },
  ],
  python: true,
  contenders: {
    "asyncio-ts": bulk("asyncio-ts", "asyncio-ts"),
    raw: bulk("raw", "raw"),
    "raw → asyncio-ts": bulk("raw", "asyncio-ts"),
    "asyncio-ts → raw": bulk("asyncio-ts", "raw"),
  },
  targets: [
    {
      text: "1 GiB throughput ≥ 0.9x raw node:net (time ≤ 1.11x)",
      metric: "time",
      kind: "within",
      vs: "raw",
      factor: 1 / 0.9,
    },
  ],
  notes: [
    "asyncio-ts: both ends asyncio-ts: openConnection, `write(chunk)` + `await drain()` per 64 KiB, writeEof() → " +
      "startServer handler `read(65536)` until EOF (bench/_bulk-peer.ts)",
    "raw: both ends node:net: write() until it returns false, then wait for 'drain' → 'data' events",
    "raw → asyncio-ts / asyncio-ts → raw: one end of each, to tell the reader's cost from the writer's",
    "cpython: both ends CPython 3.13 asyncio, the same program (bench/py/bulk_peer.py)",
    "MiB/s = n ÷ time × 1000; CPU: user + system time of the sender and receiver processes during the run " +
      "(/proc, 10 ms ticks)",
  ],
});

if (import.meta.main) {
  await benchMain(bench);
  await stopServices();
}
