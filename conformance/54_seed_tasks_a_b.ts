// Pins seeds 000/001/002 (tasks): task A (long) and B (short) run concurrently and B completes first; task1/task2
// started/finished; my_task "Task completed" (delays scaled to 0.06/0.03).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const taskExample = asyncio.coroutine(async (name: string, delay: number) => {
  await asyncio.sleep(delay);
  print(`Task ${name} completed`);
});

const main = asyncio.coroutine(async () => {
  const task1 = asyncio.createTask(taskExample("A", 0.06));
  const task2 = asyncio.createTask(taskExample("B", 0.03));
  await task1;
  await task2;
});

const task1 = asyncio.coroutine(async () => {
  print("Task 1 started");
  await asyncio.sleep(0.06);
  print("Task 1 finished");
});

const task2 = asyncio.coroutine(async () => {
  print("Task 2 started");
  await asyncio.sleep(0.03);
  print("Task 2 finished");
});

const main2 = asyncio.coroutine(async () => {
  const t1 = asyncio.createTask(task1());
  const t2 = asyncio.createTask(task2());
  await t1;
  await t2;
});

const myTask = asyncio.coroutine(async () => {
  await asyncio.sleep(0.01);
  print("Task completed");
});

const main3 = asyncio.coroutine(async () => {
  const task = asyncio.createTask(myTask());
  await task;
});

await asyncio.run(main());
await asyncio.run(main2());
await asyncio.run(main3());
