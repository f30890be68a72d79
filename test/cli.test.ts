// The command line (`npx asyncio-ts`), run as a real child process from the sources.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ROOT, runProgram } from "./helpers/conformance.ts";

const cli = (...args: string[]) =>
  runProgram(process.execPath, ["src/cli.ts", ...args], { timeoutMs: 20_000 }).then((run) => {
    assert.equal(run.signal, null);
    return run;
  });

describe("asyncio-ts command line", () => {
  it("--help prints one usage line per command and exits 0", async () => {
    const run = await cli("--help");
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^usage:\n/);
    assert.equal(run.stderr, "");
  });

  it("an unknown command is one line and the usage on stderr, exit status 2", async () => {
    const run = await cli("frobnicate");
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^asyncio-ts: unknown command "frobnicate"\nusage:/);
  });

  it("importing the module runs nothing", async () => {
    const { cli: entry, usage } = await import("../src/cli.ts");
    assert.equal(typeof entry, "function");
    assert.match(usage(), /^usage:/);
    assert.ok(ROOT.length > 0);
  });
});
