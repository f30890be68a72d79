// Pins issue 8's create_task idioms from CPython's docs: create_task(barrier.wait()) for each of n parties,
// create_task(event.wait()), create_task(q.get()), create_task(lock.acquire()) and
// create_task(asyncio.sleep(0.01, "x")) run the library's coroutine in a task of its own (named after its
// __qualname__); nothing starts before the task's first step, and a cancelled get() or acquire() takes nothing.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

function qualname(task: asyncio.Task): string {
  return (task.getCoro() as asyncio.Coroutine).name;
}

const main = asyncio.coroutine(async () => {
  const barrier = new asyncio.Barrier(3);
  const tasks = [0, 1, 2].map(() => asyncio.createTask(barrier.wait()));
  print(
    "coro:",
    qualname(tasks[0] as asyncio.Task<number>),
    "names:",
    tasks.map((t) => t.getName()),
  );
  print("created, not started:", state(barrier), barrier.nWaiting);
  await asyncio.sleep(0);
  print(
    "after one step:",
    state(barrier),
    tasks.map((t) => t.done()),
  );
  print("indices:", await asyncio.gather(...tasks), state(barrier));

  const event = new asyncio.Event();
  const waiter = asyncio.createTask(event.wait());
  print("coro:", qualname(waiter), state(event));
  await asyncio.sleep(0);
  print("waiting:", state(event), waiter.done());
  event.set();
  print("event.wait() task:", await waiter);

  const q = new asyncio.Queue<string>();
  let getter = asyncio.createTask(q.get());
  print("coro:", qualname(getter), q);
  await asyncio.sleep(0);
  print("getter waiting:", q);
  q.putNowait("first");
  print("q.get() task:", await getter, q);
  getter = asyncio.createTask(q.get());
  await asyncio.sleep(0);
  getter.cancel();
  await asyncio.sleep(0);
  print("cancelled getter:", getter.cancelled(), q);
  q.putNowait("second");
  print("item stays:", q, q.getNowait());
  getter = asyncio.createTask(q.get());
  getter.cancel();
  q.putNowait("third");
  await asyncio.sleep(0);
  print("getter cancelled before its first step:", getter.cancelled(), q);

  const lock = new asyncio.Lock();
  let acquirer = asyncio.createTask(lock.acquire());
  print("coro:", qualname(acquirer), "locked before the first step:", lock.locked());
  print("lock.acquire() task:", await acquirer, state(lock));
  acquirer = asyncio.createTask(lock.acquire());
  await asyncio.sleep(0);
  print("second acquirer waiting:", state(lock));
  acquirer.cancel();
  await asyncio.sleep(0);
  print("cancelled acquirer:", acquirer.cancelled(), state(lock));
  lock.release();
  print("released:", state(lock));

  const sleeper = asyncio.createTask(asyncio.sleep(0.01, "x"));
  print("coro:", qualname(sleeper), sleeper.getName());
  print("sleep task:", await sleeper);
});

await asyncio.run(main());
