// What test/conformance.test.ts (Node) and test/runtimes.test.ts (Bun, Deno) share: the scenario
// files of conformance/, its PENDING list, and running one program to collect what it printed.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CONFORMANCE_DIR = join(ROOT, "conformance");
const SCENARIO = /^\d+_[a-z0-9_]+$/;

/** How a program ended and what it printed. */
export interface ProgramRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The scenario names (`NN_name`) of conformance/ that have a file with extension `ext`, sorted. */
export function scenarioStems(ext: string): string[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((f) => f.endsWith(ext))
    .map((f) => f.slice(0, -ext.length))
    .filter((stem) => SCENARIO.test(stem))
    .sort();
}

/** conformance/PENDING: scenario name -> reason ("NN_name  # reason", one per line). */
export function readPending(): Map<string, string> {
  const pending = new Map<string, string>();
  const file = join(CONFORMANCE_DIR, "PENDING");
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

/** Run `bin args` in the repository root, killed by SIGKILL after `timeoutMs`; never rejects. */
export function runProgram(
  bin: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ProgramRun> {
  return new Promise((resolvePromise) => {
    execFile(
      bin,
      args,
      {
        cwd: ROOT,
        ...(options.env === undefined ? {} : { env: options.env }),
        timeout: options.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
      },
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
