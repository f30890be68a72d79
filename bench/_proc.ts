// Helper processes of the I/O benchmarks (echo, bulk): a server or a client in a process of its
// own, so that no two contenders share an event loop. A service prints `READY <info>` when it is
// up, then answers each line written to its stdin with one line `OK <answer>` (or `ERR <why>`),
// and exits when its stdin ends.
//
// BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=.bench-out/prof") is passed to every Node
// service, to profile the servers and clients without touching the benchmark.

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { ROOT } from "./_harness.ts";

const PYTHON_VERSION = "3.13.0";

export interface Service {
  /** What the service printed after READY (a port, say). */
  readonly info: string;
  /** Send one request line; resolve with the answer after `OK `. */
  request(line: string): Promise<string>;
  /** The CPU time (user + system) the process has used so far, in ms; null off Linux. */
  cpuMs(): number | null;
}

/** The CPU time of process `pid` from /proc (Linux; clock ticks of 10 ms), or null. */
export function cpuMsOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    // Fields after the command name: state is [0], utime [11], stime [12].
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : null;
  } catch {
    return null;
  }
}

interface Running extends Service {
  stop(): Promise<void>;
}

const running = new Set<Running>();

function nodeArgs(): string[] {
  const extra = process.env.BENCH_NODE_ARGS ?? "";
  return extra.trim() === "" ? [] : extra.trim().split(/\s+/);
}

function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYENV_VERSION: PYTHON_VERSION };
  delete env.PYTHONASYNCIODEBUG;
  delete env.PYTHONDEVMODE;
  return env;
}

/** Start bench/<script> (a .ts file in Node, a .py file in CPython 3.13) and wait for READY. */
export function startService(script: string, args: readonly string[]): Promise<Service> {
  const file = join(ROOT, "bench", script);
  const child: ChildProcess = script.endsWith(".py")
    ? spawn("python3", [file, ...args], { cwd: ROOT, env: pythonEnv(), stdio: ["pipe", "pipe", "inherit"] })
    : spawn(process.execPath, [...nodeArgs(), file, ...args], {
        cwd: ROOT,
        stdio: ["pipe", "pipe", "inherit"],
      });
  const { stdin, stdout } = child;
  if (stdin === null || stdout === null) throw new Error("no stdio pipes");
  const pending: { resolve: (s: string) => void; reject: (e: Error) => void }[] = [];
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
  });
  return new Promise<Service>((resolveReady, rejectReady) => {
    let ready = false;
    const fail = (why: string): void => {
      const err = new Error(`${script} ${args.join(" ")}: ${why}`);
      if (!ready) rejectReady(err);
      for (const p of pending.splice(0)) p.reject(err);
    };
    child.once("error", (e) => {
      fail(e.message);
    });
    void exit.then(() => {
      fail(`exited with code ${String(child.exitCode)}`);
    });
    const lines = createInterface({ input: stdout });
    lines.on("line", (line) => {
      if (!ready) {
        if (!line.startsWith("READY")) return;
        ready = true;
        const service: Running = {
          info: line.slice("READY".length).trim(),
          cpuMs: () => cpuMsOf(child.pid),
          request: (req) =>
            new Promise<string>((resolve, reject) => {
              if (exited) {
                reject(new Error(`${script} has exited`));
                return;
              }
              pending.push({ resolve, reject });
              stdin.write(req + "\n");
            }),
          stop: async () => {
            running.delete(service);
            stdin.end();
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exit;
            clearTimeout(timer);
          },
        };
        running.add(service);
        resolveReady(service);
        return;
      }
      const p = pending.shift();
      if (p === undefined) return;
      if (line.startsWith("OK")) p.resolve(line.slice(2).trim());
      else p.reject(new Error(`${script}: ${line}`));
    });
  });
}

/** End every service (closing its stdin lets a profiled Node process write its profile). */
export async function stopServices(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

/**
 * The service side: print READY, answer each stdin line with `handle(line)`, one at a time, and
 * exit when stdin ends.
 */
export function serve(info: string, handle?: (line: string) => Promise<string>): void {
  process.stdout.write(`READY ${info}\n`);
  const lines = createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  lines.on("line", (line) => {
    chain = chain.then(async () => {
      try {
        const answer = handle === undefined ? "" : await handle(line);
        process.stdout.write(`OK ${answer}\n`);
      } catch (e) {
        process.stdout.write(
          `ERR ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`.replace(/\n/g, " | ") + "\n",
        );
      }
    });
  });
  lines.on("close", () => {
    void chain.then(() => process.exit(0));
  });
}

/** A contender helper: start `start()` once per process and reuse it for every repetition. */
export function once<T>(start: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | null = null;
  return () => (p ??= start());
}
