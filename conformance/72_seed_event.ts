// Pins seed 002 (Event): a waiter blocks on an Event until a setter, gathered after it, sets it.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const event = new asyncio.Event();

const waiter = asyncio.coroutine(async () => {
  print("Waiting for the event");
  await event.wait();
  print("Continuing after the event is set");
});

const setter = asyncio.coroutine(async () => {
  await asyncio.sleep(0.2); // Simulate some processing
  print("Setting the event");
  event.set();
  print("event set; is_set:", event.isSet());
});

const main = asyncio.coroutine(async () => {
  await asyncio.gather(waiter(), setter());
});

await asyncio.run(main());
