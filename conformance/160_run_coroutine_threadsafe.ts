// run_coroutine_threadsafe into the loop of another thread (the asyncio docs' "Scheduling From
// Other Threads"): a worker thread runs a loop of its own; the main thread submits coroutines to
// it and waits for the ConcurrentFuture with result(timeout) (blocking) or, from its own loop,
// with wrapFuture. Cancellation crosses both ways, an error crosses with its type and message, the
// worker's coroutine calls back into the main thread's loop, and callSoonThreadsafe runs a
// callback there. What runs on the worker's loop is logged there and read back by the main
// thread, so the output does not depend on how the threads' prints interleave.
// A loop and a coroutine cannot cross threads in JavaScript: the worker sends its loop's
// threadHandle() (a MessagePort) to the main thread, and the coroutines travel by reference to
// this module's exports. Each thread imports this module to find them, so neither thread's part
// may await at the top level (the import would wait for it).
import { once } from "node:events";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const self = import.meta.url;
const ref = (name: string): asyncio.FunctionRef => ({ module: self, name });

const log: string[] = [];

export const add = asyncio.coroutine("add", async (a: number, b: number) => {
  await asyncio.sleep(0.01);
  return a + b;
});

export const fail = asyncio.coroutine("fail", async (message: string) => {
  await asyncio.sleep(0);
  throw new RangeError(message);
});

export const sleepLong = asyncio.coroutine("sleepLong", async (tag: string) => {
  try {
    await asyncio.sleep(3600);
  } catch (e) {
    if (e instanceof asyncio.CancelledError) log.push(`${tag} cancelled`);
    throw e;
  }
});

export const cancelSelf = asyncio.coroutine("cancelSelf", async () => {
  asyncio.currentTask()?.cancel();
  await asyncio.sleep(0);
});

export const readLog = asyncio.coroutine("readLog", async () => {
  await asyncio.sleep(0.05);
  return log.splice(0);
});

export function record(entry: string): void {
  log.push(entry);
}

// On the worker's loop: run add() on the main thread's loop and wait from this loop.
export const callBack = asyncio.coroutine(
  "callBack",
  async (mainLoop: asyncio.ThreadHandleLike, a: number, b: number) =>
    await asyncio.wrapFuture(asyncio.runCoroutineThreadsafe<number>(ref("add"), [a, b], mainLoop)),
);

export function stop(): void {
  asyncio.getRunningLoop().stop();
}

/** Python's start_loop_thread(): the worker and its loop's handle. */
async function startLoopThread(): Promise<[Worker, asyncio.ThreadHandleLike]> {
  const thread = new Worker(new URL(self), { workerData: "loop" });
  const [handle] = (await once(thread, "message")) as [asyncio.ThreadHandleLike];
  return [thread, handle];
}

async function mainThread(): Promise<void> {
  const [thread, loop] = await startLoopThread();
  // Both listened for now: a thread's last message and its 'exit' may come in one go.
  const closed = once(thread, "message") as Promise<[boolean]>;
  const exited = once(thread, "exit") as Promise<[number]>;

  // result(timeout) blocks the main thread until the worker's loop has run the coroutine.
  let future = asyncio.runCoroutineThreadsafe(ref("add"), [1, 2], loop);
  print("result:", future.result(5));
  print("done:", future.done(), "cancelled:", future.cancelled());

  // An error crosses with its type and message.
  future = asyncio.runCoroutineThreadsafe(ref("fail"), ["bad input"], loop);
  try {
    future.result(5);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print("error:", typeName(e), e.message);
  }

  // result(timeout) expires: TimeoutError; cancelling the future then cancels the task.
  future = asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["blocked"], loop);
  try {
    future.result(0.05);
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
    print("timed out, done:", future.done());
  }
  print("cancel:", future.cancel(), "cancelled:", future.cancelled());
  print("worker log:", asyncio.runCoroutineThreadsafe(ref("readLog"), [], loop).result(5));

  // A task cancelled on its own loop cancels the future.
  future = asyncio.runCoroutineThreadsafe(ref("cancelSelf"), [], loop);
  try {
    future.result(5);
  } catch (e) {
    if (!(e instanceof asyncio.CancelledError)) throw e;
    print("cancelled on its loop:", future.cancelled());
  }

  // callSoonThreadsafe runs a callback on the worker's loop.
  asyncio.callSoonThreadsafe(loop, ref("record"), "callback ran");
  print("worker log:", asyncio.runCoroutineThreadsafe(ref("readLog"), [], loop).result(5));

  const main = asyncio.coroutine("main", async () => {
    const mainLoop = asyncio.getRunningLoop().threadHandle();
    // Awaited from this thread's loop.
    print("awaited:", await asyncio.wrapFuture(asyncio.runCoroutineThreadsafe(ref("add"), [2, 3], loop)));
    // The worker's coroutine calls back into this loop.
    print(
      "call back:",
      await asyncio.wrapFuture(asyncio.runCoroutineThreadsafe(ref("callBack"), [mainLoop, 3, 4], loop)),
    );
    // Cancelling the task that awaits the future cancels the task on the worker's loop.
    const remoteSleep = asyncio.coroutine(
      "remoteSleep",
      async () =>
        await asyncio.wrapFuture(asyncio.runCoroutineThreadsafe(ref("sleepLong"), ["awaited"], loop)),
    );
    const task = asyncio.createTask(remoteSleep());
    await asyncio.sleep(0.05);
    task.cancel();
    try {
      await task;
    } catch (e) {
      if (!(e instanceof asyncio.CancelledError)) throw e;
      print("awaiting task cancelled:", task.cancelled());
    }
    print("worker log:", await asyncio.wrapFuture(asyncio.runCoroutineThreadsafe(ref("readLog"), [], loop)));
  });

  try {
    await asyncio.run(main());
  } finally {
    asyncio.callSoonThreadsafe(loop, ref("stop"));
    const [loopClosed] = await closed;
    const [code] = await exited;
    print("thread ended:", code === 0, "loop closed:", loopClosed);
  }
}

if (isMainThread) {
  void mainThread();
} else if (workerData === "loop") {
  // Python's thread target: a loop of its own, run until stopped, then closed.
  const loop = asyncio.newEventLoop();
  const handle = loop.threadHandle();
  parentPort?.postMessage(handle, [handle.port]);
  void loop.runForever().then(() => {
    loop.close();
    parentPort?.postMessage(loop.isClosed());
  });
}
