// Pins reference §2.3 item 30: a task may catch CancelledError, keep awaiting and return normally; an outer task
// awaiting an inner task that swallows the cancel receives the inner value; cancelling() stays 1.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const stubborn = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(1);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("stubborn: caught, cancelling() =", asyncio.currentTask()?.cancelling());
    await asyncio.sleep(0.01);
    print("stubborn: finishing normally");
  }
  return "survived";
});

const outer = asyncio.coroutine(async (innerTask: asyncio.Task<string>) => {
  const value = await innerTask;
  print("outer: got", value, "cancelling() =", asyncio.currentTask()?.cancelling());
  return "outer " + value;
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(stubborn());
  await asyncio.sleep(0);
  print("cancel:", task.cancel());
  print("result:", await task);
  print("cancelled:", task.cancelled(), "cancelling:", task.cancelling());

  const inner = asyncio.createTask(stubborn());
  const out = asyncio.createTask(outer(inner));
  await asyncio.sleep(0);
  print("cancel outer:", out.cancel());
  print("outer result:", await out);
  print("outer cancelled:", out.cancelled(), "cancelling:", out.cancelling());
  print("inner cancelled:", inner.cancelled(), "cancelling:", inner.cancelling());
});

await asyncio.run(main());
