// Pins create_subprocess_shell(): the command line goes to /bin/sh, so a pipeline works; stdout and stderr are
// piped separately; the shell's exit status becomes returncode.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const run = asyncio.coroutine(async (cmd: string) => {
  const proc = await asyncio.createSubprocessShell(cmd, { stdout: asyncio.PIPE, stderr: asyncio.PIPE });
  const [stdout, stderr] = await proc.communicate();
  print(`${repr(cmd)} exited with ${String(proc.returncode)}`);
  print("  stdout:", stdout);
  print("  stderr:", stderr);
});

const main = asyncio.coroutine(async () => {
  await run("echo hello | tr a-z A-Z");
  await run("echo oops >&2; exit 7");
  await run("printf 'a\\nb\\n' | wc -l | tr -d ' '");
});

await asyncio.run(main());
