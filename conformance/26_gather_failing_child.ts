// Pins reference §2.5 item 44: without return_exceptions the first exception completes gather() at once; the
// other children are not cancelled and keep running to completion.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const slow = asyncio.coroutine(async (name: string, delay: number) => {
  try {
    await asyncio.sleep(delay);
    print(name, "finished");
    return name;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled (must not happen)");
    throw exc;
  }
});

const fail = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay);
  throw new RangeError("child failed");
});

const main = asyncio.coroutine(async () => {
  const a = asyncio.createTask(slow("a", 0.2));
  const b = asyncio.createTask(slow("b", 0.13));
  const g = asyncio.gather(a, fail(0.03), b);
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("gather raised", typeName(exc), exc);
  }
  print("gather done:", g.done(), "a done:", a.done(), "b done:", b.done());
  print("a ->", await a);
  print("b ->", await b);
});

await asyncio.run(main());
