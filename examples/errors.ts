// Seed: handling exceptions in coroutines and tasks; fetch_data with a failing URL.
import * as asyncio from "../src/index.ts";

const faulty = asyncio.coroutine("faulty", async () => {
  throw new RangeError("Something went wrong"); // Python's ValueError
});

const fetchFromRemote = asyncio.coroutine("fetchFromRemote", async (url: string) => {
  console.log(`Fetching data from ${url}`);
  await asyncio.sleep(0.1);
  if (url.includes("2")) throw new Error("Network Error");
  return `Data from ${url}`;
});

const fetchData = asyncio.coroutine("fetchData", async () => {
  const results: (string | null)[] = [];
  console.log("Start fetching");
  for (const url of ["http://example.com/data1", "http://example.com/data2"]) {
    try {
      results.push(await fetchFromRemote(url));
    } catch (e) {
      console.log(`Error fetching ${url}: ${(e as Error).message}`);
      results.push(null);
    }
  }
  console.log("Done fetching");
  return results;
});

const main = asyncio.coroutine("main", async () => {
  try {
    await faulty();
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    console.log(`Caught an exception: ${e.message}`);
  }
  const task = asyncio.createTask(faulty());
  try {
    await task;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    console.log(`Caught an exception from a task: ${e.message}`);
  }
  console.log("Fetched data:", await fetchData());
});

await asyncio.run(main());
