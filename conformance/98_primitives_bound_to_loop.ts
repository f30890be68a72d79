// Pins reference §2.10 item 81: a primitive binds to the first event loop it blocks on; its fast paths never touch a
// loop, so they keep working under another asyncio.run(), but blocking there is a RuntimeError that names it.
import * as asyncio from "../src/index.ts";
import { print, str, typeName } from "./_py.ts";

const lock = new asyncio.Lock();
const event = new asyncio.Event();
const queue = new asyncio.Queue<string | number>();

function tail(exc: unknown): string {
  const text = str(exc);
  return text.slice(text.indexOf("> ") + 2);
}

const first = asyncio.coroutine(async () => {
  await lock.acquire();
  const waiter = asyncio.createTask(() => lock.acquire());
  const getter = asyncio.createTask(() => queue.get());
  const ev = asyncio.createTask(() => event.wait());
  await asyncio.sleep(0);
  lock.release();
  queue.putNowait("item");
  event.set();
  await asyncio.gather(waiter, getter, ev);
  lock.release();
  event.clear();
  print("first run: all three blocked once and were woken");
});

const fresh = asyncio.coroutine(async () => {
  const other = new asyncio.Lock();
  await other.acquire();
  const t = asyncio.createTask(() => other.acquire());
  await asyncio.sleep(0);
  other.release();
  return await t;
});

const second = asyncio.coroutine(async () => {
  await lock.with(() => {
    print("second run: uncontended acquire works");
  });
  queue.putNowait(1);
  print("second run: get on a non-empty queue works:", await queue.get());
  event.set();
  print("second run: wait on a set event works:", await event.wait());
  event.clear();
  await lock.acquire();
  for (const [name, make] of [
    ["lock", () => lock.acquire()],
    ["queue", () => queue.get()],
    ["event", () => event.wait()],
  ] as const) {
    try {
      await make();
    } catch (exc) {
      if (!(exc instanceof asyncio.RuntimeError)) throw exc;
      print(name, "blocking on another loop:", typeName(exc), "...", tail(exc));
    }
  }
  lock.release();
  print("fresh lock blocks fine:", await fresh());
});

await asyncio.run(first());
await asyncio.run(second());
