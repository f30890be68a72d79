// A fuzz test of the stream parser (issue 13, Proof): the same byte stream, cut into random chunks
// (fed to a StreamReader, and written over a real 127.0.0.1 socket with random write sizes), gives
// the same readline/readuntil/readexactly/read results, checked against a model of CPython 3.13's
// streams.py that sees the stream whole. read(n) may return fewer than n bytes (what is buffered):
// the model accepts any non-empty prefix of at most n bytes and follows it. Bounded iterations; the
// seed is printed on failure (rerun with FUZZ_SEED=<seed>).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { HOST, runNet } from "./helpers/net.ts";

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED =
  process.env.FUZZ_SEED === undefined
    ? (Date.now() ^ (process.pid << 8)) >>> 0
    : Number(process.env.FUZZ_SEED);

type Sep = string | readonly string[];
type Op =
  | { kind: "readline" }
  | { kind: "readuntil"; sep: Sep }
  | { kind: "readexactly"; n: number }
  | { kind: "read"; n: number };

/** What an operation gave: the bytes, or an IncompleteReadError's partial and expected. */
type Outcome = { ok: string } | { incomplete: string; expected: number | null };

const SEPS: readonly Sep[] = ["\n", "XY", "\r\n", ["XY", "\n"], ["\n", "ab"]];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

/** A stream over a small alphabet, so that separators are frequent, with some arbitrary bytes. */
function makeStream(rand: () => number): Buffer {
  const length = Math.floor(rand() * 400);
  const bytes = Buffer.alloc(length);
  const alphabet = Buffer.from("ab\nXY\r c");
  for (let i = 0; i < length; i++) {
    bytes[i] =
      rand() < 0.9 ? (alphabet[Math.floor(rand() * alphabet.length)] as number) : Math.floor(rand() * 256);
  }
  return bytes;
}

function makeScript(rand: () => number): Op[] {
  const ops: Op[] = [];
  const count = 1 + Math.floor(rand() * 40);
  for (let i = 0; i < count; i++) {
    const r = rand();
    if (r < 0.3) ops.push({ kind: "readline" });
    else if (r < 0.55) ops.push({ kind: "readuntil", sep: pick(rand, SEPS) });
    else if (r < 0.8) ops.push({ kind: "readexactly", n: Math.floor(rand() * 25) });
    else ops.push({ kind: "read", n: 1 + Math.floor(rand() * 25) });
  }
  // The rest, to EOF.
  ops.push({ kind: "read", n: -1 });
  return ops;
}

/** Random cuts of `data`: chunks of 0..max bytes (max itself random per stream). */
function makeChunks(rand: () => number, data: Buffer): Buffer[] {
  const max = pick(rand, [1, 2, 3, 7, 17, 64, 512]);
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length;) {
    const size = Math.min(data.length - at, Math.floor(rand() * (max + 1)));
    chunks.push(data.subarray(at, at + size));
    at += size;
  }
  return chunks;
}

/** CPython 3.13 streams.py on the whole stream, from `pos`: the outcome and the new position. */
function model(data: Buffer, pos: number, op: Op, got: Outcome): [Outcome, number] {
  const rest = data.length - pos;
  const text = (from: number, to: number): string => data.subarray(from, to).toString("latin1");
  switch (op.kind) {
    case "readline":
    case "readuntil": {
      const seps = op.kind === "readline" ? ["\n"] : typeof op.sep === "string" ? [op.sep] : op.sep;
      // The separator whose match ends first (ties: the first listed), as readuntil() finds it.
      let end = -1;
      for (const sep of seps) {
        const at = data.indexOf(sep, pos, "latin1");
        if (at !== -1 && (end === -1 || at + sep.length < end)) end = at + sep.length;
      }
      if (end !== -1) return [{ ok: text(pos, end) }, end];
      // readline() returns the partial line at EOF; readuntil() raises with it. Both clear the buffer.
      if (op.kind === "readline") return [{ ok: text(pos, data.length) }, data.length];
      return [{ incomplete: text(pos, data.length), expected: null }, data.length];
    }
    case "readexactly":
      if (rest >= op.n) return [{ ok: text(pos, pos + op.n) }, pos + op.n];
      return [{ incomplete: text(pos, data.length), expected: op.n }, data.length];
    case "read": {
      if (op.n === -1) return [{ ok: text(pos, data.length) }, data.length];
      // Up to n bytes of what is buffered: any non-empty prefix (empty only at EOF) is right.
      const k = "ok" in got ? got.ok.length : -1;
      if (rest === 0) return [{ ok: "" }, pos];
      if (k >= 1 && k <= Math.min(op.n, rest)) return [{ ok: text(pos, pos + k) }, pos + k];
      return [{ ok: `<1..${Math.min(op.n, rest)} bytes of ${JSON.stringify(text(pos, pos + op.n))}>` }, pos];
    }
  }
}

async function run(reader: asyncio.StreamReader, op: Op): Promise<Outcome> {
  try {
    let data: Buffer;
    if (op.kind === "readline") data = await reader.readline();
    else if (op.kind === "readuntil") data = await reader.readuntil(op.sep);
    else if (op.kind === "readexactly") data = await reader.readexactly(op.n);
    else data = await reader.read(op.n);
    return { ok: data.toString("latin1") };
  } catch (e) {
    if (e instanceof asyncio.IncompleteReadError) {
      return { incomplete: Buffer.from(e.partial).toString("latin1"), expected: e.expected };
    }
    throw e;
  }
}

/** Run `script` on `reader` and check each outcome against the model; returns the count of ops. */
async function check(reader: asyncio.StreamReader, data: Buffer, script: Op[], where: string): Promise<void> {
  let pos = 0;
  for (const [i, op] of script.entries()) {
    const got = await run(reader, op);
    const [expected, next] = model(data, pos, op, got);
    assert.deepEqual(
      got,
      expected,
      `${where}: op ${i} ${JSON.stringify(op)} at byte ${pos} of ${JSON.stringify(data.toString("latin1"))}`,
    );
    pos = next;
  }
  assert.equal(pos, data.length, `${where}: the script ends at EOF`);
  assert.equal(reader.atEof(), true);
}

/** Run `body(rand)` for `iterations` seeds derived from SEED; a failure says which seed to rerun. */
async function fuzz(
  iterations: number,
  body: (rand: () => number, where: string) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < iterations; i++) {
    const seed = (SEED + i * 0x9e3779b9) >>> 0;
    try {
      await body(prng(seed), `iteration ${i}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new Error(
        `stream fuzz failed with FUZZ_SEED=${SEED} (iteration ${i}, seed ${seed}): ${message}`,
        {
          cause: e,
        },
      );
    }
  }
}

describe("the stream parser, fuzzed", () => {
  it("random chunks fed to a StreamReader give the model's results (300 streams)", () =>
    runVirtual(() =>
      fuzz(300, async (rand, where) => {
        const data = makeStream(rand);
        const script = makeScript(rand);
        const chunks = makeChunks(rand, data);
        const reader = new asyncio.StreamReader();
        // The feeder yields a random number of times between chunks, so reads wait mid-stream.
        const feeder = asyncio.createTask(async () => {
          for (const chunk of chunks) {
            reader.feedData(chunk);
            const yields = Math.floor(rand() * 3);
            for (let y = 0; y < yields; y++) await asyncio.sleep(0);
          }
          reader.feedEof();
        });
        await check(reader, data, script, where);
        await feeder;
      }),
    ));

  it("the same stream written over a 127.0.0.1 socket with random write sizes gives the model's results (25 streams)", () =>
    runNet(async () => {
      let job: { chunks: Buffer[]; rand: () => number } | null = null;
      const server = await asyncio.startServer(
        async (_reader, writer) => {
          const { chunks, rand } = job as NonNullable<typeof job>;
          for (const chunk of chunks) {
            writer.write(chunk);
            if (rand() < 0.3) await writer.drain();
            if (rand() < 0.3) await asyncio.sleep(0);
            if (rand() < 0.05) await asyncio.sleep(0.002);
          }
          writer.close();
          await writer.waitClosed();
        },
        HOST,
        0,
      );
      try {
        const name = server.sockets[0]?.getsockname() as [string, number];
        await fuzz(25, async (rand, where) => {
          // Longer streams, so that the kernel's segments cut them as well.
          const data = Buffer.concat([makeStream(rand), makeStream(rand), makeStream(rand)]);
          const script = makeScript(rand);
          job = { chunks: makeChunks(rand, data), rand };
          const [reader, writer] = await asyncio.openConnection(HOST, name[1]);
          try {
            await check(reader, data, script, where);
          } finally {
            writer.close();
            await writer.waitClosed();
          }
        });
      } finally {
        server.close();
        await server.waitClosed();
      }
    }));
});
