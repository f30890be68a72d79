// Pins seed 004 (measuring coroutine execution time with decorators): an async_timed() decorator wraps a coroutine
// function, prints its name and arguments before and after (no times printed), and returns its value.
import * as asyncio from "../src/index.ts";
import { print, repr, tuple } from "./_py.ts";

function asyncTimed() {
  return function wrapper<A extends unknown[], R>(func: (...args: A) => Promise<R>) {
    return asyncio.coroutine(async (...args: A): Promise<R> => {
      // Python also prints the keyword arguments; a JS call has none: `{}`.
      print(`starting ${func.name} with args ${repr(tuple(...args))} ${repr({})}`);
      const start = performance.now();
      try {
        return await func(...args);
      } finally {
        const total = performance.now() - start;
        print(`finished ${func.name} in ${total >= 0 ? "measured" : "negative"} time`);
      }
    });
  };
}

const delay = asyncTimed()(async function delay(delaySeconds: number) {
  print(`sleeping for ${String(delaySeconds)} second(s)`);
  await asyncio.sleep(delaySeconds);
  print(`finished sleeping for ${String(delaySeconds)} second(s)`);
  return delaySeconds;
});

const main = asyncTimed()(async function main() {
  const taskOne = asyncio.createTask(delay(0.03));
  const taskTwo = asyncio.createTask(delay(0.06));
  print(await taskOne, await taskTwo);
});

await asyncio.run(main());
