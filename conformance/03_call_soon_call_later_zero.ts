// Pins reference §2.1 item 2: call_soon(A); call_later(0, B); call_soon(C) runs A, C, B; handles scheduled by A
// run on the next iteration, ready callbacks (E) before due timers (D).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture<string>();

  function A(): void {
    print("A");
    loop.callLater(0, D);
    loop.callSoon(E);
  }

  function B(): void {
    print("B");
  }

  function C(): void {
    print("C");
  }

  function D(): void {
    print("D");
    done.setResult("finished");
  }

  function E(): void {
    print("E");
  }

  loop.callSoon(A);
  loop.callLater(0, B);
  loop.callSoon(C);
  print(await done);
});

await asyncio.run(main());
