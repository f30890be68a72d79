// Seed: cancelling a periodic task; it cleans up where it waits, then the canceller sees it.
import * as asyncio from "../src/index.ts";

const checkUpdates = asyncio.coroutine("checkUpdates", async (interval: number) => {
  try {
    for (;;) {
      console.log("Checking for updates...");
      await asyncio.sleep(interval);
    }
  } catch (e) {
    if (e instanceof asyncio.CancelledError) console.log("Update check has been cancelled");
    throw e;
  }
});

const main = asyncio.coroutine("main", async () => {
  const updateTask = asyncio.createTask(checkUpdates(0.075));
  await asyncio.sleep(0.3);
  updateTask.cancel();
  try {
    await updateTask;
  } catch (e) {
    if (!(e instanceof asyncio.CancelledError)) throw e;
    console.log("Main: The update task was cancelled");
  }
});

await asyncio.run(main());
