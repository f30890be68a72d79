// Pins reference §2.10 item 84: notify(n) wakes the first n waiters in FIFO order, and they resume only after the
// notifier releases the lock, one at a time; notify_all() wakes the rest; notify(), notify_all() and wait()
// without the lock raise RuntimeError; a Condition can share a Lock.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (cond: asyncio.Condition, name: string) => {
  await cond.with(async () => {
    print(name, "waits");
    await cond.wait();
    print(name, "woke; locked:", cond.locked());
    await asyncio.sleep(0);
    print(name, "releases");
  });
  return name;
});

const main = asyncio.coroutine(async () => {
  const cond = new asyncio.Condition();
  const tasks = [0, 1, 2, 3, 4].map((i) => asyncio.createTask(waiter(cond, `w${String(i)}`)));
  await asyncio.sleep(0);
  print("all waiting:", state(cond));
  await cond.with(async () => {
    cond.notify(2);
    print("notify(2), lock still held:", state(cond));
    await asyncio.sleep(0);
    print("woken ones queue for the lock:", state(cond));
  });
  print("main released");
  const [done] = await asyncio.wait(tasks.slice(0, 2));
  print("first two done:", [...done].map((t) => t.result()).sort(), state(cond));
  await cond.with(() => {
    cond.notifyAll();
    print("notify_all:", state(cond));
  });
  print(await asyncio.gather(...tasks.slice(2)));
  await cond.with(() => {
    cond.notify(5);
    print("notify with nobody waiting:", state(cond));
  });

  for (const [what, call] of [
    [
      "notify",
      () => {
        cond.notify();
      },
    ],
    [
      "notify_all",
      () => {
        cond.notifyAll();
      },
    ],
  ] as const) {
    try {
      call();
    } catch (exc) {
      if (!(exc instanceof asyncio.RuntimeError)) throw exc;
      print(what, "unlocked:", typeName(exc), str(exc));
    }
  }
  try {
    await cond.wait();
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("wait unlocked:", typeName(exc), str(exc));
  }

  const lock = new asyncio.Lock();
  const shared = new asyncio.Condition(lock);
  await lock.with(() => {
    print("shared lock held by the lock:", shared.locked(), state(shared));
  });
  await shared.with(() => {
    print("shared lock held by the condition:", lock.locked());
  });
});

await asyncio.run(main());
