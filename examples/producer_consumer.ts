// Seeds: the producer-consumer pattern with Queue, taskDone/join, and cancelling the consumer
// (fixed items instead of random ones, sleeps scaled down).
import * as asyncio from "../src/index.ts";

const producer = asyncio.coroutine("producer", async (queue: asyncio.Queue<number>, items: number[]) => {
  for (const item of items) {
    await queue.put(item);
    console.log(`Produced ${item}`);
    await asyncio.sleep(0.05);
  }
});

const consumer = asyncio.coroutine("consumer", async (queue: asyncio.Queue<number>) => {
  for (;;) {
    const item = await queue.get();
    console.log(`Consumed ${item}`);
    queue.taskDone();
  }
});

const main = asyncio.coroutine("main", async () => {
  const queue = new asyncio.Queue<number>();
  const producerTask = asyncio.createTask(producer(queue, [3, 7, 1, 9, 4]));
  const consumerTask = asyncio.createTask(consumer(queue));
  await producerTask;
  await queue.join(); // every item put has been processed
  consumerTask.cancel();
});

await asyncio.run(main());
