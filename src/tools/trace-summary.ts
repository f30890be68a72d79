/**
 * `npx asyncio-ts trace summary FILE`: what a trace timeline (src/trace.ts) says, as tables: the
 * busiest tasks (total step time), the longest steps, and the longest waits (the gaps between a
 * task's consecutive steps).
 *
 * Bad input (no file, unreadable, not JSON, not a trace) is one line on stderr and status 1.
 * @module
 */
import { readFileSync } from "node:fs";

const USAGE = "usage: asyncio-ts trace summary FILE [--top N]";
const DEFAULT_TOP = 10;

/** A task step read from the file. */
interface Step {
  key: string;
  task: string;
  id: string;
  n: number;
  ts: number;
  dur: number;
  note: string;
}

/** A failure to report in one line. */
class InputError extends Error {}

function fail(message: string): never {
  throw new InputError(message);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function readTrace(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") fail(`${file}: no such file`);
    if (code === "EISDIR") fail(`${file}: is a directory`);
    fail(`${file}: cannot read it (${(e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    fail(`${file}: not JSON (${(e as Error).message})`);
  }
  // Chrome's format is an object with a traceEvents array, or that array alone.
  const events = Array.isArray(data) ? data : isRecord(data) ? data.traceEvents : undefined;
  if (!Array.isArray(events)) fail(`${file}: not a trace (no traceEvents array)`);
  return events;
}

/** The task steps of the trace (`X` events of category `step`), and the tracks' names. */
function stepsOf(events: readonly unknown[], file: string): Step[] {
  const names = new Map<string, string>();
  const raw: { e: Record<string, unknown>; key: string }[] = [];
  for (const [index, e] of events.entries()) {
    if (!isRecord(e)) fail(`${file}: not a trace (event ${index} is not an object)`);
    const key = `${String(e.pid)}:${String(e.tid)}`;
    if (e.ph === "M" && e.name === "thread_name" && isRecord(e.args) && typeof e.args.name === "string")
      names.set(key, e.args.name);
    if (e.ph !== "X" || e.cat !== "step") continue;
    if (typeof e.ts !== "number" || typeof e.dur !== "number" || !Number.isFinite(e.ts + e.dur))
      fail(`${file}: not a trace (step event ${index} has no numeric ts and dur)`);
    raw.push({ e, key });
  }
  return raw.map(({ e, key }) => {
    const args = isRecord(e.args) ? e.args : {};
    const notes: string[] = [];
    if (args.slow === true) notes.push("slow");
    if (args.foreign === true) notes.push("foreign await");
    if (typeof args.outcome === "string" && args.outcome !== "result") notes.push(args.outcome);
    if (typeof args.exception === "string") notes.push(args.exception);
    return {
      key,
      task: typeof args.task === "string" ? args.task : (names.get(key) ?? key),
      id: typeof args.id === "string" ? args.id : "",
      n: typeof args.step === "number" ? args.step : 0,
      ts: e.ts as number,
      dur: e.dur as number,
      note: notes.join(", "),
    };
  });
}

/** Milliseconds from microseconds, three decimals. */
function ms(us: number): string {
  return (us / 1000).toFixed(3);
}

/** Columns padded to their widest cell: text to the left, numbers (`align` "r") to the right. */
function table(header: string[], rows: string[][], align: string): string {
  if (rows.length === 0) return "  (none)";
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  return all
    .map(
      (r) =>
        "  " +
        r
          .map((cell, i) => (align[i] === "r" ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}

/** The summary of `steps` as text (`origin`: the trace's first timestamp, in microseconds). */
export function summarize(file: string, steps: readonly Step[], origin: number, top: number): string {
  const byTask = new Map<string, Step[]>();
  for (const s of steps) {
    let list = byTask.get(s.key);
    if (list === undefined) byTask.set(s.key, (list = []));
    list.push(s);
  }
  const span = steps.length === 0 ? 0 : Math.max(...steps.map((s) => s.ts + s.dur)) - origin;
  const lines = [
    `${file}: ${steps.length} steps of ${byTask.size} tasks over ${ms(span)} ms` +
      ` (${steps.filter((s) => s.note.includes("slow")).length} slow)`,
    "",
    "Busiest tasks (total step time)",
  ];
  const busiest = [...byTask.values()]
    .map((list) => {
      const total = list.reduce((sum, s) => sum + s.dur, 0);
      const first = list[0] as Step;
      return { first, total, count: list.length, max: Math.max(...list.map((s) => s.dur)) };
    })
    .sort((a, b) => b.total - a.total || a.first.ts - b.first.ts)
    .slice(0, top);
  lines.push(
    table(
      ["task", "id", "steps", "total ms", "mean ms", "max ms"],
      busiest.map((b) => [
        b.first.task,
        b.first.id,
        String(b.count),
        ms(b.total),
        ms(b.total / b.count),
        ms(b.max),
      ]),
      "llrrrr",
    ),
  );
  lines.push("", "Longest steps");
  const longest = [...steps].sort((a, b) => b.dur - a.dur || a.ts - b.ts).slice(0, top);
  lines.push(
    table(
      ["task", "id", "step", "at ms", "duration ms", "note"],
      longest.map((s) => [s.task, s.id, String(s.n), ms(s.ts - origin), ms(s.dur), s.note]),
      "llrrrl",
    ),
  );
  lines.push("", "Longest waits (between a task's steps)");
  const waits: { s: Step; from: number; wait: number }[] = [];
  for (const list of byTask.values()) {
    list.sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1] as Step;
      const next = list[i] as Step;
      const end = prev.ts + prev.dur;
      waits.push({ s: prev, from: end, wait: Math.max(0, next.ts - end) });
    }
  }
  waits.sort((a, b) => b.wait - a.wait || a.from - b.from);
  lines.push(
    table(
      ["task", "id", "after step", "from ms", "wait ms"],
      waits.slice(0, top).map((w) => [w.s.task, w.s.id, String(w.s.n), ms(w.from - origin), ms(w.wait)]),
      "llrrr",
    ),
  );
  return lines.join("\n");
}

/** `asyncio-ts trace ARGS`: returns the exit status. */
export async function main(args: string[]): Promise<number> {
  try {
    const [sub, ...rest] = args;
    if (sub !== "summary")
      fail(
        sub === undefined
          ? `no subcommand (${USAGE})`
          : `unknown subcommand ${JSON.stringify(sub)} (${USAGE})`,
      );
    let top = DEFAULT_TOP;
    const files: string[] = [];
    for (let i = 0; i < rest.length; i++) {
      const arg = rest[i] as string;
      if (arg === "--top") {
        top = Number(rest[++i]);
        if (!Number.isInteger(top) || top < 1) fail(`--top needs a positive integer (${USAGE})`);
      } else if (arg.startsWith("-")) fail(`unknown option ${arg} (${USAGE})`);
      else files.push(arg);
    }
    const [file] = files;
    if (file === undefined) fail(`no file given (${USAGE})`);
    if (files.length > 1) fail(`one file at a time (${USAGE})`);
    const events = readTrace(file);
    const steps = stepsOf(events, file);
    let origin = Infinity;
    for (const e of events) {
      const ts = (e as { ts?: unknown }).ts;
      if (typeof ts === "number" && ts < origin) origin = ts;
    }
    process.stdout.write(summarize(file, steps, Number.isFinite(origin) ? origin : 0, top) + "\n");
    return await Promise.resolve(0);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    process.stderr.write(`asyncio-ts trace: ${e.message}\n`);
    return 1;
  }
}
