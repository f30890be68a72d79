// Pins reference §2.10 items 79 and 81: Lock waiters are served FIFO; release() wakes the first waiter without
// handing the lock over (locked() is False until it runs) and a newcomer's acquire() queues behind the woken
// waiter; an error in `async with lock:` releases the lock; releasing an unlocked lock is a RuntimeError.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (lock: asyncio.Lock, name: string) => {
  print(name, "acquiring; locked:", lock.locked());
  await lock.acquire();
  print(name, "acquired;", state(lock));
  await asyncio.sleep(0);
  print(name, "releases");
  lock.release();
});

const main = asyncio.coroutine(async () => {
  const lock = new asyncio.Lock();
  print("new:", state(lock));
  print("acquire returns", await lock.acquire());
  const tasks = ["a", "b", "c"].map((name) => asyncio.createTask(waiter(lock, name)));
  await asyncio.sleep(0);
  print("waiters queued:", state(lock));
  lock.release();
  print("after release:", state(lock), "locked:", lock.locked());
  print("main acquires again, as a newcomer");
  await lock.acquire();
  print("main acquired after the queue:", state(lock));
  lock.release();
  await asyncio.gather(...tasks);
  print("end:", state(lock));

  try {
    await lock.with(() => {
      print("in async with:", state(lock));
      throw new RangeError("body failed");
    });
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("async with left by", repr(exc), "->", state(lock));
  }

  try {
    lock.release();
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("release unlocked:", typeName(exc), str(exc));
  }
});

await asyncio.run(main());
