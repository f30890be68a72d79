// Pins issue 8's first example: wait_for(q.get(), 0) and wait_for(q.get(), -1) never start q.get(), so no getter
// is left behind and a consumer task started afterwards gets the item; on a non-empty queue wait_for(q.get(), 0)
// times out too and takes nothing. A sibling task polling with wait_for(q.get(), 0.01) inside gather() with two
// producers loses no item: every item put is got exactly once, in order.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  let q = new asyncio.Queue<string>();
  for (const timeout of [0, -1]) {
    try {
      await asyncio.waitFor(q.get(), timeout);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print(`wait_for(q.get(), ${String(timeout)}):`, typeName(exc), "queue:", q);
    }
  }
  const consumer = asyncio.createTask(q.get());
  await asyncio.sleep(0.01);
  print("consumer waiting:", q);
  q.putNowait("item");
  print("consumer got:", await asyncio.waitFor(consumer, 0.5), "queue:", q);

  q.putNowait("kept");
  try {
    await asyncio.waitFor(q.get(), 0);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("non-empty queue, wait_for(q.get(), 0) timed out; queue:", q);
  }
  print("get_nowait:", q.getNowait());

  q = new asyncio.Queue<string>();
  const got: string[] = [];

  const poller = asyncio.coroutine(async (n: number) => {
    let timeouts = 0;
    while (got.length < n) {
      try {
        got.push(await asyncio.waitFor(q.get(), 0.01));
      } catch (exc) {
        if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        timeouts += 1;
      }
    }
    print("poller done; timed out at least once:", timeouts > 0);
  });

  const producer = asyncio.coroutine(async (name: string, count: number, pause: number) => {
    for (let i = 0; i < count; i++) {
      await asyncio.sleep(pause);
      q.putNowait(`${name}${String(i)}`);
    }
    print(`producer ${name} done`);
  });

  await asyncio.gather(poller(10), producer("a", 5, 0.01), producer("b", 5, 0.03));
  print("got:", [...got].sort());
  print(
    "a in order:",
    got.filter((x) => x[0] === "a"),
  );
  print(
    "b in order:",
    got.filter((x) => x[0] === "b"),
  );
  print("queue:", q);
});

await asyncio.run(main());
