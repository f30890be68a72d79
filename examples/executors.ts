// Seed: executors. A blocking function runs on a ThreadPoolExecutor through runInExecutor() while
// async tasks go on ("practical example"; sleeps scaled down). The blocking function runs on a
// worker thread, so it is self-contained; Atomics.wait is its time.sleep.
import * as asyncio from "../src/index.ts";

function blockingTask(n: number): string {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, n * 1000);
  return "Done";
}

function syncTask(name: string): void {
  const sleep = (s: number): void => {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s * 1000);
  };
  sleep(0.05);
  console.log(`Sync task ${name} started`);
  sleep(0.3);
  console.log(`Sync task ${name} finished`);
}

// A named function expression may call itself: its source carries its name.
function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

const asyncTask = asyncio.coroutine("asyncTask", async (name: string) => {
  console.log(`Async task ${name} started`);
  await asyncio.sleep(0.2);
  console.log(`Async task ${name} finished`);
});

const main = asyncio.coroutine("main", async () => {
  const loop = asyncio.getRunningLoop();
  {
    await using executor = new asyncio.ThreadPoolExecutor();
    console.log(await loop.runInExecutor(executor, blockingTask, 0.1));
  }

  const task1 = asyncio.createTask(asyncTask("1"));
  const task2 = asyncio.createTask(asyncTask("2"));
  {
    await using executor = new asyncio.ThreadPoolExecutor();
    await loop.runInExecutor(executor, syncTask, "sync");
  }
  await task1;
  await task2;

  // CPU-bound work in parallel: toThread uses the loop's default executor.
  const results = await asyncio.gather(asyncio.toThread(fib, 25), asyncio.toThread(fib, 26));
  console.log("fib(25), fib(26) =", results);
});

await asyncio.run(main());
