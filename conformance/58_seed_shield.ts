// Pins seed 000 (shield): awaiting shield(task) returns the protected task's result (sleep scaled down).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const protectedTask = asyncio.coroutine(async () => {
  await asyncio.sleep(0.03);
  return "Protected task completed";
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(protectedTask());
  try {
    const result = await asyncio.shield(task);
    print(result);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("Task was cancelled");
  }
});

await asyncio.run(main());
