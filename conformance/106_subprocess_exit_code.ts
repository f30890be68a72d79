// Pins a child's own exit code: a child that prints a line and exits with status 3 gives returncode 3 from wait()
// (its stdout sent to DEVNULL), and communicate() still returns what it printed. The child is node running a
// program equivalent to the Python one.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const EXIT3 = "console.log('exiting with 3'); process.exitCode = 3";

const main = asyncio.coroutine(async () => {
  let proc = await asyncio.createSubprocessExec(process.execPath, "-e", EXIT3, { stdout: asyncio.DEVNULL });
  print("wait():", await proc.wait(), "returncode:", proc.returncode);
  proc = await asyncio.createSubprocessExec(process.execPath, "-e", EXIT3, { stdout: asyncio.PIPE });
  const [stdout, stderr] = await proc.communicate();
  print("communicate():", stdout, stderr, "returncode:", proc.returncode);
});

await asyncio.run(main());
