// The asyncio notes' executor example: a blocking function runs on a ThreadPoolExecutor through
// loop.runInExecutor() while the loop stays free (a ticker task shows it ran meanwhile); then errors
// from the executor, the default executor (null), toThread() and a gather of toThread() calls.
// A worker thread shares no heap: the functions are self-contained and travel by source, and the
// blocking sleep is Atomics.wait (Python's time.sleep).
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

function blockingTask(n: number): string {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, n * 1000);
  return "Done";
}

const ticker = asyncio.coroutine(async (ticks: number[]) => {
  for (let i = 0; i < 3; i++) {
    await asyncio.sleep(0.05);
    ticks.push(i);
  }
});

const runBlockingTask = asyncio.coroutine(async () => {
  const loop = asyncio.getEventLoop();
  const ticks: number[] = [];
  const tickTask = asyncio.createTask(ticker(ticks));
  let result: string;
  {
    await using executor = new asyncio.ThreadPoolExecutor();
    result = await loop.runInExecutor(executor, blockingTask, 0.3);
  }
  print(result);
  print("the loop ran meanwhile:", ticks);
  await tickTask;
});

const errorsAndDefaultExecutor = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();

  const fails = (x: number): never => {
    throw new RangeError(`bad value ${String(x)}`);
  };

  try {
    await loop.runInExecutor(null, fails, 7);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print("error from the executor:", typeName(e), e.message);
  }

  const add = (a: number, b: number): number => a + b;

  print("default executor:", await loop.runInExecutor(null, add, 2, 3));
  print("to_thread:", await asyncio.toThread(add, 4, 5));
  const results = await asyncio.gather(...[0, 1, 2, 3, 4].map((i) => asyncio.toThread(add, i, i)));
  print("gathered:", results);
});

await asyncio.run(runBlockingTask());
await asyncio.run(errorsAndDefaultExecutor());
