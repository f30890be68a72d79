// Seed: wait_for timeouts, and the timeout() scope that replaces it in new code.
import * as asyncio from "../src/index.ts";

const longRunningTask = asyncio.coroutine("longRunningTask", async () => {
  await asyncio.sleep(1);
  return "Done";
});

const main = asyncio.coroutine("main", async () => {
  try {
    const result = await asyncio.waitFor(longRunningTask(), 0.2);
    console.log(result);
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("Task timed out");
  }
  try {
    await asyncio.timeout(0.1).with(async () => {
      await longRunningTask();
    });
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("The block took too long to complete");
  }
});

await asyncio.run(main());
