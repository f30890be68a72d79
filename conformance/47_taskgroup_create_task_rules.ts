// Pins reference §2.8 items 64 and 70: TaskGroup.create_task raises RuntimeError before enter, after exit and while
// shutting down (message includes the group's repr); cancelling() back to 0 after an aborted group.
import * as asyncio from "../src/index.ts";
import { print, str, typeName } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number, fail = false) => {
  await asyncio.sleep(delay);
  if (fail) {
    throw new RangeError(`${name} failed`);
  }
  return name;
});

const main = asyncio.coroutine(async () => {
  const tg = new asyncio.TaskGroup();
  const coro = child("early", 0);
  try {
    tg.createTask(coro);
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("before enter:", typeName(exc), exc);
  }

  let t: asyncio.Task<string> | undefined;
  await tg.with(() => {
    t = tg.createTask(child("a", 0.01));
  });
  print("after exit, task done:", t?.done(), t?.result());
  try {
    tg.createTask(child("late", 0));
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("after exit:", typeName(exc), exc);
  }

  try {
    await new asyncio.TaskGroup().with(async (tg2) => {
      tg2.createTask(child("b", 0.03, true));
      tg2.createTask(child("c", 1));
      try {
        await asyncio.sleep(1);
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        try {
          tg2.createTask(child("d", 0));
        } catch (exc) {
          if (!(exc instanceof asyncio.RuntimeError)) throw exc;
          print("while shutting down:", typeName(exc), exc);
        }
        throw exc;
      }
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("group:", str(eg));
  }
  print("cancelling:", asyncio.currentTask()?.cancelling());
});

await asyncio.run(main());
