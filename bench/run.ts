// `npm run bench`: run every benchmark (or the ones named) side by side with the raw-promise
// floor, effection and CPython 3.13, print the tables and the targets with PASS/MISS,
// and write .bench-out/results.json (and results.jsonl, one line per result).
//
//   npm run bench                       all, 5 repetitions (medians)
//   npm run bench -- spawn switches     only these
//   npm run bench -- --reps 9           more repetitions
//   npm run bench -- --quick            smoke run: small n, 1 repetition
//   npm run bench -- --only asyncio-ts,raw   only these contenders
//   npm run bench -- --sequential       each contender's repetitions in one process, one contender
//                                       after the other (the default runs round-robin: each
//                                       round, every contender once, in a rotating order)
//   npm run bench -- --runtime bun      the JavaScript contenders on Bun (or deno; node is the
//                                       default): bun and deno are devDependencies
//   npm run bench -- --baseline DIR     also asyncio-ts as built in DIR (another checkout, its own
//                                       bench/ and src/), as the contender asyncio-ts@before

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type BenchOutcome,
  type BenchSpec,
  formatOutcome,
  formatTargets,
  msSince,
  now,
  parseArgs,
  pythonAvailable,
  ROOT,
  runBench,
  runtimeVersion,
  writeResults,
} from "./_harness.ts";

const { options, names } = parseArgs(process.argv.slice(2));
const dir = join(ROOT, "bench");
const all = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .map((f) => f.slice(0, -".bench.ts".length))
  .sort();
const unknown = names.filter((n) => !all.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; there are: ${all.join(", ")}`);
  process.exit(2);
}
const chosen = names.length === 0 ? all : all.filter((n) => names.includes(n));

console.log(
  `asyncio-ts benchmarks: ${runtimeVersion(options.runtime)}, ${pythonAvailable() ?? "no CPython 3.13"}, ` +
    `${options.quick ? "quick run, " : ""}up to ${options.reps} repetition(s) per contender`,
);
const t0 = now();
const outcomes: BenchOutcome[] = [];
for (const name of chosen) {
  const mod = (await import(pathToFileURL(join(dir, `${name}.bench.ts`)).href)) as { bench: BenchSpec };
  const outcome = await runBench(mod.bench, options);
  outcomes.push(outcome);
  console.log("\n" + formatOutcome(outcome));
}

const targets = outcomes.flatMap((o) => o.targets);
if (targets.length > 0) {
  console.log(
    `\nTargets (asyncio-ts medians, ${runtimeVersion(options.runtime)})` +
      (options.quick ? ": a --quick run is cold and small, not a verdict" : ":"),
  );
  console.log(formatTargets(targets));
  const passed = targets.filter((t) => t.pass === true).length;
  const missed = targets.filter((t) => t.pass === false).length;
  console.log(`${passed} PASS, ${missed} MISS, ${targets.length - passed - missed} N/A`);
}
const file = writeResults(outcomes, options);
console.log(`\nwrote ${file} (${(msSince(t0) / 1000).toFixed(0)} s)`);
