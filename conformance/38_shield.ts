// Pins reference §2.6 item 57: cancelling a task awaiting shield(t) cancels only the outer future and t keeps
// running; wait_for(shield(t)) times out and t finishes later; a done argument is returned as is.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const inner = asyncio.coroutine(async (tag: string, delay: number) => {
  print(tag, "start");
  await asyncio.sleep(delay);
  print(tag, "done");
  return tag + " result";
});

const waiter = asyncio.coroutine(async (t: asyncio.Task<string>) => {
  try {
    return await asyncio.shield(t);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("waiter: cancelled while shielded");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  const t = asyncio.createTask(inner("inner", 0.15));
  const w = asyncio.createTask(waiter(t));
  await asyncio.sleep(0.03);
  w.cancel();
  try {
    await w;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("main: waiter cancelled:", w.cancelled(), "inner done:", t.done());
  }
  print("main: inner ->", await t);

  const t2 = asyncio.createTask(inner("inner2", 0.15));
  try {
    await asyncio.waitFor(asyncio.shield(t2), 0.03);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("main: wait_for timed out; inner2 cancelled:", t2.cancelled(), "done:", t2.done());
  }
  print("main: inner2 ->", await t2);

  print("shield of a done task returns it:", asyncio.shield(t) === t);
});

await asyncio.run(main());
