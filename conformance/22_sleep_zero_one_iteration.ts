// Pins reference §2.4 item 41: sleep(0) yields exactly one loop iteration (a bare yield, no timer): two tasks doing
// sleep(0) interleave with a call_soon chain, and a callback queued by B runs after A's next step.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const ticker = asyncio.coroutine(async (name: string, n: number) => {
  const loop = asyncio.getRunningLoop();
  for (let i = 0; i < n; i++) {
    print(name, i);
    if (name === "B") {
      loop.callSoon(print, "callback queued by B", i);
    }
    await asyncio.sleep(0);
  }
  print(name, "finished");
});

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();

  function chain(i: number): void {
    print("chain", i);
    if (i < 3) {
      loop.callSoon(chain, i + 1);
    }
  }

  loop.callSoon(chain, 0);
  const a = asyncio.createTask(ticker("A", 3));
  const b = asyncio.createTask(ticker("B", 3));
  await a;
  print("main: A awaited");
  await b;
  print("main: B awaited");
});

await asyncio.run(main());
