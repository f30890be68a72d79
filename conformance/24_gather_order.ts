// Pins reference §2.5 items 43 and 47: gather() returns results in argument order, not completion order; children
// start in argument order; a duplicate coroutine runs once; gather() of nothing gives [].
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const job = asyncio.coroutine(async (name: string, delay: number) => {
  print("start", name);
  await asyncio.sleep(delay);
  print("end", name);
  return name.toUpperCase();
});

const main = asyncio.coroutine(async () => {
  const results = await asyncio.gather(job("a", 0.09), job("b", 0.03), job("c", 0.06));
  print(results);
  const dup = job("d", 0);
  print(await asyncio.gather(dup, dup));
  print(await asyncio.gather());
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture<string>();
  loop.callLater(
    0.03,
    (v: string) => {
      fut.setResult(v);
    },
    "from a future",
  );
  const task = asyncio.createTask(job("t", 0));
  print(await asyncio.gather(fut, task, job("e", 0)));
});

await asyncio.run(main());
