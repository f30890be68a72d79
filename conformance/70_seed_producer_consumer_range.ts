// Pins seed 001 (queues): the producer announces each item before putting it and sleeps after it; the consumer
// marks every item done; join() returns once the last one is done, then the consumer is cancelled.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const producer = asyncio.coroutine(async (queue: asyncio.Queue<number>) => {
  for (let i = 0; i < 5; i++) {
    print(`Producing ${String(i)}`);
    await queue.put(i);
    await asyncio.sleep(0.1);
  }
});

const consumer = asyncio.coroutine(async (queue: asyncio.Queue<number>) => {
  for (;;) {
    const item = await queue.get();
    print(`Consumed ${String(item)}`);
    queue.taskDone();
  }
});

const main = asyncio.coroutine(async () => {
  const queue = new asyncio.Queue<number>();
  const producerTask = asyncio.createTask(producer(queue));
  const consumerTask = asyncio.createTask(consumer(queue));
  await producerTask;
  await queue.join(); // Wait until the queue is empty
  consumerTask.cancel();
  await asyncio.sleep(0);
  print("consumer cancelled:", consumerTask.cancelled(), "queue:", queue);
});

await asyncio.run(main());
