// Pins seed 000 (producer-consumer pattern): a producer puts items on a Queue and sleeps between them, a consumer
// gets each one and marks it done; main awaits the producer, joins the queue and cancels the consumer. random is
// replaced by fixed items and delays.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const ITEMS = [3, 7, 0, 10, 5];
const DELAYS = [0.15, 0.1, 0.2, 0.1, 0.15];

const producer = asyncio.coroutine(async (queue: asyncio.Queue<number>, n: number) => {
  for (let i = 0; i < n; i++) {
    const item = ITEMS[i] ?? 0;
    await queue.put(item);
    print(`Produced ${String(item)}`);
    await asyncio.sleep(DELAYS[i] ?? 0);
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
  const producerTask = asyncio.createTask(producer(queue, 5));
  const consumerTask = asyncio.createTask(consumer(queue));
  await producerTask;
  await queue.join();
  print("joined; unfinished items:", queue.qsize());
  consumerTask.cancel();
  print("consumer done right after cancel():", consumerTask.done());
  try {
    await consumerTask;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("consumer cancelled:", consumerTask.cancelled());
  }
});

await asyncio.run(main());
