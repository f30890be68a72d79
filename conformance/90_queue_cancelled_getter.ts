// Pins reference §2.9 items 72 and 74: a getter woken by put_nowait() and then cancelled before it runs does not
// consume the item: it wakes the next getter instead; cancelled getters and putters leave the waiter queues; a
// get() cancelled by wait_for's timeout takes nothing.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const getter = asyncio.coroutine(async (q: asyncio.Queue<string>, name: string) => {
  let item: string;
  try {
    item = await q.get();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled; queue:", q);
    throw exc;
  }
  print(name, "got", item);
  return item;
});

const main = asyncio.coroutine(async () => {
  const q = new asyncio.Queue<string>();
  const g1 = asyncio.createTask(getter(q, "g1"));
  const g2 = asyncio.createTask(getter(q, "g2"));
  const g3 = asyncio.createTask(getter(q, "g3"));
  await asyncio.sleep(0);
  print("three getters:", q);
  g3.cancel();
  await asyncio.sleep(0);
  print("g3 left:", q);
  q.putNowait("x");
  g1.cancel();
  print("put x, then cancelled the woken g1:", q);
  const results = await asyncio.gather(g1, g2, g3, { returnExceptions: true });
  print("results:", results);
  print("queue:", q);

  try {
    await asyncio.waitFor(() => q.get(), 0.1);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("get timed out; queue:", q);
  }
  q.putNowait("y");
  print("y stays:", q, "get_nowait:", q.getNowait());

  const q1 = new asyncio.Queue<string>(1);
  q1.putNowait("full");
  const p1 = asyncio.createTask(() => q1.put("p1"));
  const p2 = asyncio.createTask(() => q1.put("p2"));
  await asyncio.sleep(0);
  print("two putters:", q1);
  print("get:", q1.getNowait());
  p1.cancel();
  await asyncio.sleep(0);
  print("woken p1 cancelled, p2 woken instead:", p1.cancelled(), q1);
  await p2;
  print("p2 put:", q1);
});

await asyncio.run(main());
