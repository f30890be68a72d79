// Pins reference §2.1 item 1: an iteration runs only the handles ready when it began; a self-rescheduling
// call_soon chain cannot starve a due timer, and callbacks added during an iteration run on the next one.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture();
  let iteration = 0;

  function tick(): void {
    iteration += 1;
    print("tick", iteration);
    if (iteration < 4) {
      loop.callSoon(tick);
    } else {
      done.setResult(null);
    }
  }

  function a(): void {
    print(`a (iteration ${String(iteration)}) schedules c`);
    loop.callSoon(c);
  }

  function b(): void {
    print(`b (iteration ${String(iteration)})`);
  }

  function c(): void {
    print(`c (iteration ${String(iteration)})`);
  }

  function timer(): void {
    print(`timer (iteration ${String(iteration)})`);
  }

  loop.callSoon(tick);
  loop.callSoon(a);
  loop.callLater(0, timer);
  loop.callSoon(b);
  await done;
  print("main resumed after iteration", iteration);
});

await asyncio.run(main());
