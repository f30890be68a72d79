// Pins seeds 000/001/002 (wait_for): a long task times out ("Task timed out" / "The task took too long to complete"),
// and the same pattern prints the result when it is fast enough (timeouts scaled down).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const longRunningTask = asyncio.coroutine(async () => {
  await asyncio.sleep(10);
});

const main = asyncio.coroutine(async () => {
  try {
    await asyncio.waitFor(longRunningTask(), 0.1);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("Task timed out");
  }
});

const longRunningTask2 = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay);
  return "Done";
});

const main2 = asyncio.coroutine(async (delay: number) => {
  try {
    const result = await asyncio.waitFor(longRunningTask2(delay), 0.1);
    print(result);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("Task timed out");
  }
});

const main3 = asyncio.coroutine(async () => {
  try {
    await asyncio.waitFor(longRunningTask(), 0.1);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("The task took too long to complete");
  }
});

await asyncio.run(main());
await asyncio.run(main2(5));
await asyncio.run(main2(0.01));
await asyncio.run(main3());
