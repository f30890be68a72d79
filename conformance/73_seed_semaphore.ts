// Pins seed 002 (Semaphore): Semaphore(3) lets three of ten coroutines in at a time; each one released lets the
// next waiter in, in FIFO order. The hold times differ so that no two sleeps end together.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const sem = new asyncio.Semaphore(3); // Limit to 3 concurrent coroutines
const HOLD = [0.05, 0.15, 0.25, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];

const accessResource = asyncio.coroutine(async (num: number) => {
  await sem.with(async () => {
    print(`Resource being accessed by coroutine ${String(num)}`);
    await asyncio.sleep(HOLD[num] ?? 0); // Simulate a task using the resource
  });
  print(`Coroutine ${String(num)} released the resource`);
});

const main = asyncio.coroutine(async () => {
  const coroutines = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => accessResource(i));
  await asyncio.gather(...coroutines);
  print("locked at the end:", sem.locked());
});

await asyncio.run(main());
