// Pins seed 004 (futures): a Future created inside the running loop, set_result(42), result(); a future completed
// later by a callback wakes the task awaiting it.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const myFuture = loop.createFuture<number>();
  myFuture.setResult(42);
  print(myFuture.result());

  const later = new asyncio.Future<string>();
  print("done before:", later.done());
  loop.callLater(
    0.01,
    (v: string) => {
      later.setResult(v);
    },
    "set by a callback",
  );
  print(await later);
  print("done after:", later.done());
});

await asyncio.run(main());
