// Pins Process.kill() and terminate(): a child that would sleep for 30 s is ended by SIGKILL, then another by
// SIGTERM; wait() returns the negated signal number, which returncode then holds. The child is node running a
// program equivalent to the Python one.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const SLEEPER = "setTimeout(() => {}, 30000)";

const main = asyncio.coroutine(async () => {
  for (const how of ["kill", "terminate"] as const) {
    const proc = await asyncio.createSubprocessExec(process.execPath, "-e", SLEEPER);
    print(how, "returncode before:", proc.returncode);
    proc[how]();
    const rc = await proc.wait();
    print(how, "wait():", rc, "returncode:", proc.returncode);
  }
});

await asyncio.run(main());
