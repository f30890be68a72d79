// The other runtimes (DESIGN.md section 2, issue 9 item 4): every conformance twin that
// test/conformance.test.ts runs on Node 24 also runs, unchanged, on Node 22, Bun and Deno, and must
// print CPython's .out byte for byte there too. Bun and Deno are the devDependencies `bun` and
// `deno`, whose binaries npm puts in node_modules/.bin; Node 22 is installed at test time into a
// temporary prefix (test/helpers/node22.ts says why). Node 22 and Bun run a .ts file as it is; Deno
// needs `deno run -A` (the twins use node: built-ins, sockets, child processes and workers) and
// nothing else, since the twins import only relative .ts files. A program that cannot pass on a runtime for a reason of that runtime is listed
// in EXPECTED_FAILURES with the reason; the test fails when a listed one starts passing (so the list
// stays true) and when any other fails. The README's Runtimes section reports what this measures.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { node22 } from "./helpers/node22.ts";
import {
  CONFORMANCE_DIR as DIR,
  type ProgramRun,
  readPending,
  ROOT,
  runProgram,
  scenarioStems as stems,
} from "./helpers/conformance.ts";

const BIN = join(ROOT, "node_modules", ".bin");
const TIMEOUT_MS = 20_000;
// Children at once per runtime: most twins are short and spend their time starting up.
const CONCURRENCY = 4;

type Runtime = "node22" | "bun" | "deno";

const RUNTIMES: Record<Runtime, { bin: () => Promise<string>; args: (file: string) => string[] }> = {
  node22: { bin: node22, args: (file) => [file] },
  bun: { bin: () => Promise.resolve(join(BIN, "bun")), args: (file) => [file] },
  deno: { bin: () => Promise.resolve(join(BIN, "deno")), args: (file) => ["run", "-A", file] },
};

// V8 12.4 (Node 22) has no explicit resource management: `await using` is a syntax error there.
const AWAIT_USING =
  "`await using` is a syntax error on Node 22 (V8 12.4 has no explicit resource management)";

/**
 * Programs (conformance scenario names, or the names of PROGRAMS below) that fail on a runtime for a
 * reason of that runtime, with the reason.
 */
const EXPECTED_FAILURES: Record<Runtime, ReadonlyMap<string, string>> = {
  node22: new Map([
    ["107_executor_run_in_executor", AWAIT_USING],
    ["108_executor_practical_example", AWAIT_USING],
  ]),
  bun: new Map([
    [
      "151_udp_error_received",
      "Bun 1.4's dgram reports a send's EMSGSIZE a second time, from its receive side (syscall recvmsg), so the errors that follow are off by one",
    ],
  ]),
  deno: new Map([
    [
      "151_udp_error_received",
      "Deno 2.9's node:dgram never reports the ICMP port-unreachable of a connected socket (no ECONNREFUSED 'error' event): the twin times out",
    ],
  ]),
};

const indexUrl = pathToFileURL(join(ROOT, "src", "index.ts")).href;

/**
 * What test/package.test.ts's consumer program does beyond the conformance twins (which already
 * cover the loop, TaskGroup, queues, TCP streams, subprocesses, toThread and a thread pool), here
 * against the sources, each with the stdout it must print.
 */
const PROGRAMS: ReadonlyMap<string, { source: string; expected: string }> = new Map([
  [
    "process pool",
    {
      source: `import * as asyncio from ${JSON.stringify(indexUrl)};
function square(n) {
  return n * n;
}
const main = asyncio.coroutine("main", async () => {
  const loop = asyncio.getRunningLoop();
  const pool = new asyncio.ProcessPoolExecutor(1);
  console.log("process pool " + (await loop.runInExecutor(pool, square, 6)));
  await pool.shutdown();
  return "main result";
});
console.log(await asyncio.run(main()));
`,
      expected: "process pool 36\nmain result\n",
    },
  ],
  [
    "process pool shut down after the loop",
    {
      // Nothing but the pool's (idle, unref'd) child is left when shutdown() waits for it to end.
      source: `import * as asyncio from ${JSON.stringify(indexUrl)};
const pool = new asyncio.ProcessPoolExecutor(1);
console.log("job " + (await asyncio.run(async () => await pool.submit((n) => n + 1, 41))));
await pool.shutdown();
console.log(String(pool));
`,
      expected: "job 42\n<ProcessPoolExecutor shutdown maxWorkers=1 workers=0 queued=0>\n",
    },
  ],
]);

type Run = ProgramRun;

function runOn(runtime: Runtime, file: string): Promise<Run> {
  return spawnRuntime(runtime, RUNTIMES[runtime].args(file));
}

async function spawnRuntime(runtime: Runtime, args: string[]): Promise<Run> {
  const bin = await RUNTIMES[runtime].bin();
  // No colours, no update check, no NODE_OPTIONS meant for Node's test runner.
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return runProgram(bin, args, { timeoutMs: TIMEOUT_MS, env });
}

/** Why `run` is not a pass (undefined when it is one). */
function failure(run: Run, expected: string): string | undefined {
  if (run.signal !== null) return `killed by ${run.signal} (timeout?)`;
  if (run.stdout !== expected) {
    const a = run.stdout.split("\n");
    const e = expected.split("\n");
    let i = 0;
    while (a[i] === e[i]) i++;
    return (
      `first difference at line ${String(i + 1)}:\n  expected: ${JSON.stringify(e[i] ?? "<end of output>")}` +
      `\n  actual:   ${JSON.stringify(a[i] ?? "<end of output>")}` +
      (run.stderr === "" ? "" : `\nstderr:\n${run.stderr}`)
    );
  }
  if (run.stderr !== "") return `wrote to stderr:\n${run.stderr}`;
  if (run.code !== 0) return `exited with ${String(run.code)}`;
  return undefined;
}

function check(runtime: Runtime, name: string, run: Run, expected: string): void {
  const why = failure(run, expected);
  const reason = EXPECTED_FAILURES[runtime].get(name);
  if (reason === undefined) {
    assert.equal(why, undefined, `${name} on ${runtime}: ${why ?? ""}`);
  } else {
    assert.notEqual(
      why,
      undefined,
      `${name} now passes on ${runtime}: remove it from EXPECTED_FAILURES (${reason})`,
    );
  }
}

const pending = readPending();
const outputs = new Set(stems(".out"));
const twins = stems(".ts").filter((s) => outputs.has(s) && !pending.has(s));

for (const runtime of ["node22", "bun", "deno"] as const) {
  describe(`on ${runtime}`, { concurrency: CONCURRENCY }, () => {
    it("the binary is installed (npm ci runs the bun and deno install scripts; Node 22 at test time)", async (t) => {
      const run = await spawnRuntime(runtime, ["--version"]);
      assert.equal(run.code, 0, `${await RUNTIMES[runtime].bin()} --version: ${run.stderr}`);
      t.diagnostic(run.stdout.split("\n")[0] ?? "");
    });

    it("EXPECTED_FAILURES names only programs this test runs", () => {
      const known = new Set([...twins, ...PROGRAMS.keys()]);
      assert.deepEqual(
        [...EXPECTED_FAILURES[runtime].keys()].filter((name) => !known.has(name)),
        [],
      );
    });

    for (const scenario of twins) {
      it(`conformance ${scenario}`, async () => {
        const expected = readFileSync(join(DIR, `${scenario}.out`), "utf8");
        const run = await runOn(runtime, join("conformance", `${scenario}.ts`));
        check(runtime, scenario, run, expected);
      });
    }

    for (const [name, { source, expected }] of PROGRAMS) {
      it(`consumer: ${name}`, async (t) => {
        const dir = mkdtempSync(join(tmpdir(), `asyncio-ts-${runtime}-`));
        t.after(() => {
          rmSync(dir, { recursive: true, force: true });
        });
        const file = join(dir, "main.mjs");
        writeFileSync(file, source);
        check(runtime, name, await runOn(runtime, file), expected);
      });
    }
  });
}
