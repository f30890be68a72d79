// Pins reference §2.3 item 25: create_task only schedules the first step; tasks start in creation order once the
// creator yields, interleaved FIFO with other ready callbacks.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const worker = asyncio.coroutine(async (name: string) => {
  print("start", name);
  await asyncio.sleep(0);
  print("end", name);
  return name;
});

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  loop.callSoon(print, "callback cb0");
  const t1 = asyncio.createTask(worker("t1"));
  loop.callSoon(print, "callback cb1");
  const t2 = asyncio.createTask(worker("t2"));
  print("created, t1 done:", t1.done());
  await asyncio.sleep(0);
  print("main resumed");
  print("await t1 ->", await t1);
  print("await t2 ->", await t2);
  const coro = worker("plain coroutine");
  print("coroutine created, nothing ran yet");
  print("await coroutine ->", await coro);
});

await asyncio.run(main());
