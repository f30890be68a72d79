// Pins reference §2.10 item 83 through CPython's test_timeout_in_block and test_cancelled_error_wakeup: wait_for()
// around Condition.wait() times out with the lock held again; a cancel while waiting in wait_for(predicate)
// surfaces with its message, and the lock is held inside the handler.
import * as asyncio from "../src/index.ts";
import { excArgs, print, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const condition = new asyncio.Condition();
  await condition.with(async () => {
    try {
      await asyncio.waitFor(() => condition.wait(), 0.05);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("timed out:", typeName(exc), "locked:", condition.locked());
    }
  });
  print("after the block; locked:", condition.locked());

  const func = asyncio.coroutine(async () => {
    await condition.with(async () => {
      try {
        await condition.waitFor(() => false);
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        print("func: cancelled", excArgs(exc), "locked:", condition.locked());
        throw exc;
      }
    });
  });

  const task = asyncio.createTask(func());
  await asyncio.sleep(0);
  task.cancel("foo");
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: task raised", excArgs(exc), "locked:", condition.locked());
  }
});

await asyncio.run(main());
