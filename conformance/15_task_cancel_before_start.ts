// Pins reference §2.3 item 26: a task cancelled before its first step never runs any of its body (not even a
// try/finally); the awaiting task sees CancelledError with the message.
import * as asyncio from "../src/index.ts";
import { excArgs, print, typeName } from "./_py.ts";

const body = asyncio.coroutine(async () => {
  try {
    print("body ran (must not happen)");
    await asyncio.sleep(0);
  } finally {
    print("finally ran (must not happen)");
  }
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(body());
  print("cancel:", task.cancel("early"));
  print("done right after cancel:", task.done(), "cancelling:", task.cancelling());
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("await task raised", typeName(exc), excArgs(exc));
  }
  print("cancelled:", task.cancelled(), "done:", task.done());
  print("cancel on cancelled task:", task.cancel(), "cancelling:", task.cancelling());
});

await asyncio.run(main());
