// Pins seed 002 (Condition): as written, the producer keeps the condition's lock while it sleeps, so the consumer
// only gets in after all five items were queued and never waits; then a producer that takes the lock per item,
// with a consumer that waits and is notified for each one.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const condition = new asyncio.Condition();
const queue: number[] = [];

const consumer = asyncio.coroutine(async () => {
  await condition.with(async () => {
    while (queue.length === 0) {
      print("Consumer waiting");
      await condition.wait();
    }
    const item = queue.shift();
    print(`Consumer got item: ${String(item)}`);
  });
});

const producer = asyncio.coroutine(async () => {
  await condition.with(async () => {
    for (let i = 0; i < 5; i++) {
      queue.push(i);
      condition.notify(); // Notify the consumer
      await asyncio.sleep(0.1); // Simulate producing time
    }
  });
});

const main = asyncio.coroutine(async () => {
  await asyncio.gather(producer(), consumer());
  print("left in queue:", queue);
});

const consumer2 = asyncio.coroutine(async () => {
  for (let n = 0; n < 3; n++) {
    await condition.with(async () => {
      while (queue.length === 0) {
        print("Consumer waiting");
        await condition.wait();
      }
      const item = queue.shift();
      print(`Consumer got item: ${String(item)}`);
    });
  }
});

const producer2 = asyncio.coroutine(async () => {
  for (let i = 0; i < 3; i++) {
    await asyncio.sleep(0.1);
    await condition.with(() => {
      queue.push(i);
      print(`Producer appended ${String(i)}`);
      condition.notify();
    });
  }
});

const main2 = asyncio.coroutine(async () => {
  queue.length = 0;
  await asyncio.gather(producer2(), consumer2());
  print("left in queue:", queue);
});

await asyncio.run(main());
await asyncio.run(main2());
