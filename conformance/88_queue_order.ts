// Pins reference §2.9 item 78 and the queue str(): Queue is FIFO, LifoQueue returns the newest item first,
// PriorityQueue the lowest (tuples compare item by item), its _queue shown in heapq's layout after pushes and pops;
// items of equal priority (the dataclass pattern of the heapq docs) come out in heapq's order, not insertion order.
import * as asyncio from "../src/index.ts";
import { print, str } from "./_py.ts";

interface PrioritizedItem {
  priority: number;
  item: unknown;
}

const ITEMS = [5, 1, 4, 1, 3, 9, 2, 6, 8, 7, 0];

const main = asyncio.coroutine(async () => {
  for (const cls of [asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue]) {
    const q = new cls<number>();
    for (const item of ITEMS) {
      await q.put(item);
    }
    print(cls.name, "str:", q);
    print(
      cls.name,
      "first three:",
      [0, 1, 2].map(() => q.getNowait()),
      "then:",
      str(q),
    );
    const got: number[] = [];
    while (!q.empty()) {
      got.push(await q.get());
    }
    print(cls.name, "rest:", got, "qsize:", q.qsize());
  }

  const tuples = new asyncio.PriorityQueue<[number, string]>();
  for (const entry of [
    [2, "b"],
    [1, "z"],
    [3, "c"],
    [1, "a"],
    [2, "a"],
  ] as [number, string][]) {
    tuples.putNowait(entry);
  }
  while (!tuples.empty()) {
    const [priority, data] = tuples.getNowait();
    print("priority", priority, "data", data);
  }

  const words = new asyncio.PriorityQueue<string>();
  for (const word of ["pear", "apple", "fig", "banana"]) {
    words.putNowait(word);
  }
  print("strings:", words);
  print([0, 1, 2, 3].map(() => words.getNowait()));

  const pq = new asyncio.PriorityQueue<number>();
  for (const x of [5, 7, 5, 5]) {
    pq.putNowait(x);
  }
  print("duplicates:", str(pq), "get:", pq.getNowait(), "then:", str(pq));

  const jobs = new asyncio.PriorityQueue<PrioritizedItem>(0, { compare: (a, b) => a.priority - b.priority });
  const entries: [number, string][] = [
    [2, "write"],
    [1, "read"],
    [2, "sync"],
    [1, "open"],
    [2, "close"],
  ];
  entries.push([1, "stat"], [3, "exit"], [2, "flush"], [1, "seek"], [2, "trim"]);
  for (const [priority, name] of entries) {
    jobs.putNowait({ priority, item: name });
  }
  const order: string[] = [];
  while (!jobs.empty()) {
    const entry = await jobs.get();
    order.push(`${String(entry.priority)}:${String(entry.item)}`);
  }
  print("equal priorities:", order);
});

await asyncio.run(main());
