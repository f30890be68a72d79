// Pins reference §2.14 item 102: a Runner's run() calls share one loop; a task started in the first run keeps running
// in the second; close() cancels what is left; run() after close() raises RuntimeError.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const background = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(0.03);
    print("background: woke up during run 2");
    await asyncio.sleep(10);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("background: cancelled by close()");
    throw exc;
  }
});

const first = asyncio.coroutine(async () => {
  asyncio.createTask(background());
  await asyncio.sleep(0);
  return "run 1 done";
});

const second = asyncio.coroutine(async () => {
  await asyncio.sleep(0.06);
  return "run 2 done";
});

const runner = new asyncio.Runner();
let loop1: asyncio.BaseEventLoop | undefined;
try {
  print(await runner.run(first()));
  loop1 = runner.getLoop();
  print(await runner.run(second()));
  print("same loop:", runner.getLoop() === loop1);
} finally {
  await runner.close();
}
print("loop closed:", loop1.isClosed());
const coro = second();
try {
  await runner.run(coro);
} catch (exc) {
  if (!(exc instanceof asyncio.RuntimeError)) throw exc;
  print("run after close:", typeName(exc), exc);
  coro.close();
}
