// Pins seed 002 (asynchronous iterators and generators): async for over an async generator that sleeps between
// items; a task running beside it interleaves; an async comprehension collects the items.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

async function* asyncGenerator(interval = 0.03): AsyncGenerator<number> {
  for (let i = 0; i < 3; i++) {
    await asyncio.sleep(interval);
    yield i;
  }
}

const main = asyncio.coroutine(async () => {
  for await (const item of asyncGenerator()) {
    print(item);
  }
});

const other = asyncio.coroutine(async () => {
  await asyncio.sleep(0.3);
  print("other task ran between items 0 and 1");
});

const main2 = asyncio.coroutine(async () => {
  const task = asyncio.createTask(other());
  for await (const item of asyncGenerator(0.2)) {
    print("item", item);
  }
  await task;
  // Python: [item async for item in async_generator(0.01)]
  const items: number[] = [];
  for await (const item of asyncGenerator(0.01)) {
    items.push(item);
  }
  print(items);
});

await asyncio.run(main());
await asyncio.run(main2());
