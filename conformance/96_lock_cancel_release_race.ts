// Pins reference §2.10 item 80 through CPython's test_cancel_release_race: when the first waiter is cancelled and the
// lock released in the same callback, exactly one waiter (the next) takes the lock; and through
// test_finished_waiter_cancelled: a waiter whose acquire finished cannot be un-acquired by a late cancel.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const lock = new asyncio.Lock();
  const taken: string[] = [];

  const lockit = asyncio.coroutine(async (name: string) => {
    await lock.acquire();
    taken.push(name);
    print(name, "took the lock");
  });

  const trigger = (): void => {
    print("trigger: cancel t1, release");
    t1.cancel();
    lock.release();
    print("trigger:", state(lock));
  };

  await lock.acquire();
  const t1 = asyncio.createTask(lockit("t1"));
  const t2 = asyncio.createTask(lockit("t2"));
  const t3 = asyncio.createTask(lockit("t3"));
  await asyncio.sleep(0);
  loop.callSoon(trigger);
  try {
    await t1;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("t1 cancelled:", t1.cancelled());
  }
  await asyncio.sleep(0);
  print("taken:", taken, "t2 done:", t2.done(), "t3 done:", t3.done(), state(lock));
  t3.cancel();
  await asyncio.sleep(0);
  print("t3 cancelled:", t3.cancelled(), state(lock));
  lock.release();

  await lock.acquire();
  const ta = asyncio.createTask(lockit("ta"));
  await asyncio.sleep(0);
  lock.release();
  await asyncio.sleep(0);
  print("ta done:", ta.done(), "cancel() returns", ta.cancel(), "locked:", lock.locked());
  const tb = asyncio.createTask(lockit("tb"));
  await asyncio.sleep(0);
  tb.cancel();
  await asyncio.sleep(0);
  print("tb cancelled:", tb.cancelled(), state(lock));
  lock.release();
  print("end:", state(lock));
});

await asyncio.run(main());
