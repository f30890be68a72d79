// Pins reference §2.10 items 85-86: BoundedSemaphore.release() above the initial value is a ValueError, while a plain
// Semaphore lets its value grow; a negative initial value is a ValueError.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const main = asyncio.coroutine(async () => {
  const bs = new asyncio.BoundedSemaphore(2);
  print("BoundedSemaphore(2):", state(bs));
  await bs.with(async () => {
    print("inside:", state(bs));
    await bs.with(() => {
      print("both permits taken:", state(bs), bs.locked());
    });
  });
  print("after:", state(bs));
  try {
    bs.release();
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("over-release:", typeName(exc), str(exc));
  }
  print("unchanged:", state(bs));

  const sem = new asyncio.Semaphore(1);
  sem.release();
  sem.release();
  print("Semaphore(1) released twice:", state(sem));
  for (let n = 0; n < 3; n++) {
    await sem.acquire();
  }
  print("three acquires:", state(sem), sem.locked());

  for (const cls of [asyncio.Semaphore, asyncio.BoundedSemaphore]) {
    try {
      new cls(-1);
    } catch (exc) {
      if (!(exc instanceof RangeError)) throw exc;
      print(cls.name, "(-1):", typeName(exc), str(exc));
    }
  }
  print("Semaphore(0):", state(new asyncio.Semaphore(0)), "default:", state(new asyncio.Semaphore()));
});

await asyncio.run(main());
