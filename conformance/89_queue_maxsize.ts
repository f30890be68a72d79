// Pins reference §2.9 item 75 and the nowait errors: a full bounded queue blocks put() until a get() frees a slot,
// putters are served FIFO; put_nowait() on a full queue raises QueueFull and get_nowait() on an empty one
// QueueEmpty; maxsize <= 0 is unbounded; full() is qsize() >= maxsize, so a float maxsize of 1.5 holds 2 items.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

const putter = asyncio.coroutine(async (q: asyncio.Queue<string>, item: string) => {
  print("putting", item);
  await q.put(item);
  print("put", item, "done");
});

const main = asyncio.coroutine(async () => {
  const q = new asyncio.Queue<string>(2);
  print("maxsize:", q.maxsize, "empty:", q.empty(), "full:", q.full());
  await q.put("a");
  await q.put("b");
  print("two items:", q, "full:", q.full(), "qsize:", q.qsize());
  try {
    q.putNowait("x");
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueFull)) throw exc;
    print("put_nowait:", typeName(exc), repr(exc), repr(str(exc)));
  }
  const p1 = asyncio.createTask(putter(q, "c"));
  const p2 = asyncio.createTask(putter(q, "d"));
  await asyncio.sleep(0);
  print("blocked putters:", q);
  print("get:", await q.get());
  print("after one get:", q);
  await asyncio.sleep(0);
  print("one iteration later:", q);
  print("get:", await q.get(), "get:", await q.get());
  await asyncio.gather(p1, p2);
  print("both putters done:", q);
  print("get:", q.getNowait());
  try {
    q.getNowait();
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueEmpty)) throw exc;
    print("get_nowait:", typeName(exc), repr(exc), repr(str(exc)));
  }

  for (const maxsize of [0, -1]) {
    const q = new asyncio.Queue<number>(maxsize);
    for (let i = 0; i < 100; i++) {
      q.putNowait(i);
    }
    print("maxsize", maxsize, "holds", q.qsize(), "full:", q.full());
  }

  const qf = new asyncio.Queue<number>(1.5);
  qf.putNowait(1);
  print("maxsize 1.5, one item, full:", qf.full());
  qf.putNowait(2);
  print("two items, full:", qf.full(), qf);
  try {
    qf.putNowait(3);
  } catch (exc) {
    if (!(exc instanceof asyncio.QueueFull)) throw exc;
    print("a third item does not fit");
  }
});

await asyncio.run(main());
