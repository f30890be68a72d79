// Pins reference §2.4 item 42 and §1.7: sleep(delay, result) returns result for positive, zero and negative
// delays; sleep(nan) raises ValueError.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  print(await asyncio.sleep(0.01, "ten ms"));
  print(await asyncio.sleep(0, 5));
  print(await asyncio.sleep(-1, ["negative", "delay"]));
  // Python: sleep(0.01) returns its default result, None.
  print(await asyncio.sleep(0.01, null));
  try {
    await asyncio.sleep(NaN);
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print(typeName(exc), exc);
  }
});

await asyncio.run(main());
