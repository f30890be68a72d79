// Pins reference §2.10 item 84: wait_for(predicate) checks the predicate before waiting and after every wake-up,
// and returns its (truthy) value; a predicate already true does not wait.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const consumer = asyncio.coroutine(async (cond: asyncio.Condition, box: number[]) => {
  function ready(): false | number[] {
    print("  predicate sees", box);
    return box.length >= 3 && [...box];
  }

  const result = await cond.with(async () => {
    const result = await cond.waitFor(ready);
    print("wait_for returned", result, "locked:", cond.locked());
    return result;
  });
  return result;
});

const main = asyncio.coroutine(async () => {
  const box: number[] = [];
  const cond = new asyncio.Condition();
  const t = asyncio.createTask(consumer(cond, box));
  for (let i = 0; i < 4; i++) {
    await asyncio.sleep(0);
    await cond.with(() => {
      box.push(i);
      print("appended", i);
      cond.notify();
    });
  }
  print("consumer result:", await t);
  await cond.with(async () => {
    print("already true:", await cond.waitFor(() => "at once"));
  });
});

await asyncio.run(main());
