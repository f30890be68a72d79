// Structured concurrency: the first failure cancels the siblings; errors come back grouped.
import * as asyncio from "../src/index.ts";

const worker = asyncio.coroutine("worker", async (name: string, delay: number, fail = false) => {
  try {
    await asyncio.sleep(delay);
    if (fail) throw new RangeError(`${name} failed`);
    console.log(`${name} finished`);
  } catch (e) {
    if (e instanceof asyncio.CancelledError) console.log(`${name} cancelled`);
    throw e;
  }
});

const main = asyncio.coroutine("main", async () => {
  try {
    await new asyncio.TaskGroup().with(async (tg) => {
      tg.createTask(worker("fast", 0.05));
      tg.createTask(worker("broken", 0.1, true));
      tg.createTask(worker("slow", 1));
    });
  } catch (e) {
    if (!(e instanceof asyncio.ExceptionGroup)) throw e;
    console.log(
      String(e),
      e.exceptions.map((x) => (x as Error).message),
    );
  }
});

await asyncio.run(main());
