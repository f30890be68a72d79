// Pins reference §2.10 item 85 through CPython's test_acquire_fifo_order_2/3/4, test_acquire_cancel_before_awoken
// and test_acquire_hang: waiters enter in FIFO order even when a permit is released and re-acquired in between; a
// successful acquire wakes further waiters while permits are left; cancelled waiters never strand a permit.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const fifo2 = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(1);
  const result: number[] = [];

  const c1 = asyncio.coroutine(async () => {
    await sem.acquire();
    result.push(1);
  });

  const c2 = asyncio.coroutine(async () => {
    await sem.acquire();
    result.push(2);
    sem.release();
    await sem.acquire();
    result.push(4);
  });

  const c3 = asyncio.coroutine(async () => {
    await sem.acquire();
    result.push(3);
  });

  const tasks = [c1, c2, c3].map((c) => asyncio.createTask(c()));
  await asyncio.sleep(0);
  sem.release();
  sem.release();
  await asyncio.gather(...tasks);
  print("fifo 2:", result, state(sem));
});

const fifo3 = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(0);
  const result: number[] = [];

  const c = asyncio.coroutine(async (n: number) => {
    await sem.acquire();
    result.push(n);
  });

  const tasks = [1, 2, 3].map((n) => asyncio.createTask(c(n)));
  await asyncio.sleep(0);
  tasks[0]?.cancel();
  await asyncio.sleep(0);
  sem.release();
  sem.release();
  await asyncio.gather(...tasks, { returnExceptions: true });
  print("fifo 3:", result, state(sem));
});

const fifo4 = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(0);
  const result: number[] = [];
  let t4: asyncio.Task | null = null;

  const c4 = asyncio.coroutine(async () => {
    result.push(4);
  });

  const c1 = asyncio.coroutine(async () => {
    await sem.acquire();
    t4 = asyncio.createTask(c4());
    result.push(1);
  });

  const c2 = asyncio.coroutine(async () => {
    sem.release();
    sem.release();
    sem.release();
    print("  c2 released three times:", state(sem), "locked:", sem.locked());
    await sem.acquire();
    result.push(2);
  });

  const c3 = asyncio.coroutine(async () => {
    await sem.acquire();
    print("  c3 in; locked:", sem.locked());
    result.push(3);
  });

  const tasks = [c1, c2, c3].map((c) => asyncio.createTask(c()));
  await asyncio.gather(...tasks);
  await (t4 as asyncio.Task | null);
  print("fifo 4:", result, state(sem));
});

const cancelBeforeAwoken = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(0);
  const tasks = [0, 1, 2, 3].map(() => asyncio.createTask(() => sem.acquire()));
  await asyncio.sleep(0);
  tasks[0]?.cancel();
  tasks[1]?.cancel();
  sem.release();
  await asyncio.sleep(0);
  await asyncio.sleep(0);
  print(
    "cancel before awoken: done",
    tasks.map((t) => t.done()),
    "cancelled",
    tasks.map((t) => t.cancelled()),
  );
  tasks[2]?.cancel();
  tasks[3]?.cancel();
  await asyncio.sleep(0);
  print("  cleaned up:", state(sem));
});

const hang = asyncio.coroutine(async () => {
  const sem = new asyncio.Semaphore(0);
  const t1 = asyncio.createTask(() => sem.acquire());
  const t2 = asyncio.createTask(() => sem.acquire());
  await asyncio.sleep(0);
  t1.cancel();
  sem.release();
  await asyncio.sleep(0);
  await asyncio.sleep(0);
  print("hang: locked", sem.locked(), "t2 done", t2.done(), "t1 cancelled", t1.cancelled(), state(sem));
});

const main = asyncio.coroutine(async () => {
  await fifo2();
  await fifo3();
  await fifo4();
  await cancelBeforeAwoken();
  await hang();
});

await asyncio.run(main());
