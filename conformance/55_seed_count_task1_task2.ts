// Pins seed 000 (create_task): count("Task1", 3) and count("Task2", 2) interleave step by step with equal sleeps.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const count = asyncio.coroutine(async (name: string, n: number) => {
  for (let i = 0; i < n; i++) {
    print(`${name} - ${String(i)}`);
    await asyncio.sleep(0.03);
  }
});

const main = asyncio.coroutine(async () => {
  const task1 = asyncio.createTask(count("Task1", 3));
  const task2 = asyncio.createTask(count("Task2", 2));
  await task1;
  await task2;
});

await asyncio.run(main());
