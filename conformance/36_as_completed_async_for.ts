// Pins reference §2.6 item 55 (3.13): `async for` over as_completed yields the original tasks in completion order;
// the iterator can be resumed after a break; coroutines get implicit tasks.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const job = asyncio.coroutine(async (delay: number, value: string) => {
  await asyncio.sleep(delay);
  return value;
});

// TypeScript types the items of `for await` as awaited values (a Task is a thenable); at run time they are the
// tasks themselves, so the loops below read them as `unknown` and narrow them.
const main = asyncio.coroutine(async () => {
  const tasks = [
    asyncio.createTask(job(0.09, "slow"), { name: "slow" }),
    asyncio.createTask(job(0.03, "fast"), { name: "fast" }),
    asyncio.createTask(job(0.06, "mid"), { name: "mid" }),
  ];
  for await (const t of asyncio.asCompleted(tasks) as AsyncIterable<unknown>) {
    if (!(t instanceof asyncio.Task)) throw new TypeError("expected a Task");
    print(
      t.getName(),
      "is an original task:",
      tasks.some((x) => t === x),
      "result:",
      t.result(),
    );
  }

  const more = [
    asyncio.createTask(job(0.06, "b"), { name: "b" }),
    asyncio.createTask(job(0.03, "a"), { name: "a" }),
    asyncio.createTask(job(0.09, "c"), { name: "c" }),
  ];
  const it = asyncio.asCompleted(more) as AsyncIterable<unknown>;
  for await (const t of it) {
    if (!(t instanceof asyncio.Task)) throw new TypeError("expected a Task");
    print("first:", t.getName());
    break;
  }
  for await (const t of it) {
    if (!(t instanceof asyncio.Task)) throw new TypeError("expected a Task");
    print("resumed:", t.getName());
  }

  for await (const t of asyncio.asCompleted([job(0.03, "from coroutine")]) as AsyncIterable<unknown>) {
    print("implicit task:", t instanceof asyncio.Task, t instanceof asyncio.Future ? t.result() : t);
  }
});

await asyncio.run(main());
