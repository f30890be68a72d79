// Pins reference §2.1 item 3: timers run by `when`; negative delays are fine and run first; ready callbacks
// scheduled after the timers still run before them.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture();

  function cb(label: string): void {
    print("timer", label);
    if (label === "+0.2") {
      done.setResult(null);
    }
  }

  loop.callLater(0.2, cb, "+0.2");
  loop.callLater(-1, cb, "-1");
  loop.callLater(0.1, cb, "+0.1");
  loop.callLater(-0.5, cb, "-0.5");
  loop.callLater(0, cb, "0");
  loop.callSoon(print, "call_soon");
  await done;
  print("done");
});

await asyncio.run(main());
