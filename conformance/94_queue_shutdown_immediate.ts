// Pins reference §2.9 item 77 (3.13): shutdown(immediate=True) drops the queued items and counts them as done, so
// join() only waits for items already taken; blocked getters and putters raise QueueShutDown, and so does every
// later get, even get_nowait.
import * as asyncio from "../src/index.ts";
import { print, str, typeName } from "./_py.ts";

const joiner = asyncio.coroutine(async (q: asyncio.Queue<string>) => {
  await q.join();
  print("joiner: join() returned");
});

const getter = asyncio.coroutine(async (q: asyncio.Queue<string>, name: string) => {
  try {
    return await q.get();
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueShutDown)) throw exc;
    print(name, "raised QueueShutDown");
    return "shut down";
  }
});

const main = asyncio.coroutine(async () => {
  let q = new asyncio.Queue<string>(3);
  for (const item of ["a", "b", "c"]) {
    await q.put(item);
  }
  const taken = await q.get();
  print("took", taken, "|", q);
  const p = asyncio.createTask(() => q.put("d"));
  const p2 = asyncio.createTask(() => q.put("e"));
  const j = asyncio.createTask(joiner(q));
  await asyncio.sleep(0);
  print("blocked putter and joiner:", q);
  q.shutdown(true);
  print("shutdown(immediate=True):", q, "empty:", q.empty());
  const results = await asyncio.gather(p, p2, { returnExceptions: true });
  print(
    "putters:",
    results.map((r) => typeName(r)),
    q,
  );
  print("joiner done:", j.done());
  q.taskDone();
  print("task_done for", taken);
  await j;
  print("joined:", q);
  try {
    q.getNowait();
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueShutDown)) throw exc;
    print("get_nowait raises QueueShutDown");
  }

  q = new asyncio.Queue<string>();
  const gq = q;
  const gs = [0, 1, 2].map((i) => asyncio.createTask(getter(gq, `g${String(i)}`)));
  await asyncio.sleep(0);
  q.shutdown(true);
  print(await asyncio.gather(...gs));
  try {
    q.taskDone();
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("task_done:", typeName(exc), str(exc));
  }
});

await asyncio.run(main());
