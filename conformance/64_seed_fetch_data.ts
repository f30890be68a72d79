// Pins seed 002 (full example, coroutines, tasks): fetch_from_remote fails for the URL containing "2", fetch_data
// records None and goes on; the simple fetch_data returns a dict, awaited directly and through a task.
import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

const fetchFromRemote = asyncio.coroutine(async (url: string) => {
  print(`Fetching data from ${url}`);
  await asyncio.sleep(0.01);
  if (url.includes("2")) {
    throw new Error("Network Error");
  }
  return `Data from ${url}`;
});

const fetchData = asyncio.coroutine(async () => {
  const urls = ["http://example.com/data1", "http://example.com/data2"];
  const results: (string | null)[] = [];

  print("Start fetching");

  for (const url of urls) {
    try {
      const data = await fetchFromRemote(url);
      results.push(data);
    } catch (e) {
      // Python's `except Exception` does not catch CancelledError.
      if (e instanceof asyncio.CancelledError) throw e;
      print(`Error fetching ${url}: ${str(e)}`);
      results.push(null);
    }
  }

  print("Done fetching");
  return results;
});

const main = asyncio.coroutine(async () => {
  const fetchedData = await fetchData();
  print(`Fetched data: ${str(fetchedData)}`);
});

const simpleFetchData = asyncio.coroutine(async () => {
  print("Start fetching");
  await asyncio.sleep(0.02);
  print("Done fetching");
  return { data: 1 };
});

const main2 = asyncio.coroutine(async () => {
  const task = asyncio.createTask(simpleFetchData());
  await task;
});

const main3 = asyncio.coroutine(async () => {
  const data = await simpleFetchData();
  print(data);
});

await asyncio.run(main());
await asyncio.run(main2());
await asyncio.run(main3());
