// Conformance against CPython 3.13 (DESIGN.md section 7): every conformance/NN_name.ts twin must print exactly
// what CPython printed for conformance/NN_name.py, as recorded in conformance/NN_name.out by
// scripts/conformance-regen.ts. Scenarios without a twin yet are listed in conformance/PENDING
// ("NN_name  # reason", one per line) and reported as skipped.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CONFORMANCE_DIR as DIR,
  type ProgramRun as TwinRun,
  readPending,
  runProgram,
  scenarioStems as stems,
} from "./helpers/conformance.ts";

const TWIN_TIMEOUT_MS = 20_000;

function runTwin(file: string): Promise<TwinRun> {
  return runProgram(process.execPath, [file], { timeoutMs: TWIN_TIMEOUT_MS });
}

function firstDifference(actual: string, expected: string): string {
  const a = actual.split("\n");
  const e = expected.split("\n");
  for (let i = 0; i < Math.max(a.length, e.length); i++) {
    if (a[i] !== e[i]) {
      return `first difference at line ${String(i + 1)}:\n  CPython:    ${JSON.stringify(e[i] ?? "<end of output>")}\n  TypeScript: ${JSON.stringify(a[i] ?? "<end of output>")}`;
    }
  }
  return "outputs differ";
}

const pythonScenarios = stems(".py");
const twins = new Set(stems(".ts"));
const outputs = new Set(stems(".out"));
const pending = readPending();

describe("conformance with CPython 3.13", { concurrency: 2 }, () => {
  it("every scenario has a .out, and a .ts twin unless listed in conformance/PENDING", () => {
    const problems: string[] = [];
    const missingOut = pythonScenarios.filter((s) => !outputs.has(s));
    if (missingOut.length > 0) {
      problems.push(
        `no .out (run \`node scripts/conformance-regen.ts\` where CPython 3.13 is installed): ${missingOut.join(", ")}`,
      );
    }
    const missingTwin = pythonScenarios.filter((s) => !twins.has(s) && !pending.has(s));
    if (missingTwin.length > 0) {
      problems.push(`no .ts twin and not listed in conformance/PENDING: ${missingTwin.join(", ")}`);
    }
    const stale = [...pending.keys()].filter((s) => twins.has(s));
    if (stale.length > 0)
      problems.push(`listed in conformance/PENDING but the twin exists: ${stale.join(", ")}`);
    const unknown = [...pending.keys()].filter((s) => !pythonScenarios.includes(s));
    if (unknown.length > 0)
      problems.push(`listed in conformance/PENDING but there is no .py: ${unknown.join(", ")}`);
    const orphans = [...twins].filter((s) => !pythonScenarios.includes(s));
    if (orphans.length > 0) problems.push(`twin without a .py scenario: ${orphans.join(", ")}`);
    assert.deepEqual(problems, [], problems.join("\n"));
  });

  for (const scenario of pythonScenarios) {
    const reason = pending.get(scenario);
    if (reason !== undefined && !twins.has(scenario)) {
      it(scenario, (t) => {
        t.skip(reason);
      });
      continue;
    }
    if (!twins.has(scenario) || !outputs.has(scenario)) continue;
    it(scenario, async () => {
      const expected = readFileSync(join(DIR, `${scenario}.out`), "utf8");
      const run = await runTwin(join("conformance", `${scenario}.ts`));
      assert.equal(
        run.signal,
        null,
        `conformance/${scenario}.ts was killed by ${String(run.signal)} (timeout?)`,
      );
      const stderr = run.stderr === "" ? "" : `\nstderr:\n${run.stderr}`;
      assert.equal(
        run.stdout,
        expected,
        `conformance/${scenario}.ts vs ${scenario}.out: ${firstDifference(run.stdout, expected)}${stderr}`,
      );
      assert.equal(run.stderr, "", `conformance/${scenario}.ts wrote to stderr`);
      assert.equal(run.code, 0, `conformance/${scenario}.ts exited with ${String(run.code)}`);
    });
  }
});
