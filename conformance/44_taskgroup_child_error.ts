// Pins reference §2.8 items 64-65: the first child error cancels the siblings, then the body; the ExceptionGroup
// message and members; cancelling() back to 0; several failures in one group; an error in the body.
import * as asyncio from "../src/index.ts";
import { print, repr, str } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number, fail = false) => {
  try {
    await asyncio.sleep(delay);
    if (fail) {
      throw new RangeError(`${name} failed`);
    }
    print(name, "finished");
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  try {
    await new asyncio.TaskGroup().with(async (tg) => {
      tg.createTask(child("a", 1));
      tg.createTask(child("b", 0.03, true));
      try {
        await asyncio.sleep(1);
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        print("body cancelled");
        throw exc;
      }
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("str:", str(eg));
    print("message:", eg.message);
    print("members:", eg.exceptions.map((e) => repr(e)).sort());
  }
  print("cancelling:", asyncio.currentTask()?.cancelling());

  try {
    await new asyncio.TaskGroup().with((tg) => {
      tg.createTask(child("c", 0, true));
      tg.createTask(child("d", 0, true));
      tg.createTask(child("e", 0.5));
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("str:", str(eg));
    print("members:", eg.exceptions.map((e) => repr(e)).sort());
  }

  try {
    await new asyncio.TaskGroup().with(async (tg) => {
      tg.createTask(child("f", 0.5));
      await asyncio.sleep(0.01);
      throw new RangeError("body failed");
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("str:", str(eg));
    print("members:", eg.exceptions.map((e) => repr(e)).sort());
  }
  print("cancelling:", asyncio.currentTask()?.cancelling());

  let t1: asyncio.Task | undefined;
  let t2: asyncio.Task | undefined;
  await new asyncio.TaskGroup().with((tg) => {
    t1 = tg.createTask(child("g", 0.03));
    t2 = tg.createTask(child("h", 0.06));
  });
  print("clean exit; results:", t1?.result(), t2?.result());
});

await asyncio.run(main());
