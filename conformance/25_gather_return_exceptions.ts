// Pins reference §2.5 items 43-44: with return_exceptions=True the exceptions take their place in the result list
// (argument order) and nothing is raised.
import * as asyncio from "../src/index.ts";
import { print, repr, typeName } from "./_py.ts";

const ok = asyncio.coroutine(async <T>(value: T, delay: number) => {
  await asyncio.sleep(delay);
  return value;
});

const bad = asyncio.coroutine(async (message: string, delay: number) => {
  await asyncio.sleep(delay);
  throw new RangeError(message);
});

const main = asyncio.coroutine(async () => {
  const results = await asyncio.gather(
    ok(1, 0.06),
    bad("bad one", 0.03),
    ok("two", 0),
    bad("bad two", 0.09),
    {
      returnExceptions: true,
    },
  );
  print(results);
  for (const r of results) {
    print(typeName(r), repr(r));
  }
});

await asyncio.run(main());
