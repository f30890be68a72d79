// Pins reference §2.7 items 58 and 62: timeout() converts the expiry cancel into TimeoutError (cause CancelledError),
// expired() before/after, when(), timeout(None), timeout_at(); the task is not left cancelling.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const cm = asyncio.timeout(0.03);
  try {
    await cm.with(async (cm) => {
      print("entered, expired:", cm.expired());
      await asyncio.sleep(1);
      print("not reached");
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("TimeoutError", repr(str(exc)), "cause:", typeName(exc.cause));
  }
  print("expired after:", cm.expired(), "cancelling:", asyncio.currentTask()?.cancelling());

  const cm2 = asyncio.timeout(0.5);
  await cm2.with(async () => {
    await asyncio.sleep(0.01);
  });
  print("no expiry, expired:", cm2.expired());

  const cm3 = asyncio.timeout(null);
  await cm3.with(async (cm3) => {
    print("timeout(None).when():", cm3.when());
    await asyncio.sleep(0.01);
  });
  print("timeout(None) expired:", cm3.expired());

  const deadline = loop.time() + 0.03;
  const cm4 = asyncio.timeoutAt(deadline);
  try {
    await cm4.with(async (cm4) => {
      print("timeout_at when() is the deadline:", cm4.when() === deadline);
      await asyncio.sleep(1);
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("timeout_at expired:", cm4.expired());
  }
  print("type:", typeName(cm4));
});

await asyncio.run(main());
