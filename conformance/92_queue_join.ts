// Pins reference §2.9 item 76: join() waits until task_done() was called once per put(), not per get(); join() on
// a queue with nothing unfinished returns at once; a put after join started extends the wait; one task_done() too
// many is a ValueError.
import * as asyncio from "../src/index.ts";
import { print, str, typeName } from "./_py.ts";

const joiner = asyncio.coroutine(async (q: asyncio.Queue<number>, name: string) => {
  await q.join();
  print(name, "joined");
});

const main = asyncio.coroutine(async () => {
  let q = new asyncio.Queue<number>();
  await q.join();
  print("join on a new queue returned at once");
  for (let i = 0; i < 3; i++) {
    q.putNowait(i);
  }
  print("three puts:", q);
  print(
    "got all:",
    [0, 1, 2].map(() => q.getNowait()),
    q,
  );
  const j = asyncio.createTask(joiner(q, "j"));
  await asyncio.sleep(0);
  print("empty but unfinished; joined:", j.done());
  q.taskDone();
  q.taskDone();
  await asyncio.sleep(0);
  print("two task_done; joined:", j.done(), q);
  q.putNowait(3);
  q.taskDone();
  await asyncio.sleep(0);
  print("one more put, one more task_done; joined:", j.done(), q);
  q.getNowait();
  q.taskDone();
  print("last task_done, before the joiner runs:", j.done(), q);
  await j;
  try {
    q.taskDone();
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("extra task_done:", typeName(exc), str(exc));
  }

  q = new asyncio.Queue<number>();
  const work = q;

  const worker = asyncio.coroutine(async (name: string) => {
    for (;;) {
      const item = await work.get();
      await asyncio.sleep(item);
      print(name, "processed", item);
      work.taskDone();
    }
  });

  for (const item of [0.45, 0.1, 0.15, 0.05]) {
    q.putNowait(item);
  }
  const workers = [0, 1].map((i) => asyncio.createTask(worker(`w${String(i)}`)));
  await q.join();
  print("all processed:", q);
  for (const w of workers) {
    w.cancel();
  }
  print(await asyncio.gather(...workers, { returnExceptions: true }));
});

await asyncio.run(main());
