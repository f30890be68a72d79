// Pins reference §2.7 items 60-61: a block that swallows the expiry cancel exits normally (expired() is True,
// cancelling() back to 0); timeout(0) and negative delays expire at the very next await, even sleep(0).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const cm = asyncio.timeout(0.03);
  await cm.with(async () => {
    try {
      await asyncio.sleep(1);
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print("block swallowed the cancel");
    }
  });
  print("exited normally; expired:", cm.expired(), "cancelling:", asyncio.currentTask()?.cancelling());

  for (const delay of [0, -1]) {
    try {
      await asyncio.timeout(delay).with(async () => {
        print(`timeout(${String(delay)}) body runs`);
        await asyncio.sleep(0);
        print("not reached");
      });
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print(`timeout(${String(delay)}) raised TimeoutError at sleep(0)`);
    }
  }
});

await asyncio.run(main());
