// Pins reference §0 and §2.10 item 82: wait() on a set Event, an uncontended Lock or Semaphore acquire, get() on a
// non-empty Queue and put() on a non-full one return without yielding to the loop: a ticker task that prints every
// iteration never runs in between; sleep(0) and wait() on a clear Event do yield.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const ticker = asyncio.coroutine(async (event: asyncio.Event) => {
  for (let i = 0; i < 8; i++) {
    print("  tick", i);
    if (i === 4) {
      print("  ticker sets the event");
      event.set();
    }
    await asyncio.sleep(0);
  }
});

const main = asyncio.coroutine(async () => {
  const event = new asyncio.Event();
  event.set();
  const t = asyncio.createTask(ticker(event));
  await asyncio.sleep(0);
  const lock = new asyncio.Lock();
  const sem = new asyncio.Semaphore(2);
  const queue = new asyncio.Queue<number>(3);
  print("main: awaiting fast paths");
  for (let n = 0; n < 3; n++) {
    await event.wait();
  }
  await lock.acquire();
  lock.release();
  await lock.with(() => undefined);
  await sem.acquire();
  await sem.with(() => undefined);
  sem.release();
  await queue.put(1);
  await queue.put(2);
  print("main: got", await queue.get(), await queue.get());
  print("main: still no tick; now sleep(0)");
  await asyncio.sleep(0);
  print("main: after sleep(0)");
  event.clear();
  print("main: wait on a clear event");
  await event.wait();
  print("main: woke");
  await t;
  print("main: ticker done");
});

await asyncio.run(main());
