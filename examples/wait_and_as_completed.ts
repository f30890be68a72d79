// Seed: wait(FIRST_COMPLETED) then cancel the rest; as_completed in completion order.
import * as asyncio from "../src/index.ts";

const task = asyncio.coroutine("task", async (n: number) => {
  await asyncio.sleep(n / 10);
  return n;
});

const main = asyncio.coroutine("main", async () => {
  const tasks = [asyncio.createTask(task(1)), asyncio.createTask(task(2)), asyncio.createTask(task(3))];
  const [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });
  for (const d of done) console.log(`Task completed with result: ${d.result()}`);
  for (const p of pending) {
    console.log("Cancelling a pending task");
    p.cancel();
  }

  for (const next of asyncio.asCompleted([task(3), task(1), task(2)])) {
    const result = await next;
    console.log(`Completed task with result: ${result}`);
  }
});

await asyncio.run(main());
