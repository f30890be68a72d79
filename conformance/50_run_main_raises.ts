// Pins reference §2.14 item 101: an exception from main propagates out of asyncio.run() after the leftover tasks
// were cancelled; a second asyncio.run() in the same program works.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const leftover = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(10);
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("leftover: cancelled");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  asyncio.createTask(leftover());
  await asyncio.sleep(0.01);
  throw new RangeError("from main");
});

const second = asyncio.coroutine(async () => {
  await asyncio.sleep(0);
  return "second run ok";
});

try {
  await asyncio.run(main());
} catch (exc) {
  if (!(exc instanceof RangeError)) throw exc;
  print("caught around asyncio.run:", typeName(exc), exc);
}
print(await asyncio.run(second()));
