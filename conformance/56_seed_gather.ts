// Pins seeds 000/001/002/003 (gather): results in argument order whatever the delays; fetch_url over a generator of
// coroutines; task1/task2 results printed one by one; coro1/coro2 (delays scaled to multiples of 0.03).
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const task = asyncio.coroutine(async (name: string, delay: number) => {
  await asyncio.sleep(delay);
  return `Task ${name} completed`;
});

const main = asyncio.coroutine(async () => {
  const results = await asyncio.gather(task("A", 0.06), task("B", 0.03), task("C", 0.09));
  print(results);
});

const fetchUrl = asyncio.coroutine(async (url: string) => {
  print(`Fetching ${url}`);
  await asyncio.sleep(0.03);
  return `Data from ${url}`;
});

const main2 = asyncio.coroutine(async () => {
  const urls = ["https://example.com", "https://httpbin.org/get"];
  const results = await asyncio.gather(...urls.map((url) => fetchUrl(url)));
  print(results);
});

const task1 = asyncio.coroutine(async () => {
  await asyncio.sleep(0.06);
  return "Result of task1";
});

const task2 = asyncio.coroutine(async () => {
  await asyncio.sleep(0.03);
  return "Result of task2";
});

const main3 = asyncio.coroutine(async () => {
  const results = await asyncio.gather(task1(), task2());
  for (const result of results) {
    print(result);
  }
});

const coro1 = asyncio.coroutine(async () => {
  await asyncio.sleep(0.03);
  return "Result 1";
});

const coro2 = asyncio.coroutine(async () => {
  await asyncio.sleep(0.06);
  return "Result 2";
});

const main4 = asyncio.coroutine(async () => {
  const results = await asyncio.gather(coro1(), coro2());
  print(results);
});

await asyncio.run(main());
await asyncio.run(main2());
await asyncio.run(main3());
await asyncio.run(main4());
