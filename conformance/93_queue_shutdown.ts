// Pins reference §2.9 item 77 (3.13): shutdown() wakes every blocked getter and putter; putters raise QueueShutDown,
// getters raise once the queue is empty, items already queued can still be taken; later puts raise; join() still
// counts the items; shutting down twice is harmless.
import * as asyncio from "../src/index.ts";
import { print, repr, typeName } from "./_py.ts";

const getter = asyncio.coroutine(async (q: asyncio.Queue<string>, name: string) => {
  let item: string;
  try {
    item = await q.get();
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueShutDown)) throw exc;
    print(name, "got", typeName(exc), repr(exc));
    return "shut down";
  }
  print(name, "got", item);
  return item;
});

const putter = asyncio.coroutine(async (q: asyncio.Queue<string>, item: string) => {
  try {
    await q.put(item);
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueShutDown)) throw exc;
    print("put", item, "raised QueueShutDown; queue:", q);
    return "shut down";
  }
  print("put", item);
  return item;
});

const main = asyncio.coroutine(async () => {
  const empty = new asyncio.Queue<string>();
  const getters = [0, 1].map((i) => asyncio.createTask(getter(empty, `g${String(i)}`)));
  const full = new asyncio.Queue<string>(2);
  full.putNowait("a");
  full.putNowait("b");
  const putters = ["c", "d"].map((item) => asyncio.createTask(putter(full, item)));
  await asyncio.sleep(0);
  print("blocked:", empty, "|", full);
  empty.shutdown();
  full.shutdown();
  print("after shutdown():", empty, "|", full);
  print(await asyncio.gather(...getters, ...putters));

  print("drain:", full.getNowait(), await full.get());
  for (const [what, call] of [
    ["get_nowait", () => full.getNowait()],
    [
      "put_nowait",
      () => {
        full.putNowait("e");
      },
    ],
  ] as const) {
    try {
      call();
    } catch (exc) {
      if (!(exc instanceof asyncio.QueueShutDown)) throw exc;
      print(what, "after drain:", typeName(exc));
    }
  }
  print("late get:", await getter(full, "late"));
  print("late put:", await putter(full, "f"));
  print("unfinished before task_done:", full);
  const j = asyncio.createTask(() => full.join());
  full.taskDone();
  full.taskDone();
  await j;
  print("joined:", full);
  full.shutdown();
  print("twice:", full);
});

await asyncio.run(main());
