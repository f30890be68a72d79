// Pins seeds 000/001/003 (error handling): exceptions raised in an awaited coroutine and in a task reach the
// awaiting code's except block.

import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

const faultyCoroutine = asyncio.coroutine(async () => {
  throw new RangeError("Something went wrong");
});

const main = asyncio.coroutine(async () => {
  try {
    await faultyCoroutine();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print(`Caught an exception: ${str(e)}`);
  }
});

const faultyTask = asyncio.coroutine(async () => {
  throw new RangeError("Something went wrong");
});

const main2 = asyncio.coroutine(async () => {
  const task = asyncio.createTask(faultyTask());
  try {
    await task;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print(`Caught an exception: ${str(e)}`);
  }
});

const riskyTask = asyncio.coroutine(async () => {
  throw new RangeError("Oops!");
});

const main3 = asyncio.coroutine(async () => {
  try {
    await riskyTask();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print(`Caught exception: ${str(e)}`);
  }
});

const myCoroutine = asyncio.coroutine(async () => {
  try {
    await asyncio.sleep(0.01);
    throw new RangeError("An error occurred");
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    print(`Error: ${str(e)}`);
  }
});

await asyncio.run(main());
await asyncio.run(main2());
await asyncio.run(main3());
await asyncio.run(myCoroutine());
