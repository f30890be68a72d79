// Pins issue 8 for subprocesses: wait_for(create_subprocess_exec(...), 0) times out without starting anything;
// create_task(create_subprocess_exec(...)) spawns the child in a task of its own; wait_for(x, 0) around
// proc.wait(), proc.stdout.readline() and proc.communicate(input) never starts them, so no input is written, the
// pipe is not closed and nothing is read: the later communicate() sends its own input and gets the whole output.
// The child is node running a program equivalent to the Python one: it upper-cases its stdin, then writes "bye".
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const CHILD =
  "const chunks = []; process.stdin.on('data', (c) => chunks.push(c)); process.stdin.on('end', () => { " +
  "process.stdout.write(Buffer.concat(chunks).toString('latin1').toUpperCase() + 'bye\\n'); });";

const main = asyncio.coroutine(async () => {
  try {
    await asyncio.waitFor(asyncio.createSubprocessExec(process.execPath, "-e", CHILD), 0);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("wait_for(create_subprocess_exec(...), 0):", typeName(exc));
  }

  const task = asyncio.createTask(
    asyncio.createSubprocessExec(process.execPath, "-e", CHILD, {
      stdin: asyncio.PIPE,
      stdout: asyncio.PIPE,
    }),
  );
  print("done before its first step:", task.done());
  const proc = await task;
  print("task result:", typeName(proc), "returncode:", proc.returncode);

  for (const [label, aw] of [
    ["proc.wait()", proc.wait()],
    ["proc.stdout.readline()", (proc.stdout as asyncio.StreamReader).readline()],
    ["proc.communicate(b'lost\\n')", proc.communicate(Buffer.from("lost\n"))],
  ] as [string, asyncio.AwaitableLike<unknown>][]) {
    try {
      await asyncio.waitFor(aw, 0);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print(`wait_for(${label}, 0) timed out; returncode:`, proc.returncode);
    }
  }
  try {
    await asyncio.waitFor(proc.wait(), 0.05);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("wait_for(proc.wait(), 0.05) timed out: the child still waits for its stdin");
  }

  const [stdout, stderr] = await proc.communicate(Buffer.from("hello\n"));
  print("communicate():", stdout, stderr, "returncode:", proc.returncode);
});

await asyncio.run(main());
