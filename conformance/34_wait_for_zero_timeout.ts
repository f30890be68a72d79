// Pins reference §2.6 item 52: wait_for with timeout <= 0 never starts a coroutine, returns a done future's result,
// and cancels and awaits a pending task before raising TimeoutError.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const body = asyncio.coroutine(async (tag: string) => {
  try {
    print(tag, "started");
    await asyncio.sleep(1);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(tag, "cancelled");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  try {
    await asyncio.waitFor(body("coroutine"), 0);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("coroutine: TimeoutError, cause", typeName(exc.cause));
  }

  const fut = asyncio.getRunningLoop().createFuture<string>();
  fut.setResult("already done");
  print("done future:", await asyncio.waitFor(fut, 0));

  const task = asyncio.createTask(body("task"));
  await asyncio.sleep(0);
  try {
    await asyncio.waitFor(task, -1);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("task: TimeoutError, cancelled:", task.cancelled());
  }
});

await asyncio.run(main());
