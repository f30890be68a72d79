// Pins reference §2.10 item 80: a cancelled lock waiter that was not woken just leaves the queue; one that was woken
// by release() and then cancelled before it ran passes the wake-up to the next waiter, so no wake-up is lost; when
// every waiter is cancelled a newcomer takes the free lock at once.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (lock: asyncio.Lock, name: string) => {
  try {
    await lock.acquire();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled; locked:", lock.locked());
    throw exc;
  }
  print(name, "acquired");
  await asyncio.sleep(0);
  lock.release();
  print(name, "released");
  return name;
});

const main = asyncio.coroutine(async () => {
  const lock = new asyncio.Lock();
  await lock.acquire();
  const a = asyncio.createTask(waiter(lock, "a"));
  const b = asyncio.createTask(waiter(lock, "b"));
  const c = asyncio.createTask(waiter(lock, "c"));
  await asyncio.sleep(0);
  print("three waiters:", state(lock));
  b.cancel();
  await asyncio.sleep(0);
  print("b left:", state(lock));
  lock.release();
  a.cancel();
  print("released, then the woken a cancelled:", state(lock));
  const results = await asyncio.gather(a, b, c, { returnExceptions: true });
  print("results:", results);
  print("end:", state(lock));

  await lock.acquire();
  const d = asyncio.createTask(waiter(lock, "d"));
  await asyncio.sleep(0);
  d.cancel();
  lock.release();
  print("only a cancelled waiter:", state(lock));
  await lock.acquire();
  print("main took the lock at once:", state(lock));
  await asyncio.sleep(0);
  print("d done:", d.cancelled(), state(lock));
  lock.release();
});

await asyncio.run(main());
