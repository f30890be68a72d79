// Pins reference §2.1 item 5: Handle.cancel() and TimerHandle.cancel() skip the callback, even when the handle is
// already in the current iteration's snapshot; cancelled() reports it; cancelling twice is harmless.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();

  function cb(label: string): void {
    print("ran", label);
  }

  function canceller(): void {
    print("canceller cancels h4 (same iteration)");
    h4.cancel();
  }

  const h1 = loop.callSoon(cb, "h1");
  const h2 = loop.callSoon(cb, "h2");
  h2.cancel();
  const h3 = loop.callLater(0.03, cb, "h3");
  h3.cancel();
  h3.cancel();
  loop.callSoon(canceller);
  const h4 = loop.callSoon(cb, "h4");
  const h5 = loop.callLater(0.03, cb, "h5");
  print(h1.constructor.name, h1.cancelled());
  print(h2.constructor.name, h2.cancelled());
  print(h3.constructor.name, h3.cancelled());
  print(h5.constructor.name, h5.cancelled());
  await asyncio.sleep(0.06);
  print("h4 cancelled:", h4.cancelled());
  h1.cancel();
  print("cancel after run:", h1.cancelled());
});

await asyncio.run(main());
