// Pins reference §2.6 item 56: with a timeout, the next item after the deadline raises TimeoutError; unfinished
// tasks are not cancelled.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const job = asyncio.coroutine(async (delay: number, value: string) => {
  await asyncio.sleep(delay);
  return value;
});

const main = asyncio.coroutine(async () => {
  const fast = asyncio.createTask(job(0.03, "fast"));
  const slow = asyncio.createTask(job(0.3, "slow"));
  try {
    for (const aw of asyncio.asCompleted([fast, slow], { timeout: 0.15 })) {
      print("got", await aw);
    }
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("plain iteration:", typeName(exc));
  }
  print("slow cancelled:", slow.cancelled(), "done:", slow.done());

  const late = asyncio.createTask(job(0.3, "late"));
  try {
    for await (const t of asyncio.asCompleted([late], { timeout: 0.05 })) {
      print("not reached", t);
    }
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("async iteration:", typeName(exc));
  }
  print("slow ->", await slow);
  print("late ->", await late);
});

await asyncio.run(main());
