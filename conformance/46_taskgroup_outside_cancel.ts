// Pins reference §2.8 item 66: cancelling the task that runs a TaskGroup cancels the children and a plain
// CancelledError propagates; a child raising while being cancelled turns it into an ExceptionGroup.
import * as asyncio from "../src/index.ts";
import { excArgs, print, repr, str, typeName } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number, failOnCancel = false) => {
  try {
    await asyncio.sleep(delay);
    print(name, "finished");
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled");
    if (failOnCancel) {
      throw new RangeError(`${name} cleanup failed`, { cause: exc });
    }
    throw exc;
  }
});

const runner = asyncio.coroutine(async (failOnCancel: boolean) => {
  try {
    await new asyncio.TaskGroup().with(async (tg) => {
      tg.createTask(child("child", 1, failOnCancel));
      await asyncio.sleep(1);
    });
  } catch (exc) {
    if (exc instanceof asyncio.CancelledError) {
      print("runner: plain CancelledError", excArgs(exc));
      throw exc;
    } else if (exc instanceof asyncio.ExceptionGroup) {
      print(
        "runner: ExceptionGroup",
        str(exc),
        exc.exceptions.map((e) => repr(e)),
      );
      throw exc;
    } else {
      throw exc;
    }
  }
});

const main = asyncio.coroutine(async () => {
  let task = asyncio.createTask(runner(false));
  await asyncio.sleep(0.03);
  task.cancel("from main");
  try {
    await task;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: task cancelled:", task.cancelled());
  }

  task = asyncio.createTask(runner(true));
  await asyncio.sleep(0.03);
  task.cancel();
  try {
    await task;
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("main: task raised", typeName(eg), "cancelled:", task.cancelled());
  }
});

await asyncio.run(main());
