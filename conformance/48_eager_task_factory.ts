// Pins reference §2.11 items 88-89: with eager_task_factory the first step runs inside create_task() before it
// returns (current_task() is the new task); a task that blocks continues like a normal task; gather() and
// set_task_factory(None). (Completion during the eager step: 68_eager_task_completes_in_create_task.)

import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const quick = asyncio.coroutine(async () => {
  print("quick: body runs, current task is not main:", asyncio.currentTask() !== mainTask);
  return "quick result";
});

const blocking = asyncio.coroutine(async () => {
  print("blocking: before await");
  await asyncio.sleep(0.01);
  print("blocking: after await");
  return "blocking result";
});

const main = asyncio.coroutine(async () => {
  mainTask = asyncio.currentTask();
  const loop = asyncio.getRunningLoop();
  loop.setTaskFactory(asyncio.eagerTaskFactory);
  print("before create_task");
  const t = asyncio.createTask(quick());
  print("after create_task");
  print("await ->", await t);

  print("before create_task 2");
  const t2 = asyncio.createTask(blocking());
  print("after create_task 2: done", t2.done(), "in all_tasks:", asyncio.allTasks().has(t2));
  print("await ->", await t2);

  const results = await asyncio.gather(quick(), blocking());
  print("gather ->", results);

  loop.setTaskFactory(null);
  const t3 = asyncio.createTask(quick());
  print("factory reset: done", t3.done());
  print("await ->", await t3);
});

let mainTask: asyncio.Task | null = null;
await asyncio.run(main());
