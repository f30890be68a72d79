// The package for JSR (`deno add jsr:@asyncio-ts/asyncio-ts`): jsr.json names the TypeScript
// sources of the npm package's exports, and `deno publish --dry-run` accepts it. The dry run
// type-checks every export with Deno's own libraries and checks the public API for slow types; it
// runs in a copy of what is published, next to package.json (whose dependencies Deno maps to npm:
// specifiers) and the repository's node_modules, so it needs no network.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ROOT } from "./helpers/conformance.ts";

interface Manifest<Export> {
  name: string;
  version: string;
  license: string;
  exports: Record<string, Export>;
}

const read = <Export>(file: string): Manifest<Export> =>
  JSON.parse(readFileSync(join(ROOT, file), "utf8")) as Manifest<Export>;
const npm = read<string | { types: string; default: string }>("package.json");
const jsr = read<string>("jsr.json");

/**
 * npm subpaths that JSR does not carry: `./bullmq` finds its optional peers with require.resolve()
 * from the package's own folder, which a JSR module has not got (Deno users take it from npm:
 * `deno add npm:asyncio-ts`); `./package.json` is npm's.
 */
const NPM_ONLY = new Set(["./bullmq", "./package.json"]);

describe("jsr.json", { timeout: 120_000 }, () => {
  const temps: string[] = [];
  after(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it("has the npm package's version and licence, and an export for each of its subpaths", () => {
    assert.equal(jsr.version, npm.version);
    assert.equal(jsr.license, npm.license);
    assert.match(jsr.name, /^@[a-z0-9-]+\/[a-z0-9-]+$/);
    const expected: Record<string, string> = {};
    for (const [subpath, target] of Object.entries(npm.exports)) {
      if (NPM_ONLY.has(subpath) || typeof target === "string") continue;
      expected[subpath] = target.default.replace(/^\.\/dist\//, "./src/").replace(/\.js$/, ".ts");
    }
    assert.deepEqual(jsr.exports, expected);
  });

  it("deno publish --dry-run accepts it: type-checked, no slow types, the sources included", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "asyncio-ts-jsr-"));
    temps.push(dir);
    for (const name of ["src", "jsr.json", "package.json", "README.md", "LICENSE"]) {
      cpSync(join(ROOT, name), join(dir, name), { recursive: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    const deno = join(ROOT, "node_modules", ".bin", "deno");
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        deno,
        ["publish", "--dry-run"],
        { cwd: dir, env, timeout: 100_000 },
        (error, stdout, stderr) => {
          if (error !== null)
            reject(new Error(`deno publish --dry-run failed:\n${stdout}\n${stderr}`, { cause: error }));
          else resolve(stdout + stderr);
        },
      );
    });
    t.diagnostic(
      output
        .split("\n")
        .filter((line) => /^(Check|Simulating|Success)/.test(line))
        .join("; "),
    );
    assert.match(output, /Success Dry run complete/);
    assert.doesNotMatch(output, /^error/m);
    for (const target of Object.values(jsr.exports)) {
      assert.match(output, new RegExp(`^Check ${target.replace(/^\.\//, "").replace(/\./g, "\\.")}$`, "m"));
    }
    assert.match(output, /src\/index\.ts/);
    assert.doesNotMatch(output, /\/(test|bench|conformance|dist)\//);
  });
});
