// Pins reference §2.7 item 59: with nested timeouts only the expiring one converts to TimeoutError; when the outer
// expires, the inner block sees a plain CancelledError.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const outer = asyncio.timeout(0.15);
  try {
    await outer.with(async () => {
      const inner = asyncio.timeout(0.03);
      try {
        await inner.with(async () => {
          await asyncio.sleep(1);
        });
      } catch (exc) {
        if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        print("inner timed out; inner expired:", inner.expired(), "outer expired:", outer.expired());
      }
      await asyncio.sleep(1);
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("outer timed out; outer expired:", outer.expired());
  }

  const outer2 = asyncio.timeout(0.03);
  try {
    await outer2.with(async () => {
      const inner2 = asyncio.timeout(0.5);
      try {
        await inner2.with(async () => {
          await asyncio.sleep(1);
        });
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        print("inner block sees CancelledError; inner2 expired:", inner2.expired());
        throw exc;
      }
    });
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("outer2 converts it; outer2 expired:", outer2.expired());
  }
  print("cancelling:", asyncio.currentTask()?.cancelling());
});

await asyncio.run(main());
