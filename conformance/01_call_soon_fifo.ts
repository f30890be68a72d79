// Pins reference §2.1 item 1: call_soon runs callbacks FIFO, passes extra positional args, returns a Handle.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

function cb(name: string, ...args: unknown[]): void {
  print("cb", name, ...args);
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  for (let i = 0; i < 5; i++) {
    loop.callSoon(cb, `c${String(i)}`, i, i * 10);
  }
  const h = loop.callSoon(cb, "no-args");
  print("handle type:", h.constructor.name);
  loop.callSoon(print, "print", "as", "callback");
  print("scheduled");
  await asyncio.sleep(0);
  print("after sleep(0)");
});

await asyncio.run(main());
