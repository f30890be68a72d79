// Pins seed 002 (as_completed): results come in completion order (task(n) sleeps n * 0.03 and returns n).
import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

const task = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay * 0.03);
  return delay;
});

const main = asyncio.coroutine(async () => {
  const tasks = [task(3), task(1), task(2)];
  for (const coro of asyncio.asCompleted(tasks)) {
    const result = await coro;
    print(`Completed task with result: ${str(result)}`);
  }
});

await asyncio.run(main());
