// Pins reference §2.10 item 85: release() takes the permit on behalf of the waiter it wakes; locked() stays True
// while a woken waiter has not run, even with a permit to spare, so a newcomer queues behind it and is woken by
// the last successful acquire; waiters enter in FIFO order.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const taker = asyncio.coroutine(async (sem: asyncio.Semaphore, name: string) => {
  await sem.acquire();
  print(name, "acquired;", state(sem));
});

const worker = asyncio.coroutine(async (sem: asyncio.Semaphore, name: string) => {
  print(name, "asks; locked:", sem.locked());
  await sem.with(async () => {
    print(name, "in");
    await asyncio.sleep(0);
    await asyncio.sleep(0);
  });
  print(name, "out");
});

const main = asyncio.coroutine(async () => {
  let sem = new asyncio.Semaphore(0);
  print("Semaphore(0):", state(sem), sem.locked());
  const a = asyncio.createTask(taker(sem, "a"));
  const b = asyncio.createTask(taker(sem, "b"));
  await asyncio.sleep(0);
  print("two waiters:", state(sem));
  sem.release();
  print("one release:", state(sem));
  sem.release();
  sem.release();
  print("three releases, both woken, one permit left:", state(sem), "locked:", sem.locked());
  print("main acquires, as a newcomer");
  await sem.acquire();
  print("main acquired;", state(sem));
  await asyncio.gather(a, b);

  sem = new asyncio.Semaphore(2);
  print("Semaphore(2):", state(sem));
  await asyncio.gather(...[0, 1, 2, 3, 4].map((i) => worker(sem, `w${String(i)}`)));
  print("end:", state(sem));
});

await asyncio.run(main());
