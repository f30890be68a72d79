// The asyncio notes' "practical example": two async tasks sleep while a blocking sync task runs on a
// ThreadPoolExecutor through runInExecutor(). The sync task runs on a worker thread: it is
// self-contained (sent by source), blocks with Atomics.wait (time.sleep) and prints with
// console.log, which reaches the process's stdout through the main thread.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const asyncTask = asyncio.coroutine(async (name: string) => {
  print(`Async task ${name} started`);
  await asyncio.sleep(0.5);
  print(`Async task ${name} finished`);
});

function syncTask(name: string): void {
  const sleep = (seconds: number): void => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
  };
  sleep(0.1);
  console.log(`Sync task ${name} started`);
  sleep(0.5);
  console.log(`Sync task ${name} finished`);
}

const runSyncTask = asyncio.coroutine(async (name: string) => {
  const loop = asyncio.getEventLoop();
  await using executor = new asyncio.ThreadPoolExecutor();
  await loop.runInExecutor(executor, syncTask, name);
});

const main = asyncio.coroutine(async () => {
  // Start async tasks
  const task1 = asyncio.createTask(asyncTask("1"));
  const task2 = asyncio.createTask(asyncTask("2"));

  // Start sync task
  await runSyncTask("sync");

  // Await async tasks
  await task1;
  await task2;
  print("all done");
});

await asyncio.run(main());
