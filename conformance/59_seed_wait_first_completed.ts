// Pins seed 002 (asyncio.wait): FIRST_COMPLETED returns the fastest task; the pending ones are cancelled
// (task(n) sleeps n * 0.1).
import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

const task = asyncio.coroutine(async (n: number) => {
  await asyncio.sleep(n * 0.1);
  return n;
});

const main = asyncio.coroutine(async () => {
  const tasks = [asyncio.createTask(task(1)), asyncio.createTask(task(2)), asyncio.createTask(task(3))];
  const [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });

  for (const d of done) {
    print(`Task completed with result: ${str(d.result())}`);
  }

  for (const p of pending) {
    print("Cancelling a pending task");
    p.cancel();
  }
});

await asyncio.run(main());
