// Seed: shield() protects a task from the cancellation of its awaiter.
import * as asyncio from "../src/index.ts";

const protectedTask = asyncio.coroutine("protectedTask", async () => {
  await asyncio.sleep(0.2);
  return "Protected task completed";
});

const main = asyncio.coroutine("main", async () => {
  const task = asyncio.createTask(protectedTask());
  try {
    // The wait gives up after 0.1 s; the shielded task goes on.
    const result = await asyncio.waitFor(asyncio.shield(task), 0.1);
    console.log(result);
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    console.log("Stopped waiting; the task is still running:", !task.done());
  }
  console.log(await task);
});

await asyncio.run(main());
