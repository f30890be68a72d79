// The benchmark harness (DESIGN.md §8). A benchmark file defines its contenders with
// `defineBench`; the harness runs each contender in a fresh child process (Node with
// --expose-gc, or CPython 3.13 for the Python twin in bench/py/), with warm-up and
// repetitions timed by `process.hrtime.bigint()`, and reports medians with min–max, ratios to
// the raw-promise floor and to CPython, and PASS/MISS for the targets.
//
// Run one benchmark file:  node bench/spawn.bench.ts [--reps N] [--quick]
// Run them all:            npm run bench [-- --reps N] [--quick] [name ...]
//
// Benchmarks are never timed tests: nothing here fails a build.

import { execFile, execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const OUT_DIR = join(ROOT, ".bench-out");

/** The contender every ratio's "raw floor" refers to, and the Python twin's name. */
export const RAW = "raw";
export const CPYTHON = "cpython";
/** The floor of the design (bench/_floor-c3.ts): its column shows this ÷ c3 where it runs. */
export const FLOOR = "c3";
/** The contender the targets are checked on. */
export const SUBJECT = "asyncio-ts";

const PYTHON_VERSION = "3.13.0";
const CHILD_TIMEOUT_MS = 180_000;

/** One repetition's measurements, by metric key (milliseconds, bytes...). */
export type Metrics = Record<string, number>;

/** Runs one repetition of the job with size `n` and returns its measurements. */
export type Contender = (n: number) => Promise<Metrics>;

export interface MetricSpec {
  key: string;
  /** What the metric is, for the table. */
  label: string;
  unit: "ms" | "B";
  /**
   * How the metric grows with n, for ratios between runs of different sizes (a capped slow
   * contender): "linear" compares value ÷ n, "per-item" compares values as they are (already
   * divided by n), "none" gives no ratio. Default "linear".
   */
  scaling?: "linear" | "per-item" | "none";
  /**
   * "ratio" (default), or "difference" for figures near zero (lateness): the ÷raw column then
   * shows this − raw, and the CPython column is left empty.
   */
  compare?: "ratio" | "difference";
}

/**
 * A target from the issue, checked on the `asyncio-ts` contender's medians:
 * - `faster`: `vs` ÷ subject ≥ `factor` (the subject is `factor` times faster),
 * - `within`: subject ÷ `vs` ≤ `factor`,
 * - `plus`: subject ≤ `vs` + `amount` (in the metric's unit),
 * - `max`: subject ≤ `amount`.
 */
export type Target =
  | { text: string; metric: string; kind: "faster" | "within"; vs: string; factor: number }
  | { text: string; metric: string; kind: "plus"; vs: string; amount: number }
  | { text: string; metric: string; kind: "max"; amount: number };

export interface BenchSpec {
  /** Short name: the file is bench/<name>.bench.ts, the twin bench/py/<name>.py. */
  name: string;
  /** One line: what is measured, with `{n}` standing for the size. */
  title: string;
  /** Size of the default run, and of `--quick`. */
  n: number;
  quickN: number;
  metrics: MetricSpec[];
  /** The JavaScript contenders, by name (`asyncio-ts`, `raw`, `effection`, ...). */
  contenders: Record<string, Contender>;
  /** True when bench/py/<name>.py exists. */
  python: boolean;
  targets?: Target[];
  /** Footnotes printed under the table. */
  notes?: string[];
  /** Warm-up repetitions before the measured ones, the same for every JavaScript contender (default 1; `--quick`: 0). */
  warmup?: number;
  /**
   * Caps for slow contenders that no target depends on (effection takes 10–40 s per repetition
   * at n = 100k): at most this many repetitions and warm-ups, and a smaller n.
   */
  limits?: Record<string, { reps?: number; warmup?: number; n?: number }>;
}

export interface Options {
  reps: number;
  quick: boolean;
  /** Optional contender filter (names). */
  only: string[] | null;
  /** Each contender's repetitions in one process, one contender after the other (not round-robin). */
  sequential: boolean;
  /** The runtime of the JavaScript contenders' processes (CPython's are CPython's). */
  runtime: Runtime;
  /**
   * Another checkout of the project: its asyncio-ts runs too, as the contender `asyncio-ts@before`
   * (its own bench/ and src/), round-robin with the others: a before/after in one run.
   */
  baseline: string | null;
}

/** The contender `--baseline DIR` adds: asyncio-ts as built in DIR. */
export const BEFORE = "asyncio-ts@before";

/** Where the JavaScript contenders run: this Node, or the `bun` and `deno` devDependencies. */
export type Runtime = "node" | "bun" | "deno";
const RUNTIMES: readonly Runtime[] = ["node", "bun", "deno"];

/** The command that runs `file` with `args` on `runtime`, with a `gc()` the harness can call. */
function runtimeCommand(runtime: Runtime, file: string, args: readonly string[]): [string, string[]] {
  const bin = (name: string): string => join(ROOT, "node_modules", ".bin", name);
  if (runtime === "bun") return [bin("bun"), [file, ...args]];
  if (runtime === "deno") return [bin("deno"), ["run", "-A", "--v8-flags=--expose-gc", file, ...args]];
  return [process.execPath, ["--expose-gc", file, ...args]];
}

/** The version of `runtime` the contenders run on, e.g. `Bun 1.4.5`. */
export function runtimeVersion(runtime: Runtime): string {
  if (runtime === "node") return `Node ${process.version}`;
  const [file] = runtimeCommand(runtime, "", []);
  const out = execFileSync(file, ["--version"], { encoding: "utf8" });
  const version = /\d+\.\d+\.\d+/.exec(out)?.[0] ?? out.trim();
  return `${runtime === "bun" ? "Bun" : "Deno"} ${version}`;
}

/** The summary of one contender's samples of one metric. */
export interface Result {
  bench: string;
  contender: string;
  metric: string;
  unit: string;
  n: number;
  reps: number;
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export interface BenchOutcome {
  spec: BenchSpec;
  n: number;
  results: Result[];
  /** Contenders that did not run, with why. */
  skipped: { contender: string; why: string }[];
  targets: TargetOutcome[];
}

export interface TargetOutcome {
  bench: string;
  text: string;
  /** The measured figure, as text. */
  value: string;
  pass: boolean | null;
}

export function defineBench(spec: BenchSpec): BenchSpec {
  return spec;
}

// ---- timing helpers for the contenders -------------------------------------------------------

/** Milliseconds since `t0` (a `process.hrtime.bigint()` reading). */
export function msSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function now(): bigint {
  return process.hrtime.bigint();
}

/** Collect garbage if the process runs with --expose-gc (the harness always passes it). */
export function collect(): void {
  const bun = (globalThis as { Bun?: { gc(sync: boolean): void } }).Bun;
  if (bun !== undefined) {
    bun.gc(true);
    return;
  }
  if (typeof gc === "function") {
    gc();
    gc();
  }
}

/** Heap bytes in use after a full collection. Requires --expose-gc. */
export function heapUsedAfterGc(): number {
  const bun = (globalThis as { Bun?: unknown }).Bun !== undefined;
  if (!bun && typeof gc !== "function") throw new Error("run with --expose-gc to measure heap bytes");
  collect();
  return process.memoryUsage().heapUsed;
}

/** The p-th percentile (0–100) of `xs`, by nearest rank on a sorted copy. */
export function percentile(xs: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(xs).sort();
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] ?? Number.NaN) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

// ---- options ----------------------------------------------------------------------------------

/** Parse `--reps N`, `--quick`, `--only a,b` and the positional names out of argv. */
export function parseArgs(argv: readonly string[]): { options: Options; names: string[] } {
  let reps: number | null = null;
  let quick = false;
  let only: string[] | null = null;
  let sequential = false;
  let runtime: Runtime = "node";
  let baseline: string | null = null;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--quick") quick = true;
    else if (arg === "--sequential") sequential = true;
    else if (arg === "--reps") reps = Number(argv[++i]);
    else if (arg.startsWith("--reps=")) reps = Number(arg.slice(7));
    else if (arg === "--runtime" || arg.startsWith("--runtime=")) {
      const value = arg === "--runtime" ? argv[++i] : arg.slice("--runtime=".length);
      if (!RUNTIMES.includes(value as Runtime)) {
        throw new Error(`--runtime takes ${RUNTIMES.join(", ")}, not ${String(value)}`);
      }
      runtime = value as Runtime;
    } else if (arg === "--baseline" || arg.startsWith("--baseline=")) {
      const value = arg === "--baseline" ? argv[++i] : arg.slice("--baseline=".length);
      if (value === undefined || value === "" || !existsSync(join(value, "bench", "_harness.ts"))) {
        throw new Error(`--baseline takes a checkout of asyncio-ts (with bench/), not ${String(value)}`);
      }
      baseline = resolve(value);
    } else if (arg === "--only") only = (argv[++i] ?? "").split(",");
    else if (arg.startsWith("--only=")) only = arg.slice(7).split(",");
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else names.push(arg);
  }
  if (reps !== null && (!Number.isInteger(reps) || reps < 1))
    throw new Error("--reps needs a positive integer");
  return { options: { reps: reps ?? (quick ? 1 : 5), quick, only, sequential, runtime, baseline }, names };
}

// ---- the child side ---------------------------------------------------------------------------

const RESULT_PREFIX = "RESULT ";

interface ChildReport {
  contender: string;
  n: number;
  samples: Record<string, number[]>;
}

async function runChild(spec: BenchSpec, argv: readonly string[]): Promise<void> {
  const arg = (flag: string): string => {
    const i = argv.indexOf(flag);
    const value = argv[i + 1];
    if (i < 0 || value === undefined) throw new Error(`child needs ${flag}`);
    return value;
  };
  const name = arg("--child");
  const n = Number(arg("--n"));
  const reps = Number(arg("--reps"));
  const warmup = Number(arg("--warmup"));
  const contender = spec.contenders[name];
  if (contender === undefined) throw new Error(`${spec.name}: no contender ${name}`);
  for (let i = 0; i < warmup; i++) {
    collect();
    await contender(n);
  }
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < reps; i++) {
    collect();
    const m = await contender(n);
    for (const [key, value] of Object.entries(m)) (samples[key] ??= []).push(value);
  }
  const report: ChildReport = { contender: name, n, samples };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(report) + "\n");
}

// ---- the parent side --------------------------------------------------------------------------

interface ChildOutcome {
  report: ChildReport | null;
  why: string;
}

function runProcess(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  return new Promise((resolvePromise) => {
    execFile(
      file,
      args,
      {
        cwd: ROOT,
        env: env ?? process.env,
        timeout: CHILD_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
        if (error !== null || line === undefined) {
          const tail = stderr.trim().split("\n").slice(-3).join(" | ");
          const why = error?.killed === true ? `timed out after ${CHILD_TIMEOUT_MS / 1000} s` : tail;
          resolvePromise({ report: null, why: why === "" ? "no result printed" : why });
          return;
        }
        resolvePromise({ report: JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildReport, why: "" });
      },
    );
  });
}

function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYENV_VERSION: PYTHON_VERSION };
  delete env.PYTHONASYNCIODEBUG;
  delete env.PYTHONDEVMODE;
  return env;
}

let pythonChecked: string | null | undefined;

/** The version string of CPython 3.13 if `python3` runs it with PYENV_VERSION set, else null. */
export function pythonAvailable(): string | null {
  if (pythonChecked !== undefined) return pythonChecked;
  try {
    const out = execFileSync("python3", ["--version"], { env: pythonEnv(), encoding: "utf8", stdio: "pipe" });
    pythonChecked = /^Python 3\.13\.\d+/.test(out.trim()) ? out.trim() : null;
  } catch {
    pythonChecked = null;
  }
  return pythonChecked;
}

function contenderNames(spec: BenchSpec, options: Options): string[] {
  const names = [...Object.keys(spec.contenders)];
  if (options.baseline !== null && names.includes("asyncio-ts")) names.splice(1, 0, BEFORE);
  if (spec.python) names.push(CPYTHON);
  return options.only === null ? names : names.filter((c) => options.only?.includes(c) === true);
}

/** Run every contender of `spec` (each in its own child process), one after the other. */
export async function runBench(spec: BenchSpec, options: Options): Promise<BenchOutcome> {
  const benchN = options.quick ? spec.quickN : spec.n;
  const skipped: { contender: string; why: string }[] = [];
  // Round-robin: each round runs every contender once (a fresh process: its warm-up, then one
  // measured repetition), in an order that rotates, so that the machine's load at any moment hits
  // all contenders alike instead of deciding their ratio. --sequential runs each contender's
  // repetitions in one process, one contender after the other (faster, noisier ratios).
  interface Plan {
    contender: string;
    n: number;
    reps: number;
    warmup: number;
    samples: Map<string, number[]>;
    seconds: number;
  }
  const plans: Plan[] = contenderNames(spec, options).map((contender) => {
    const limit = spec.limits?.[contender === BEFORE ? "asyncio-ts" : contender];
    // CPython has no JIT to warm up; its repetitions are the slowest, so it gets none.
    const defaultWarmup = options.quick || contender === CPYTHON ? 0 : (spec.warmup ?? 1);
    return {
      contender,
      n: Math.min(benchN, limit?.n ?? Infinity),
      reps: Math.min(options.reps, limit?.reps ?? Infinity),
      warmup: Math.min(defaultWarmup, limit?.warmup ?? Infinity),
      samples: new Map(),
      seconds: 0,
    };
  });
  const rounds = options.sequential ? 1 : Math.max(1, ...plans.map((p) => p.reps));
  let live = plans.filter((p) => {
    if (p.contender !== CPYTHON || pythonAvailable() !== null) return true;
    skipped.push({
      contender: p.contender,
      why: `CPython ${PYTHON_VERSION} not installed (PYENV_VERSION=${PYTHON_VERSION})`,
    });
    return false;
  });
  for (let round = 0; round < rounds; round++) {
    const order = live.filter((p) => options.sequential || round < p.reps);
    for (let k = 0; k < order.length; k++) {
      const plan = order[(k + round) % order.length] as Plan;
      const reps = options.sequential ? plan.reps : 1;
      const common = ["--n", String(plan.n), "--reps", String(reps), "--warmup", String(plan.warmup)];
      const t0 = now();
      const outcome: ChildOutcome =
        plan.contender === CPYTHON
          ? await runProcess(
              "python3",
              [join(ROOT, "bench", "py", `${spec.name}.py`), ...common],
              pythonEnv(),
            )
          : await runProcess(
              ...runtimeCommand(
                options.runtime,
                join(
                  plan.contender === BEFORE ? (options.baseline ?? ROOT) : ROOT,
                  "bench",
                  `${spec.name}.bench.ts`,
                ),
                ["--child", plan.contender === BEFORE ? "asyncio-ts" : plan.contender, ...common],
              ),
            );
      plan.seconds += msSince(t0) / 1000;
      if (outcome.report === null) {
        skipped.push({ contender: plan.contender, why: outcome.why });
        live = live.filter((p) => p !== plan);
        continue;
      }
      for (const [key, values] of Object.entries(outcome.report.samples)) {
        const got = plan.samples.get(key) ?? [];
        got.push(...values);
        plan.samples.set(key, got);
      }
    }
    process.stderr.write(
      `  ${spec.name}: round ${round + 1}/${rounds} (${order.map((p) => p.contender).join(", ")})\n`,
    );
  }
  const results: Result[] = [];
  for (const plan of live) {
    for (const metric of spec.metrics) {
      const samples = plan.samples.get(metric.key);
      if (samples === undefined || samples.length === 0) continue;
      results.push({
        bench: spec.name,
        contender: plan.contender,
        metric: metric.key,
        unit: metric.unit,
        n: plan.n,
        reps: samples.length,
        median: median(samples),
        min: Math.min(...samples),
        max: Math.max(...samples),
        samples,
      });
    }
  }
  const outcome: BenchOutcome = { spec, n: benchN, results, skipped, targets: [] };
  outcome.targets = checkTargets(outcome);
  return outcome;
}

function resultOf(outcome: BenchOutcome, contender: string, metric: string): Result | undefined {
  return outcome.results.find((r) => r.contender === contender && r.metric === metric);
}

function medianOf(outcome: BenchOutcome, contender: string, metric: string): number | undefined {
  return resultOf(outcome, contender, metric)?.median;
}

/** `a.median ÷ b.median`, corrected for different sizes as the metric's scaling says. */
function ratioOf(a: Result, b: Result | undefined, scaling: MetricSpec["scaling"]): number | undefined {
  if (b === undefined) return undefined;
  if (a.n === b.n || scaling === "per-item") return a.median / b.median;
  if (scaling === "none") return undefined;
  return a.median / a.n / (b.median / b.n);
}

function checkTargets(outcome: BenchOutcome): TargetOutcome[] {
  const out: TargetOutcome[] = [];
  for (const t of outcome.spec.targets ?? []) {
    const subject = medianOf(outcome, SUBJECT, t.metric);
    const unit = outcome.spec.metrics.find((m) => m.key === t.metric)?.unit ?? "";
    const base = { bench: outcome.spec.name, text: t.text };
    if (subject === undefined) {
      out.push({ ...base, value: `no ${SUBJECT} figure`, pass: null });
      continue;
    }
    if (t.kind === "max") {
      out.push({
        ...base,
        value: `${fmt(subject, unit)} (limit ${fmt(t.amount, unit)})`,
        pass: subject <= t.amount,
      });
      continue;
    }
    const other = medianOf(outcome, t.vs, t.metric);
    if (other === undefined) {
      out.push({ ...base, value: `no ${t.vs} figure`, pass: null });
      continue;
    }
    switch (t.kind) {
      case "faster": {
        const ratio = other / subject;
        out.push({ ...base, value: `${ratio.toFixed(2)}x faster than ${t.vs}`, pass: ratio >= t.factor });
        break;
      }
      case "within": {
        const ratio = subject / other;
        out.push({ ...base, value: `${ratio.toFixed(2)}x ${t.vs}`, pass: ratio <= t.factor });
        break;
      }
      case "plus": {
        out.push({
          ...base,
          value: `${fmt(subject, unit)} vs ${t.vs} ${fmt(other, unit)} + ${fmt(t.amount, unit)}`,
          pass: subject <= other + t.amount,
        });
        break;
      }
    }
  }
  return out;
}

// ---- printing ---------------------------------------------------------------------------------

export function fmt(x: number, unit: string): string {
  if (!Number.isFinite(x)) return String(x);
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return `${x.toFixed(digits)} ${unit}`;
}

function ratio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "-";
  return `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)}x`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 || i === 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * The human table of one benchmark: medians (min–max), ÷raw (this ÷ raw: 1.00x is the floor),
 * ÷c3 (this ÷ the c3 floor of the design, when it runs) and CPy÷ (CPython ÷ this: how many times
 * faster, or leaner, than CPython).
 */
export function formatOutcome(outcome: BenchOutcome): string {
  const { spec } = outcome;
  const lines = [`${spec.name}: ${spec.title.replace("{n}", outcome.n.toLocaleString("en-US"))}  (medians)`];
  const withFloor = outcome.results.some((r) => r.contender === FLOOR);
  const withBefore = outcome.results.some((r) => r.contender === BEFORE);
  const rows = [
    [
      "contender",
      "metric",
      "median",
      "(min–max)",
      "reps",
      "÷raw",
      ...(withFloor ? ["÷c3"] : []),
      "CPy÷",
      ...(withBefore ? ["÷before"] : []),
    ],
  ];
  let scaled = false;
  for (const metric of spec.metrics) {
    const raw = resultOf(outcome, RAW, metric.key);
    const floor = resultOf(outcome, FLOOR, metric.key);
    const floorCell = (r: Result): string[] =>
      withFloor ? [floor === undefined ? "-" : ratio(ratioOf(r, floor, metric.scaling))] : [];
    const cpy = resultOf(outcome, CPYTHON, metric.key);
    const before = resultOf(outcome, BEFORE, metric.key);
    const beforeCell = (r: Result): string[] =>
      withBefore ? [r.contender === "asyncio-ts" ? ratio(ratioOf(r, before, metric.scaling)) : ""] : [];
    for (const r of outcome.results.filter((x) => x.metric === metric.key)) {
      const mark = r.n === outcome.n ? "" : "*";
      if (mark !== "") scaled = true;
      const vsCpy = cpy === undefined ? undefined : ratioOf(cpy, r, metric.scaling);
      if (metric.compare === "difference") {
        const comparable = raw !== undefined && (raw.n === r.n || metric.scaling === "per-item");
        const diff = comparable ? r.median - raw.median : undefined;
        rows.push([
          r.n === outcome.n ? r.contender : `${r.contender} (n=${r.n.toLocaleString("en-US")})`,
          metric.label,
          fmt(r.median, r.unit),
          `(${fmt(r.min, "").trim()}–${fmt(r.max, "").trim()})`,
          String(r.reps),
          diff === undefined ? "-" : `${diff >= 0 ? "+" : "−"}${fmt(Math.abs(diff), r.unit)}`,
          ...floorCell(r),
          "",
          ...beforeCell(r),
        ]);
        continue;
      }
      rows.push([
        r.n === outcome.n ? r.contender : `${r.contender} (n=${r.n.toLocaleString("en-US")})`,
        metric.label,
        fmt(r.median, r.unit),
        `(${fmt(r.min, "").trim()}–${fmt(r.max, "").trim()})`,
        String(r.reps),
        ratio(ratioOf(r, raw, metric.scaling)) + (raw !== undefined && r.n !== raw.n ? mark : ""),
        ...floorCell(r),
        ratio(vsCpy) + (cpy !== undefined && r.n !== cpy.n ? mark : ""),
        ...beforeCell(r),
      ]);
    }
  }
  lines.push(table(rows));
  if (scaled) lines.push("  *: a capped contender ran at a smaller n; its time ratios compare time per item");
  for (const s of outcome.skipped) lines.push(`  skipped ${s.contender}: ${s.why}`);
  for (const note of spec.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join("\n");
}

export function formatTargets(targets: readonly TargetOutcome[]): string {
  const rows = [["benchmark", "target", "measured", "result"]];
  for (const t of targets)
    rows.push([t.bench, t.text, t.value, t.pass === null ? "N/A" : t.pass ? "PASS" : "MISS"]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** Write `.bench-out/results.jsonl` (one line per result) and `.bench-out/results.json`. */
export function writeResults(outcomes: readonly BenchOutcome[], options: Options): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const jsonl = join(OUT_DIR, "results.jsonl");
  writeFileSync(jsonl, "");
  for (const o of outcomes) for (const r of o.results) appendFileSync(jsonl, JSON.stringify(r) + "\n");
  const json = join(OUT_DIR, "results.json");
  writeFileSync(
    json,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        python: pythonAvailable(),
        reps: options.reps,
        quick: options.quick,
        results: outcomes.flatMap((o) => o.results),
        skipped: outcomes.flatMap((o) => o.skipped.map((s) => ({ bench: o.spec.name, ...s }))),
        targets: outcomes.flatMap((o) => o.targets),
      },
      null,
      2,
    ) + "\n",
  );
  return json;
}

/**
 * The entry point of a benchmark file: as a child (`--child NAME`) run one contender and print
 * its samples; run directly, run every contender and print the table.
 */
export async function benchMain(spec: BenchSpec): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--child")) {
    await runChild(spec, argv);
    return;
  }
  const { options } = parseArgs(argv);
  const outcome = await runBench(spec, options);
  console.log(formatOutcome(outcome));
  if (outcome.targets.length > 0) console.log("\n" + formatTargets(outcome.targets));
  writeResults([outcome], options);
}
