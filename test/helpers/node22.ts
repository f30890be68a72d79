// Node 22 for the tests that run programs on it (test/runtimes.test.ts, test/package.test.ts). It
// cannot be a devDependency: npm puts the `node@^24` devDependency's binary first on the PATH of
// every npm script, and a second `node` package would collide with it. So it is installed at test
// time, from the npm registry (or the npm cache), into a temporary prefix of its own, and removed
// when the test process ends.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The Node 22 release the tests run on (the `node` npm package of that version). */
export const NODE22_VERSION = "22.23.3";

/** The environment of an npm child without what `npm test` exports to its scripts. */
export function npmChildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig|globalconfig)$/i.test(key)) continue;
    if (key === "NODE_PATH" || key === "NODE_OPTIONS" || key === "NODE_TEST_CONTEXT") continue;
    env[key] = value;
  }
  return env;
}

let installed: Promise<string> | undefined;

/**
 * The path of a Node 22 binary, installed once per test process. Rejects with what npm printed if
 * the install fails (no registry and no cached package).
 */
export function node22(): Promise<string> {
  installed ??= new Promise<string>((resolve, reject) => {
    const prefix = mkdtempSync(join(tmpdir(), "asyncio-ts-node22-"));
    process.once("exit", () => {
      rmSync(prefix, { recursive: true, force: true });
    });
    const args = ["install", "--prefix", prefix, `node@${NODE22_VERSION}`, "--no-audit", "--no-fund"];
    execFile("npm", args, { cwd: prefix, env: npmChildEnv(), timeout: 300_000 }, (error, stdout, stderr) => {
      const bin = join(prefix, "node_modules", ".bin", "node");
      if (error !== null || !existsSync(bin)) {
        reject(new Error(`npm ${args.join(" ")} failed:\n${stdout}\n${stderr}`, { cause: error }));
      } else {
        resolve(bin);
      }
    });
  });
  return installed;
}
