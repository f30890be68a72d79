// Pins seed 002 (cancelling tasks): check_updates every 0.2 s (seed: 0.75 s) is cancelled after 0.7 s (seed: 3 s);
// it prints 4 checks, its except block, then main sees the CancelledError.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const checkUpdates = asyncio.coroutine(async (interval: number) => {
  try {
    for (;;) {
      print("Checking for updates...");
      await asyncio.sleep(interval);
    }
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("Update check has been cancelled");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  const updateTask = asyncio.createTask(checkUpdates(0.2));
  await asyncio.sleep(0.7);
  updateTask.cancel();
  try {
    await updateTask;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("Main: The update task was cancelled");
  }
});

await asyncio.run(main());
