// Seeds: Lock over 5 coroutines, an Event waiter and setter, Semaphore(3) over 10 coroutines
// (sleeps scaled down 10x).
import * as asyncio from "../src/index.ts";

const lock = new asyncio.Lock();
const updateSharedResource = asyncio.coroutine("updateSharedResource", async (num: number) => {
  await lock.with(async () => {
    console.log(`Resource accessed by coroutine ${num}`);
    await asyncio.sleep(0.02);
  });
});

const event = new asyncio.Event();
const waiter = asyncio.coroutine("waiter", async () => {
  console.log("Waiting for the event");
  await event.wait();
  console.log("Continuing after the event is set");
});
const setter = asyncio.coroutine("setter", async () => {
  await asyncio.sleep(0.2);
  console.log("Setting the event");
  event.set();
});

const sem = new asyncio.Semaphore(3);
const accessResource = asyncio.coroutine("accessResource", async (num: number) => {
  await sem.with(async () => {
    console.log(`Resource being accessed by coroutine ${num}`);
    await asyncio.sleep(0.1 + num * 0.01);
  });
  console.log(`Coroutine ${num} released the resource`);
});

const main = asyncio.coroutine("main", async () => {
  await asyncio.gather(...[0, 1, 2, 3, 4].map((i) => updateSharedResource(i)));
  await asyncio.gather(waiter(), setter());
  await asyncio.gather(...Array.from({ length: 10 }, (_, i) => accessResource(i)));
});

await asyncio.run(main());
