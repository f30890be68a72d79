// Pins seeds 000/001/002 (event loop, coroutines): Hello/World around a sleep, Start/End coroutine, say_hello, and a
// coroutine returning a value; several asyncio.run() calls in one program (sleeps scaled down).

import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  print("Hello");
  await asyncio.sleep(0.01);
  print("World");
});

const coroutineExample = asyncio.coroutine(async () => {
  print("Start coroutine");
  await asyncio.sleep(0.01);
  print("End coroutine");
});

const sayHello = asyncio.coroutine(async () => {
  print("Hello, Asyncio!");
});

const fetchData = asyncio.coroutine(async () => {
  await asyncio.sleep(0.02);
  return "Data";
});

const main2 = asyncio.coroutine(async () => {
  const result = await fetchData();
  print(result);
});

const helloWorldMessage = asyncio.coroutine(async (): Promise<string> => {
  await asyncio.sleep(0.01);
  return "Hello World!";
});

const main3 = asyncio.coroutine(async () => {
  const message = await helloWorldMessage();
  print(message);
});

await asyncio.run(main());
await asyncio.run(coroutineExample());
await asyncio.run(sayHello());
await asyncio.run(main2());
await asyncio.run(main3());
