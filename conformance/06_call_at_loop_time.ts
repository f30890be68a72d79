// Pins reference §2.1 items 3-4: call_at uses loop.time(); TimerHandle.when() is the absolute time given; a time in
// the past runs on the next iteration; extra args reach the callback.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture();
  const t0 = loop.time();

  function cb(label: string, ...extra: unknown[]): void {
    print("call_at", label, ...extra);
    if (label === "late") {
      print("late fired after its time:", loop.time() >= t0 + 0.05);
      done.setResult(null);
    }
  }

  const hLate = loop.callAt(t0 + 0.06, cb, "late", 1, 2);
  loop.callAt(t0 + 0.03, cb, "early");
  loop.callAt(t0 - 1, cb, "past");
  print("when() is exact:", hLate.when() === t0 + 0.06);
  // Python: isinstance(loop.time(), float); JS numbers are all floats.
  print("time() is a float:", typeof loop.time() === "number");
  await done;
  print("monotonic:", loop.time() >= t0 + 0.05);
});

await asyncio.run(main());
