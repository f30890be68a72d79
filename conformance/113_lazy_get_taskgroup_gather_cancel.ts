// Pins issue 8 for cancellation through the combinators: a TaskGroup whose sibling fails cancels a child created
// with tg.create_task(q.get()) and the body's own await q.get(): the item put afterwards is still there;
// gather(q.get(), q.get(), ...) cancelled while waiting, right after a put woke one getter, or before the getters
// ever ran, consumes nothing; wait([task], timeout=...) then task.cancel() takes nothing either; shield(q.get())
// cancelled from outside still delivers the item to the shielded get.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const failSoon = asyncio.coroutine(async () => {
  await asyncio.sleep(0.01);
  throw new RangeError("sibling failed");
});

const main = asyncio.coroutine(async () => {
  const q = new asyncio.Queue<unknown>();
  let getter: asyncio.Task | undefined;
  try {
    await new asyncio.TaskGroup().with(async (tg) => {
      getter = tg.createTask(q.get());
      tg.createTask(failSoon());
      try {
        await q.get();
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        print("body's q.get() cancelled; queue:", q);
        throw exc;
      }
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print(
      "TaskGroup raised:",
      eg.exceptions.map((e) => repr(e)),
    );
  }
  print("child getter cancelled:", getter?.cancelled(), "queue:", q);
  q.putNowait("after");
  print("item still there:", q, q.getNowait());

  let g: asyncio.Future<unknown[]> = asyncio.gather(q.get(), q.get(), asyncio.sleep(1));
  await asyncio.sleep(0);
  print("gather waiting:", q);
  g.cancel();
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("gather cancelled; queue:", q);
  }
  q.putNowait(1);
  print("put afterwards:", q);
  print("get_nowait:", q.getNowait());

  g = asyncio.gather(q.get(), q.get());
  await asyncio.sleep(0);
  q.putNowait(2);
  print("put woke a getter:", q);
  g.cancel();
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("gather cancelled after the put; queue:", q);
  }
  print("get_nowait:", q.getNowait());

  g = asyncio.gather(q.get(), q.get());
  g.cancel();
  q.putNowait(3);
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("gather cancelled before its children ran; queue:", q);
  }
  print("get_nowait:", q.getNowait());

  const t = asyncio.createTask(q.get());
  const [done, pending] = await asyncio.wait([t], { timeout: 0.01 });
  print("wait with timeout:", done.size, "done,", pending.size, "pending;", q);
  t.cancel();
  await asyncio.sleep(0);
  q.putNowait(4);
  print("task cancelled:", t.cancelled(), q, q.getNowait());

  const inner = asyncio.ensureFuture(q.get());
  const outer = asyncio.shield(inner);
  await asyncio.sleep(0);
  outer.cancel();
  try {
    await outer;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("shield cancelled; inner done:", inner.done(), q);
  }
  q.putNowait(5);
  print("shielded get got:", await inner, q);
});

await asyncio.run(main());
