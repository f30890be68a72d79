// Pins reference §2.10 item 82: set() wakes every waiter, and a clear() right after set() does not stop them: each
// wait() returns True; a cancelled waiter leaves; set() twice is harmless; repr states.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const waiter = asyncio.coroutine(async (event: asyncio.Event, name: string) => {
  print(name, "waits");
  const result = await event.wait();
  print(name, "woke with", result, "is_set:", event.isSet());
  return name;
});

const main = asyncio.coroutine(async () => {
  const event = new asyncio.Event();
  print("new:", state(event), event.isSet());
  const tasks = ["a", "b", "c"].map((name) => asyncio.createTask(waiter(event, name)));
  await asyncio.sleep(0);
  print("waiting:", state(event));
  event.set();
  event.clear();
  print("set then clear:", state(event), event.isSet());
  print(await asyncio.gather(...tasks));
  print("after:", state(event));

  const t = asyncio.createTask(() => event.wait());
  await asyncio.sleep(0);
  print("one waiter:", state(event));
  t.cancel();
  await asyncio.sleep(0);
  print("cancelled waiter gone:", state(event), t.cancelled());

  event.set();
  event.set();
  print("set twice:", state(event));
  print("wait on a set event:", await event.wait());
  event.clear();
  const late = asyncio.createTask(waiter(event, "late"));
  await asyncio.sleep(0);
  const loop = asyncio.getRunningLoop();
  loop.callSoon(() => {
    event.set();
  });
  print("late got", await late);
});

await asyncio.run(main());
