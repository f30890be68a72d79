// Pins reference §2.3 item 27: cancel() returns True at once, the canceller keeps running, and the task gets
// CancelledError at the await point on its next step; the cleanup may await again.
import * as asyncio from "../src/index.ts";
import { excArgs, print, typeName } from "./_py.ts";

const worker = asyncio.coroutine(async () => {
  print("worker: started");
  try {
    await asyncio.sleep(1);
    print("worker: not reached");
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("worker: CancelledError at the await", excArgs(exc));
    await asyncio.sleep(0);
    print("worker: cleanup awaited fine");
    throw exc;
  } finally {
    print("worker: finally");
  }
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(worker());
  await asyncio.sleep(0);
  print("main: cancel returns", task.cancel("msg"));
  print("main: still running, task done:", task.done());
  await asyncio.sleep(0);
  print("main: after one iteration, task done:", task.done());
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: await raised", typeName(exc), excArgs(exc));
  }
  print("main: cancelled", task.cancelled(), "cancelling", task.cancelling());
});

await asyncio.run(main());
