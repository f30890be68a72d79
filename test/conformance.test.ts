// Conformance against CPython 3.13 (DESIGN.md section 7): every conformance/NN_name.ts twin must print exactly
// what CPython printed for conformance/NN_name.py, as recorded in conformance/NN_name.out by
// scripts/conformance-regen.ts. Scenarios without a twin yet are listed in conformance/PENDING
// ("NN_name  # reason", one per line) and reported as skipped.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIR = join(ROOT, "conformance");
const TWIN_TIMEOUT_MS = 20_000;
const SCENARIO = /^\d+_[a-z0-9_]+$/;

interface TwinRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function stems(ext: string): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .filter((stem) => SCENARIO.test(stem))
    .sort();
}

/** conformance/PENDING: scenario name -> reason. */
function readPending(): Map<string, string> {
  const pending = new Map<string, string>();
  const file = join(DIR, "PENDING");
  if (!existsSync(file)) return pending;
  for (const raw of readFileSync(file, "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const hash = line.indexOf("#");
    const name = (hash === -1 ? line : line.slice(0, hash)).trim().replace(/\.(py|ts|out)$/, "");
    const reason = hash === -1 ? "" : line.slice(hash + 1).trim();
    pending.set(name, reason === "" ? "no twin yet" : reason);
  }
  return pending;
}

function runTwin(file: string): Promise<TwinRun> {
  return new Promise((resolvePromise) => {
    execFile(
      process.execPath,
      [file],
      { cwd: ROOT, timeout: TWIN_TIMEOUT_MS, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code: number | null = 0;
        let signal: NodeJS.Signals | null = null;
        if (error !== null) {
          code = typeof error.code === "number" ? error.code : null;
          signal = error.signal ?? null;
        }
        resolvePromise({ code, signal, stdout, stderr });
      },
    );
  });
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
