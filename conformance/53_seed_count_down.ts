// Pins seed 000 (using await): count_down(3) prints 3, 2, 1 with a sleep between (sleep scaled down).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const countDown = asyncio.coroutine(async (n: number) => {
  while (n > 0) {
    print(n);
    await asyncio.sleep(0.01);
    n -= 1;
  }
});

await asyncio.run(countDown(3));
