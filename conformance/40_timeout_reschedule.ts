// Pins reference §2.7 item 62: reschedule() moves or removes the deadline while active; it is refused before the
// block is entered and after it finished.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  let cm = asyncio.timeout(null);
  try {
    await cm.with(async (cm) => {
      cm.reschedule(loop.time() + 0.03);
      print("rescheduled from None, when is set:", cm.when() !== null);
      await asyncio.sleep(1);
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("rescheduled deadline expired:", cm.expired());
  }

  cm = asyncio.timeout(0.03);
  await cm.with(async (cm) => {
    cm.reschedule(null);
    print("reschedule(None), when:", cm.when());
    await asyncio.sleep(0.06);
  });
  print("no deadline, expired:", cm.expired());

  const pushed = asyncio.timeout(0.03);
  await pushed.with(async (pushed) => {
    pushed.reschedule(loop.time() + 0.2);
    await asyncio.sleep(0.06);
  });
  print("pushed back, expired:", pushed.expired());

  cm = asyncio.timeout(1);
  try {
    await cm.with(async (cm) => {
      cm.reschedule(loop.time() - 1);
      await asyncio.sleep(0);
      print("not reached");
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("deadline in the past expires at the next await:", cm.expired());
  }

  const fresh = asyncio.timeout(1);
  try {
    fresh.reschedule(null);
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("before enter:", typeName(exc), exc);
  }
  try {
    cm.reschedule(null);
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("after expiry:", typeName(exc), exc);
  }
  try {
    pushed.reschedule(null);
  } catch (exc) {
    if (!(exc instanceof asyncio.RuntimeError)) throw exc;
    print("after normal exit:", typeName(exc), exc);
  }
});

await asyncio.run(main());
