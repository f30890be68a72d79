// Pins reference §2.3 item 28 and DESIGN §3.4: after current_task().cancel() the task keeps running; awaiting a done
// future or a non-suspending coroutine does not deliver it; the next real suspension raises CancelledError and
// the fresh future it awaited is cancelled with the same message.

import * as asyncio from "../src/index.ts";
import { excArgs, print } from "./_py.ts";

const helper = asyncio.coroutine(async () => {
  return "helper value";
});

const worker = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const me = asyncio.currentTask();
  print("cancel self:", me?.cancel("self"));
  print("still running, cancelling:", me?.cancelling());
  const done = loop.createFuture<string>();
  done.setResult("done value");
  print("await done future ->", await done);
  print("await helper() ->", await helper());
  const fresh = loop.createFuture();
  try {
    await fresh;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("CancelledError at next suspension", excArgs(exc), "fresh cancelled:", fresh.cancelled());
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(worker());
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: task cancelled", task.cancelled(), excArgs(exc));
  }
});

await asyncio.run(main());
