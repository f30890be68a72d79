// Pins reference §2.6 item 51: if the inner awaitable swallows the cancellation and returns, wait_for returns that
// value instead of raising TimeoutError (coroutine and task forms).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const swallow = asyncio.coroutine(async (tag: string) => {
  try {
    await asyncio.sleep(1);
    return "not reached";
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(tag, "swallowed the cancel");
    return tag + " fallback value";
  }
});

const main = asyncio.coroutine(async () => {
  print("coroutine:", await asyncio.waitFor(swallow("coroutine"), 0.03));
  print("cancelling() =", asyncio.currentTask()?.cancelling());
  const task = asyncio.createTask(swallow("task"));
  print("task:", await asyncio.waitFor(task, 0.03));
  print("task cancelled:", task.cancelled(), "cancelling() =", asyncio.currentTask()?.cancelling());
});

await asyncio.run(main());
