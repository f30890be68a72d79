// Pins reference §2.10 item 85: a semaphore waiter woken by release() and then cancelled before it runs gives its
// permit back, and the next waiter gets it; a cancelled waiter that was not woken just leaves; locked() ignores
// cancelled waiters.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (sem: asyncio.Semaphore, name: string) => {
  try {
    await sem.acquire();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled;", state(sem));
    throw exc;
  }
  print(name, "acquired;", state(sem));
  return name;
});

const main = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(0);
  const tasks = new Map(["a", "b", "c", "d"].map((name) => [name, asyncio.createTask(waiter(sem, name))]));
  const task = (name: string): asyncio.Task<string> => {
    const t = tasks.get(name);
    if (t === undefined) throw new Error(name);
    return t;
  };
  await asyncio.sleep(0);
  print("four waiters:", state(sem));
  task("c").cancel();
  await asyncio.sleep(0);
  print("c left:", state(sem));
  sem.release();
  task("a").cancel();
  print("a woken, then cancelled:", state(sem));
  const results = await asyncio.gather(task("a"), task("b"), task("c"), { returnExceptions: true });
  print("results:", results);
  print("after:", state(sem));

  task("d").cancel();
  print("only a cancelled waiter left; locked:", sem.locked());
  sem.release();
  print("released:", state(sem), "locked:", sem.locked());
  await sem.acquire();
  print("main took the permit at once:", state(sem));
  await asyncio.sleep(0);
  print("d cancelled:", task("d").cancelled(), state(sem));
});

await asyncio.run(main());
