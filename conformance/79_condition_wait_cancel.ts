// Pins reference §2.10 item 83: Condition.wait() re-acquires the lock before it raises, even when cancelled (and
// retries if cancelled again while re-acquiring, raising the latest CancelledError); a waiter cancelled after it
// was notified passes the notification on to the next waiter.
import * as asyncio from "../src/index.ts";
import { excArgs, print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (cond: asyncio.Condition, name: string) => {
  await cond.with(async () => {
    print(name, "waits");
    try {
      await cond.wait();
      print(name, "notified; locked:", cond.locked());
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print(name, "cancelled", excArgs(exc), "holding the lock again:", cond.locked());
      throw exc;
    }
  });
  print(name, "left;", state(cond));
  return name;
});

const main = asyncio.coroutine(async () => {
  const cond = new asyncio.Condition();
  const w1 = asyncio.createTask(waiter(cond, "w1"));
  await asyncio.sleep(0);
  await cond.acquire();
  print("main holds the lock:", state(cond));
  w1.cancel("first");
  await asyncio.sleep(0);
  print("w1 is re-acquiring; done:", w1.done(), state(cond));
  w1.cancel("second");
  await asyncio.sleep(0);
  print("cancelled again; done:", w1.done(), "cancelling:", w1.cancelling(), state(cond));
  cond.release();
  print("main released");
  try {
    await w1;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("w1 ended cancelled:", w1.cancelled(), excArgs(exc));
  }
  print(state(cond));

  const a = asyncio.createTask(waiter(cond, "a"));
  const b = asyncio.createTask(waiter(cond, "b"));
  await asyncio.sleep(0);
  await cond.with(() => {
    cond.notify(1);
    a.cancel();
    print("notified a, then cancelled it:", state(cond));
  });
  const results = await asyncio.gather(a, b, { returnExceptions: true });
  print("results:", results);
  print("end:", state(cond));
});

await asyncio.run(main());
