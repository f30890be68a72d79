// Pins reference §2.14 item 101: when main returns, asyncio.run() cancels the tasks still pending and waits for
// them (their except/finally blocks run, even ones that await) before returning main's value.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const leftover = asyncio.coroutine(async () => {
  try {
    print("leftover: started");
    await asyncio.sleep(10);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("leftover: cancelled at shutdown");
    throw exc;
  } finally {
    print("leftover: finally");
  }
});

const slowCleanup = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(10);
  } finally {
    await asyncio.sleep(0.03);
    print("slow_cleanup: finished its cleanup");
  }
});

const main = asyncio.coroutine(async () => {
  asyncio.createTask(leftover());
  asyncio.createTask(slowCleanup());
  await asyncio.sleep(0);
  print("main: returning");
  return "main value";
});

print("asyncio.run returned", await asyncio.run(main()));
