// Seed: the event loop's first example (asyncio.run, sleep).
import * as asyncio from "../src/index.ts";

const main = asyncio.coroutine("main", async () => {
  console.log("Hello");
  await asyncio.sleep(0.1);
  console.log("World");
});

await asyncio.run(main());
