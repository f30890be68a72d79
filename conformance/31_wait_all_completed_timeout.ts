// Pins reference §2.6 item 48: wait() defaults to ALL_COMPLETED; with a timeout it returns what is done so far,
// without raising and without cancelling the rest; an empty input is a ValueError.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const job = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay);
  return delay;
});

function names(tasks: Iterable<asyncio.Future>): string[] {
  return [...tasks]
    .filter((t) => t instanceof asyncio.Task)
    .map((t) => t.getName())
    .sort();
}

const main = asyncio.coroutine(async () => {
  const a = asyncio.createTask(job(0.03), { name: "a" });
  const b = asyncio.createTask(job(0.06), { name: "b" });
  let [done, pending] = await asyncio.wait([a, b]);
  print("ALL_COMPLETED done:", names(done), "pending:", names(pending));

  const fast = asyncio.createTask(job(0.03), { name: "fast" });
  const slow = asyncio.createTask(job(0.25), { name: "slow" });
  [done, pending] = await asyncio.wait(new Set([fast, slow]), { timeout: 0.13 });
  print("timeout done:", names(done), "pending:", names(pending));
  print("slow cancelled:", slow.cancelled(), "done:", slow.done());
  print("slow result later:", await slow);

  try {
    await asyncio.wait([]);
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print(typeName(exc), exc);
  }
  [done, pending] = await asyncio.wait([a], { timeout: 0 });
  print("timeout=0 on a done task:", names(done), names(pending));
});

await asyncio.run(main());
