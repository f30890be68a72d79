// Summarise a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time, and the
// self time by file. Profile a benchmark's helper processes with BENCH_NODE_ARGS (bench/_proc.ts):
//
//   BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=.bench-out/prof" \
//     node --expose-gc bench/echo.bench.ts --child asyncio-ts --n 100000 --reps 3 --warmup 1
//   node bench/_cpuprofile.ts .bench-out/prof/CPU.*.cpuprofile [--top 25]
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./_harness.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  if (url === "") return "(native)";
  if (url.startsWith("file://")) return relative(ROOT, fileURLToPath(url));
  return url;
}

function summarise(file: string, top: number): void {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time per node: each sample's delta goes to the node it hit.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = profile.endTime - profile.startTime;
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    const name = `${frame.functionName || "(anonymous)"}  ${where(frame.url)}${frame.url === "" ? "" : `:${frame.lineNumber + 1}`}`;
    byFn.set(name, (byFn.get(name) ?? 0) + us);
    const f = where(frame.url);
    byFile.set(f, (byFile.get(f) ?? 0) + us);
  }
  // Total (inclusive) time per function: each sample counts once for every function on its stack.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (id: number): string | null => {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined || frame.url === "") return null;
    return `${frame.functionName || "(anonymous)"}  ${where(frame.url)}:${frame.lineNumber + 1}`;
  };
  const totalByFn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(at);
      if (name !== null && !seen.has(name)) {
        seen.add(name);
        totalByFn.set(name, (totalByFn.get(name) ?? 0) + us);
      }
    }
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(6)} ms`;
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms profiled`);
  console.log("  top functions by self time:");
  for (const [name, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${ms(us)} ${pct(us)}  ${name}`);
  console.log("  top JavaScript functions by total time (self + callees):");
  for (const [name, us] of [...totalByFn].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`  ${ms(us)} ${pct(us)}  ${name}`);
  console.log("  self time by file:");
  for (const [name, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`  ${ms(us)} ${pct(us)}  ${name}`);
}

const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
for (const file of args) summarise(file, top);
