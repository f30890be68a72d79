// Pins reference §2.2 item 19: remove_done_callback(fn) removes every registration of fn and returns the count.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture();

  function a(_f: asyncio.Future): void {
    print("a");
  }

  function b(_f: asyncio.Future): void {
    print("b");
  }

  function c(_f: asyncio.Future): void {
    print("c");
  }

  for (const cb of [a, b, a, c, a]) {
    fut.addDoneCallback(cb);
  }
  print("removed a:", fut.removeDoneCallback(a));
  print("removed a again:", fut.removeDoneCallback(a));
  print("removed c:", fut.removeDoneCallback(c));
  fut.addDoneCallback(c);
  fut.addDoneCallback(b);
  fut.setResult(null);
  print("removed after done:", fut.removeDoneCallback(b));
  await asyncio.sleep(0);
  print("end");
});

await asyncio.run(main());
