// Pins reference §2.7 item 58: an outside cancel() of a task inside an unexpired timeout() escapes as CancelledError,
// not TimeoutError.
import * as asyncio from "../src/index.ts";
import { excArgs, print } from "./_py.ts";

const worker = asyncio.coroutine(async () => {
  const cm = asyncio.timeout(0.5);
  try {
    await cm.with(async () => {
      await asyncio.sleep(1);
    });
  } catch (exc) {
    if (exc instanceof asyncio.TimeoutError) {
      print("worker: TimeoutError (must not happen)");
    } else if (exc instanceof asyncio.CancelledError) {
      print("worker: CancelledError escaped", excArgs(exc), "expired:", cm.expired());
      throw exc;
    } else {
      throw exc;
    }
  }
});

const main = asyncio.coroutine(async () => {
  const task = asyncio.createTask(worker());
  await asyncio.sleep(0.03);
  task.cancel("outside");
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: task cancelled:", task.cancelled(), excArgs(exc));
  }
});

await asyncio.run(main());
