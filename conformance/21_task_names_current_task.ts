// Pins reference §2.3 items 37 and 40: default names Task-N from a counter (named tasks do not use a number),
// set_name, current_task() in tasks and None in plain callbacks and done callbacks, all_tasks().
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const worker = asyncio.coroutine(async () => {
  print("worker sees current task", asyncio.currentTask()?.getName());
  await asyncio.sleep(0);
});

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const me = asyncio.currentTask();
  print("main is", me?.getName());
  const named = asyncio.createTask(worker(), { name: "worker" });
  const unnamed = asyncio.createTask(worker());
  const third = loop.createTask(worker());
  print("names:", named.getName(), unnamed.getName(), third.getName());
  third.setName("renamed");
  print("after set_name:", third.getName());
  print("all_tasks:", [...asyncio.allTasks()].map((t) => t.getName()).sort());
  loop.callSoon(() => {
    print("current_task in callback:", asyncio.currentTask());
  });
  named.addDoneCallback(() => {
    print("current_task in done callback:", asyncio.currentTask());
  });
  await asyncio.gather(named, unnamed, third);
  await asyncio.sleep(0);
  print("current_task is main:", asyncio.currentTask() === me);
  print("all_tasks now:", [...asyncio.allTasks()].map((t) => t.getName()).sort());
  print("next default name:", asyncio.createTask(worker()).getName());
  await asyncio.sleep(0);
});

await asyncio.run(main());
