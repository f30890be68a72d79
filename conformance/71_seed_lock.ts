// Pins seed 002 (Lock): five coroutines gathered on one module-level Lock enter the critical section one at a time,
// in the order they asked for it.
import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

const lock = new asyncio.Lock();

const updateSharedResource = asyncio.coroutine(async (num: number) => {
  await lock.with(async () => {
    // Simulate modifying a shared resource
    print(`Resource accessed by coroutine ${String(num)}`);
    await asyncio.sleep(0.1);
  });
  print(`Coroutine ${String(num)} left; locked: ${str(lock.locked())}`);
});

const main = asyncio.coroutine(async () => {
  // Start multiple coroutines that access the same resource
  const coroutines = [0, 1, 2, 3, 4].map((i) => updateSharedResource(i));
  await asyncio.gather(...coroutines);
  print("all done; locked:", lock.locked());
});

await asyncio.run(main());
