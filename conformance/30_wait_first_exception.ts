// Pins reference §2.6 item 50: wait(FIRST_EXCEPTION) returns on the first exception, a cancelled task does not
// count as one, and without any exception it waits for all.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const ok = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay);
  return "ok";
});

const fail = asyncio.coroutine(async (delay: number) => {
  await asyncio.sleep(delay);
  throw new RangeError(`failed after ${String(delay)}`);
});

function names(tasks: Iterable<asyncio.Future>): string[] {
  return [...tasks]
    .filter((t) => t instanceof asyncio.Task)
    .map((t) => t.getName())
    .sort();
}

const main = asyncio.coroutine(async () => {
  const victim = asyncio.createTask(ok(1), { name: "victim" });
  const tasks = [
    victim,
    asyncio.createTask(ok(0.03), { name: "ok-fast" }),
    asyncio.createTask(fail(0.06), { name: "fail" }),
    asyncio.createTask(ok(0.25), { name: "ok-slow" }),
  ];
  asyncio.getRunningLoop().callSoon(() => victim.cancel());
  let [done, pending] = await asyncio.wait(tasks, { returnWhen: asyncio.FIRST_EXCEPTION });
  print("done:", names(done), "pending:", names(pending));
  const sortedDone = [...done]
    .filter((t) => t instanceof asyncio.Task)
    .sort((p, q) => (p.getName() < q.getName() ? -1 : 1));
  for (const t of sortedDone) {
    if (t.cancelled()) {
      print(t.getName(), "cancelled");
    } else {
      print(t.getName(), "exception:", repr(t.exception()));
    }
  }
  [done, pending] = await asyncio.wait(pending, { returnWhen: asyncio.FIRST_EXCEPTION });
  print("no exception -> all done:", names(done), "pending:", names(pending));
});

await asyncio.run(main());
