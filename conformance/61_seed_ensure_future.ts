// Pins seed 002 (ensure_future): a coroutine wrapped by ensure_future is a Task that runs concurrently; a Future is
// returned as is.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const myCoroutine = asyncio.coroutine(async () => {
  await asyncio.sleep(0.01);
  return "Coroutine result";
});

const main = asyncio.coroutine(async () => {
  const future = asyncio.ensureFuture(myCoroutine());
  print("is a Task:", future instanceof asyncio.Task);
  const fut = asyncio.getRunningLoop().createFuture();
  print("future returned as is:", asyncio.ensureFuture(fut) === fut);
  fut.cancel();
  const result = await future;
  print(result);
});

await asyncio.run(main());
