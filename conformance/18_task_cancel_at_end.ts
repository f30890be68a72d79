// Pins reference §2.3 item 29: a cancel request still pending when the coroutine returns makes the task cancelled
// and discards the value; a task cancelled while ready (after sleep(0)) never runs the code after that await.

import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const returnsAfterSelfCancel = asyncio.coroutine(async () => {
  asyncio.currentTask()?.cancel();
  print("returning 12");
  return 12;
});

const readyWhenCancelled = asyncio.coroutine(async () => {
  print("step 1");
  await asyncio.sleep(0);
  print("step 2 (must not happen)");
  return 5;
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(returnsAfterSelfCancel());
  try {
    print("result", await task);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("task cancelled:", task.cancelled());
  }

  const task2 = asyncio.createTask(readyWhenCancelled());
  await asyncio.sleep(0);
  print("main: cancel task2 while its next step is queued:", task2.cancel());
  try {
    await task2;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("task2 cancelled:", task2.cancelled());
  }
});

await asyncio.run(main());
