// `npm start`: runs every example in examples/ and prints its output.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL(".", import.meta.url));
const examples = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && f !== "showcase.ts")
  .sort();
let failed = 0;
for (const file of examples) {
  console.log(`\n=== examples/${file}`);
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 30_000 });
  process.stdout.write(r.stdout);
  if (r.status !== 0) {
    failed++;
    process.stdout.write(r.stderr);
    console.log(`(exited with ${r.status ?? r.signal ?? "?"})`);
  }
}
console.log(`\n${examples.length - failed} of ${examples.length} examples ran`);
process.exitCode = failed === 0 ? 0 : 1;
