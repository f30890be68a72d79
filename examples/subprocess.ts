// Subprocesses: run a program and a shell pipeline, feed stdin and read stdout/stderr with
// communicate(), and stop a long-running child.
import * as asyncio from "../src/index.ts";

const main = asyncio.coroutine("main", async () => {
  const proc = await asyncio.createSubprocessExec(process.execPath, "-e", "console.log(6 * 7)", {
    stdout: asyncio.PIPE,
  });
  const [out] = await proc.communicate();
  console.log(`node printed ${out?.toString().trim() ?? ""}, exit code ${String(proc.returncode)}`);

  const sort = await asyncio.createSubprocessShell("sort | uniq -c | sort -rn", {
    stdin: asyncio.PIPE,
    stdout: asyncio.PIPE,
  });
  const [counts] = await sort.communicate(Buffer.from("pear\napple\npear\nfig\npear\napple\n"));
  console.log(counts?.toString().replace(/^ +/gm, "").trimEnd());

  const sleeper = await asyncio.createSubprocessExec("sleep", "30");
  try {
    await asyncio.waitFor(sleeper.wait(), 0.1);
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("sleep 30 timed out; terminating it");
    sleeper.terminate();
  }
  console.log("returncode:", await sleeper.wait());
});

await asyncio.run(main());
