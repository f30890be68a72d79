// Seed: asyncio.gather keeps argument order, whatever the completion order.
import * as asyncio from "../src/index.ts";

const task = asyncio.coroutine("task", async (name: string, delay: number) => {
  await asyncio.sleep(delay);
  return `Task ${name} completed`;
});

const main = asyncio.coroutine("main", async () => {
  const results = await asyncio.gather(task("A", 0.2), task("B", 0.1), task("C", 0.3));
  console.log(results);
});

await asyncio.run(main());
