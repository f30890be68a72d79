// Pins reference §2.5 item 45: a cancelled child makes gather() raise CancelledError while the siblings go on and
// gather.cancelled() stays False; with return_exceptions=True the CancelledError takes its place in the list.
import * as asyncio from "../src/index.ts";
import { excArgs, print, repr, str, typeName } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number) => {
  await asyncio.sleep(delay);
  print(name, "finished");
  return name;
});

const main = asyncio.coroutine(async () => {
  const a = asyncio.createTask(child("a", 0.15));
  const b = asyncio.createTask(child("b", 1));
  const g = asyncio.gather(a, b);
  await asyncio.sleep(0.03);
  b.cancel();
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("gather raised", typeName(exc), excArgs(exc));
  }
  print("gather cancelled():", g.cancelled(), "a done:", a.done());
  print("a ->", await a);

  const c = asyncio.createTask(child("c", 0.03));
  const d = asyncio.createTask(child("d", 1));
  const g2 = asyncio.gather(c, d, { returnExceptions: true });
  await asyncio.sleep(0);
  d.cancel("d msg");
  const results = await g2;
  print(results.map((r) => typeName(r)));
  print("first:", results[0], "second is CancelledError:", results[1] instanceof asyncio.CancelledError);
  print("the cancel message is not carried over:", repr(str(results[1])));
});

await asyncio.run(main());
