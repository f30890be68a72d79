// Pins reference §2.9 item 73: waking a getter does not reserve the item: another task's get_nowait() can take it
// first, and the woken getter finds the queue empty and waits again, now behind the other getters; the same holds
// for a putter whose free slot is taken by put_nowait().
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const getter = asyncio.coroutine(async (q: asyncio.Queue<string>, name: string) => {
  const item = await q.get();
  print(name, "got", item);
  return item;
});

const putter = asyncio.coroutine(async (q: asyncio.Queue<number>, item: number) => {
  await q.put(item);
  print("put", item);
});

const main = asyncio.coroutine(async () => {
  const q = new asyncio.Queue<string>();
  const g1 = asyncio.createTask(getter(q, "g1"));
  const g2 = asyncio.createTask(getter(q, "g2"));
  await asyncio.sleep(0);
  print("two getters:", q);
  q.putNowait("x");
  print("put x, woke g1:", q);
  print("main steals:", q.getNowait());
  await asyncio.sleep(0);
  print("g1 waits again:", q);
  q.putNowait("y");
  await asyncio.sleep(0);
  q.putNowait("z");
  print(await asyncio.gather(g1, g2));

  const q1 = new asyncio.Queue<number>(1);
  q1.putNowait(0);
  const p1 = asyncio.createTask(putter(q1, 1));
  const p2 = asyncio.createTask(putter(q1, 2));
  await asyncio.sleep(0);
  print("two putters:", q1);
  print("get:", q1.getNowait(), "woke p1:", q1);
  q1.putNowait(10);
  print("main took the slot:", q1);
  await asyncio.sleep(0);
  print("p1 waits again:", q1);
  print("get:", q1.getNowait());
  await asyncio.sleep(0);
  print("get:", q1.getNowait());
  await asyncio.sleep(0);
  print("get:", q1.getNowait());
  await asyncio.gather(p1, p2);
  print("end:", q1);
});

await asyncio.run(main());
