// Pins reference §2.6 item 54: plain iteration of as_completed yields awaitables in completion order; whichever one
// is awaited first gets the next completed result.
import * as asyncio from "../src/index.ts";
import { next, print, typeName } from "./_py.ts";

const job = asyncio.coroutine(async (delay: number, value: string) => {
  await asyncio.sleep(delay);
  return value;
});

const main = asyncio.coroutine(async () => {
  for (const aw of asyncio.asCompleted([job(0.3, "slow"), job(0.1, "fast"), job(0.2, "mid")])) {
    print("got", await aw);
  }

  const it = asyncio.asCompleted([job(0.3, "third"), job(0.1, "first"), job(0.2, "second")]);
  const a = next(it);
  const b = next(it);
  const c = next(it);
  print("awaiting the second item first ->", await b);
  print("then the first item ->", await a);
  print("then the third item ->", await c);

  const failing = asyncio.getRunningLoop().createFuture();
  failing.setException(new RangeError("boom"));
  for (const aw of asyncio.asCompleted([failing])) {
    try {
      await aw;
    } catch (exc) {
      if (!(exc instanceof RangeError)) throw exc;
      print("error item raises", typeName(exc), exc);
    }
  }
});

await asyncio.run(main());
