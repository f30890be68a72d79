// Pins reference §2.2 item 18: done callbacks are never called inline; they are scheduled with call_soon in
// registration order, also when added to an already-done future, and interleave FIFO with other callbacks.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture<string>();

  function cb1(f: asyncio.Future<string>): void {
    print("cb1 result", f.result());
  }

  function cb2(f: asyncio.Future<string>): void {
    print("cb2 done", f.done());
    loop.callSoon(print, "scheduled by cb2");
  }

  fut.addDoneCallback(cb1);
  fut.addDoneCallback(cb2);
  loop.callSoon(print, "soon before set_result");
  fut.setResult("x");
  print("after set_result (no callback ran yet)");
  loop.callSoon(print, "soon after set_result");
  await asyncio.sleep(0);
  print("main after first sleep(0)");

  fut.addDoneCallback((f) => {
    print("cb3 added late, result", f.result());
  });
  print("after late add_done_callback (not inline)");
  await asyncio.sleep(0);
  print("main after second sleep(0)");

  const failed = loop.createFuture();
  failed.addDoneCallback((f) => {
    print("failed cb sees", repr(f.exception()));
  });
  failed.setException(new RangeError("v"));
  const cancelled = loop.createFuture();
  cancelled.addDoneCallback((f) => {
    print("cancelled cb sees cancelled()", f.cancelled());
  });
  cancelled.cancel();
  print("before yielding");
  await asyncio.sleep(0);
  print("end");
});

await asyncio.run(main());
