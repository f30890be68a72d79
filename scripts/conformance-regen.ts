// Regenerate conformance/<name>.out from conformance/<name>.py with CPython 3.13.
//
// Usage: node scripts/conformance-regen.ts [name ...]
//   With no names, every conformance/*.py is run. A name may be given as
//   `07_callback_exception_handler`, `07_callback_exception_handler.py` or a path.
//
// Each program runs twice (cwd = repo root, PYENV_VERSION=3.13.0); the script fails
// if the two runs differ, if a program exits non-zero or writes to stderr. The .out
// files are never edited by hand (docs: DESIGN.md section 7).
//
// The network pairs (aiohttp, websockets) need libraries CPython 3.13 has not got here: a
// program whose first lines hold the marker `# conformance: system-python` runs with Debian's
// /usr/bin/python3 (3.11) and its packages python3-aiohttp and python3-websockets
// (`apt-get install python3-aiohttp python3-websockets`). Everything else runs on 3.13.

import { readdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import {
  CONFORMANCE_DIR as DIR,
  type ProgramRun as RunResult,
  runProgram,
} from "../test/helpers/conformance.ts";

const PYTHON = "python3";
const PYTHON_VERSION = "3.13.0";
const SYSTEM_PYTHON = "/usr/bin/python3";
const SYSTEM_MARKER = /^# conformance: system-python\b/m;
const TIMEOUT_MS = 30_000;
const CONCURRENCY = 2;

function pythonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYENV_VERSION: PYTHON_VERSION, PYTHONIOENCODING: "utf-8" };
  // Debug and dev mode change asyncio's messages (handle reprs, slow-callback logs).
  delete env.PYTHONASYNCIODEBUG;
  delete env.PYTHONDEVMODE;
  delete env.PYTHONWARNINGS;
  return env;
}

function run(args: readonly string[], python = PYTHON): Promise<RunResult> {
  return runProgram(python, args, { timeoutMs: TIMEOUT_MS, env: pythonEnv() });
}

let systemChecked: Promise<void> | undefined;

/** The system Python and the network libraries the marked pairs import, checked once. */
function checkSystemPython(): Promise<void> {
  systemChecked ??= (async () => {
    const probe =
      "import sys, aiohttp, websockets; print(sys.version.split()[0], aiohttp.__version__, websockets.version.version)";
    const result = await run(["-c", probe], SYSTEM_PYTHON);
    if (result.code !== 0) {
      throw new Error(
        `the network pairs need ${SYSTEM_PYTHON} with aiohttp and websockets: ` +
          `\`apt-get install python3-aiohttp python3-websockets\` (${result.stderr.trim().split("\n").at(-1) ?? ""})`,
      );
    }
    const [python, aiohttp, websockets] = result.stdout.trim().split(" ");
    console.log(
      `network pairs use ${SYSTEM_PYTHON} ${python ?? "?"}, aiohttp ${aiohttp ?? "?"}, websockets ${websockets ?? "?"}`,
    );
  })();
  return systemChecked;
}

async function checkPython(): Promise<void> {
  const result = await run(["--version"]);
  const out = (result.stdout + result.stderr).trim();
  if (result.code !== 0 || !/^Python 3\.13\.\d+$/.test(out)) {
    throw new Error(
      `conformance-regen needs CPython 3.13: \`${PYTHON} --version\` with PYENV_VERSION=${PYTHON_VERSION} ` +
        `printed ${JSON.stringify(out)} (exit ${String(result.code)}). Install it with \`pyenv install ${PYTHON_VERSION}\`.`,
    );
  }
  console.log(`using ${out}`);
}

function scenarioName(arg: string): string {
  return basename(arg).replace(/\.(py|ts|out)$/, "");
}

async function listScenarios(names: readonly string[]): Promise<string[]> {
  const all = (await readdir(DIR))
    .filter((f) => f.endsWith(".py"))
    .map(scenarioName)
    .sort();
  if (names.length === 0) return all;
  const wanted = names.map(scenarioName);
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length > 0) throw new Error(`no such scenario: ${unknown.join(", ")}`);
  return wanted;
}

function describeFailure(label: string, result: RunResult): string | undefined {
  if (result.signal !== null) return `${label}: killed by ${result.signal} (timeout ${TIMEOUT_MS} ms?)`;
  if (result.code !== 0) return `${label}: exit code ${String(result.code)}\n${result.stderr}`;
  if (result.stderr !== "") return `${label}: wrote to stderr\n${result.stderr}`;
  return undefined;
}

async function regen(name: string): Promise<string | undefined> {
  const file = join("conformance", `${name}.py`);
  const head = (await readFile(file, "utf8")).split("\n").slice(0, 5).join("\n");
  let python = PYTHON;
  if (SYSTEM_MARKER.test(head)) {
    await checkSystemPython();
    python = SYSTEM_PYTHON;
  }
  const first = await run([file], python);
  const firstFailure = describeFailure(`${name} (run 1)`, first);
  if (firstFailure !== undefined) return firstFailure;
  const second = await run([file], python);
  const secondFailure = describeFailure(`${name} (run 2)`, second);
  if (secondFailure !== undefined) return secondFailure;
  if (first.stdout !== second.stdout) {
    return `${name}: output is not stable between two runs\n--- run 1\n${first.stdout}--- run 2\n${second.stdout}`;
  }
  if (first.stdout === "") return `${name}: printed nothing`;
  await writeFile(join(DIR, `${name}.out`), first.stdout);
  console.log(`wrote conformance/${name}.out (${String(first.stdout.split("\n").length - 1)} lines)`);
  return undefined;
}

async function main(): Promise<void> {
  await checkPython();
  const names = await listScenarios(process.argv.slice(2));
  const failures: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next++];
      if (name === undefined) break;
      const failure = await regen(name);
      if (failure !== undefined) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, names.length) }, worker));
  if (failures.length > 0) {
    console.error(`\n${String(failures.length)} scenario(s) failed:\n\n${failures.join("\n\n")}`);
    process.exitCode = 1;
    return;
  }
  console.log(`${String(names.length)} scenario(s) regenerated`);
}

try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
