// Pins reference §2.6 items 48-49: wait(FIRST_COMPLETED) returns (done, pending) sets, never cancels, and `done` holds
// every task that finished before the waiter resumed.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

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
  const tasks = [
    asyncio.createTask(job(0.3), { name: "slow" }),
    asyncio.createTask(job(0.03), { name: "fast" }),
    asyncio.createTask(job(0.15), { name: "mid" }),
  ];
  let [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_COMPLETED });
  print("done:", names(done), "pending:", names(pending));
  // Python: type(done).__name__; a JS Set is Python's set.
  print("types:", done instanceof Set ? "set" : "?", pending instanceof Set ? "set" : "?");
  print(
    "pending cancelled:",
    tasks.map((t) => t.cancelled()),
  );
  [done, pending] = await asyncio.wait(pending, { returnWhen: asyncio.FIRST_COMPLETED });
  print("done:", names(done), "pending:", names(pending));
  await asyncio.wait(pending);

  const x = asyncio.createTask(job(0), { name: "x" });
  const y = asyncio.createTask(job(0), { name: "y" });
  const z = asyncio.createTask(job(1), { name: "z" });
  [done, pending] = await asyncio.wait([x, y, z], { returnWhen: asyncio.FIRST_COMPLETED });
  print("same-iteration finishers:", names(done), "pending:", names(pending));
  z.cancel();
  [done] = await asyncio.wait([z]);
  print("after cancel:", names(done), "cancelled:", z.cancelled());
});

await asyncio.run(main());
