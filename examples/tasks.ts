// Seed: scheduling coroutines concurrently with createTask (sleeps scaled down 10x).
import * as asyncio from "../src/index.ts";

const taskExample = asyncio.coroutine("taskExample", async (name: string, delay: number) => {
  await asyncio.sleep(delay);
  console.log(`Task ${name} completed`);
});

const count = asyncio.coroutine("count", async (name: string, n: number) => {
  for (let i = 0; i < n; i++) {
    console.log(`${name} - ${i}`);
    await asyncio.sleep(0.1);
  }
});

const main = asyncio.coroutine("main", async () => {
  const task1 = asyncio.createTask(taskExample("A", 0.2));
  const task2 = asyncio.createTask(taskExample("B", 0.1));
  await task1;
  await task2;

  const c1 = asyncio.createTask(count("Task1", 3));
  const c2 = asyncio.createTask(count("Task2", 2));
  await c1;
  await c2;
});

await asyncio.run(main());
