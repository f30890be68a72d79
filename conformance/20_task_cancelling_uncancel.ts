// Pins reference §2.3 items 31-33: cancelling() counts every cancel(); repeated cancels coalesce into one
// CancelledError carrying the first message when the task awaited a future; uncancel() to 0 revokes a pending
// cancel; cancel() on a done task returns False and leaves the count alone.
import * as asyncio from "../src/index.ts";
import { excArgs, print } from "./_py.ts";

const sleeper = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(1);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("sleeper: one CancelledError", excArgs(exc));
    throw exc;
  }
});

const revoked = asyncio.coroutine(async () => {
  print("revoked: body runs normally");
  await asyncio.sleep(0);
  return "revoked result";
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(sleeper());
  await asyncio.sleep(0);
  print("cancel first:", task.cancel("first"));
  print("cancel second:", task.cancel("second"));
  print("cancelling:", task.cancelling());
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: awaited", excArgs(exc));
  }
  print("cancel on done:", task.cancel("third"), "cancelling:", task.cancelling());
  print("uncancel on done:", task.uncancel(), "cancelled:", task.cancelled());

  const task2 = asyncio.createTask(revoked());
  print("cancel task2:", task2.cancel("never delivered"), "cancelling:", task2.cancelling());
  print("uncancel task2:", task2.uncancel());
  print("task2 result:", await task2, "cancelled:", task2.cancelled());

  const me = asyncio.currentTask();
  print("main cancelling:", me?.cancelling(), "uncancel on 0:", me?.uncancel());
});

await asyncio.run(main());
