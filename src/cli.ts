#!/usr/bin/env node
/**
 * `npx asyncio-ts [command]`: the package's command line, as `python -m asyncio`.
 *
 * - no command: a REPL whose inputs run as tasks on one running loop;
 * - `ps PID`, `pstree PID`: the tasks of a live process that opted in;
 * - `trace summary FILE`: what a trace timeline says;
 * - `worker --redis URL --queue NAME`: a worker for `asyncio-ts/bullmq`'s BullMQExecutor.
 *
 * Each command lives in its own module under tools/, loaded only when it is asked for.
 *
 * @module
 */

import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A command: gets its arguments, returns the exit status. */
export type Command = (args: string[]) => Promise<number>;

/**
 * The commands: a usage line each, and the module that runs it, imported only when it is asked for.
 * Each tool adds its entry here.
 */
const COMMANDS: Record<string, { usage: string; load: () => Promise<Command> }> = {
  repl: {
    usage: "asyncio-ts [repl]          a REPL whose inputs run as tasks on one running loop",
    load: async () => (await import("./tools/repl.ts")).main,
  },
  ps: {
    usage: "asyncio-ts ps PID          the tasks of a live process, a row per task and awaiter",
    load: async () => (await import("./tools/ps.ts")).ps,
  },
  pstree: {
    usage: "asyncio-ts pstree PID      the same as a tree of who awaits whom",
    load: async () => (await import("./tools/ps.ts")).pstree,
  },
  trace: {
    usage: "asyncio-ts trace summary FILE  the busiest tasks, longest steps and waits of a trace timeline",
    load: async () => (await import("./tools/trace-summary.ts")).main,
  },
  worker: {
    usage:
      "asyncio-ts worker --redis URL --queue NAME [--concurrency N] [--root DIR]  run BullMQExecutor jobs",
    load: async () => (await import("./tools/worker.ts")).main,
  },
};

/** The usage text: one line per command. */
export function usage(): string {
  return ["usage:", ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join("\n");
}

/** Run the command line `argv` (without node and the script); returns the exit status. */
export async function cli(argv: string[]): Promise<number> {
  const [name = "repl", ...rest] = argv;
  if (argv.length === 0 && !("repl" in COMMANDS)) {
    console.log(usage());
    return 0;
  }
  if (name === "-h" || name === "--help" || name === "help") {
    console.log(usage());
    return 0;
  }
  const entry = COMMANDS[name];
  if (entry === undefined) {
    console.error(`asyncio-ts: unknown command ${JSON.stringify(name)}\n${usage()}`);
    return 2;
  }
  return (await entry.load())(rest);
}

/** Whether this module is the program node was started with (through npm's bin link or not). */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await cli(process.argv.slice(2));
}
