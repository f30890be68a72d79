// Pins issue 8 for the synchronization primitives: wait_for(x, 0) never starts the coroutine, so
// wait_for(lock.acquire(), 0) takes nothing whether the lock is free or held, wait_for(sem.acquire(), 0) leaks no
// permit, wait_for(event.wait(), 0) and wait_for(barrier.wait(), 0) leave no waiter; wait_for(cond.wait(), 0.01)
// inside `async with cond` times out with the lock held again; a later acquire() or wait() still works.
import * as asyncio from "../src/index.ts";
import { print, repr, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const attempt = asyncio.coroutine(
  async (label: string, aw: asyncio.AwaitableLike<unknown>, timeout: number = 0) => {
    let result: unknown;
    try {
      result = await asyncio.waitFor(aw, timeout);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print(label, "->", typeName(exc));
      return;
    }
    print(label, "->", result);
  },
);

const main = asyncio.coroutine(async () => {
  const lock = new asyncio.Lock();
  await attempt("free lock: wait_for(lock.acquire(), 0)", lock.acquire());
  print("locked:", lock.locked(), state(lock));
  await lock.acquire();
  await attempt("held lock: wait_for(lock.acquire(), 0)", lock.acquire());
  print("locked:", lock.locked(), state(lock));
  lock.release();
  print("released; locked:", lock.locked(), state(lock));
  print("acquire() now:", await lock.acquire(), lock.locked());
  lock.release();

  const sem = new asyncio.Semaphore(1);
  await attempt("free semaphore: wait_for(sem.acquire(), 0)", sem.acquire());
  print("semaphore:", state(sem), "locked:", sem.locked());
  await sem.acquire();
  await attempt("taken semaphore: wait_for(sem.acquire(), 0)", sem.acquire());
  await attempt("taken semaphore: wait_for(sem.acquire(), 0.01)", sem.acquire(), 0.01);
  print("semaphore:", state(sem), "locked:", sem.locked());
  sem.release();
  print("released:", state(sem), "locked:", sem.locked());
  print("acquire() now:", await sem.acquire(), state(sem));

  const cond = new asyncio.Condition();
  await cond.with(async () => {
    await attempt("in async with cond: wait_for(cond.wait(), 0)", cond.wait());
    print("cond locked:", cond.locked());
    await attempt("in async with cond: wait_for(cond.wait(), 0.01)", cond.wait(), 0.01);
    print("cond locked:", cond.locked(), state(cond));
  });
  print("after async with: cond locked:", cond.locked(), state(cond));

  const event = new asyncio.Event();
  await attempt("clear event: wait_for(event.wait(), 0)", event.wait());
  print("event:", state(event));
  event.set();
  await attempt("set event: wait_for(event.wait(), 0)", event.wait());
  await attempt("set event: wait_for(event.wait(), 0.01)", event.wait(), 0.01);
  print("event:", state(event));

  const barrier = new asyncio.Barrier(2);
  await attempt("barrier: wait_for(barrier.wait(), 0)", barrier.wait());
  print("barrier:", state(barrier));
  await attempt("barrier: wait_for(barrier.wait(), -1)", barrier.wait(), -1);
  print("barrier:", state(barrier));
  print("two parties pass:", (await asyncio.gather(barrier.wait(), barrier.wait())).sort(), state(barrier));
});

await asyncio.run(main());
