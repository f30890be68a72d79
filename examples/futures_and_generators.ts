// Seeds: a Future resolved by hand, ensure_future, and `async for` over an async generator.
import * as asyncio from "../src/index.ts";

async function* asyncGenerator(): AsyncGenerator<number> {
  for (let i = 0; i < 3; i++) {
    await asyncio.sleep(0.05);
    yield i;
  }
}

const myCoroutine = asyncio.coroutine("myCoroutine", async () => {
  await asyncio.sleep(0.05);
  return "Coroutine result";
});

const main = asyncio.coroutine("main", async () => {
  const myFuture = new asyncio.Future<number>();
  myFuture.setResult(42);
  console.log(myFuture.result());

  const future = asyncio.ensureFuture(myCoroutine());
  console.log(await future);

  for await (const item of asyncGenerator()) console.log(item);
});

await asyncio.run(main());
