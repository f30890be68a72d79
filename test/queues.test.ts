// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_queues.py: QueueBasicTests,
// QueueGetTests, QueuePutTests, LifoQueueTests, PriorityQueueTests, and the join and shutdown
// mixins for Queue, LifoQueue and PriorityQueue. Plus what only this port has: `for await` over a
// queue, PriorityQueue's Python-style comparison of numbers, strings and arrays (as tuples) and its
// `compare` option. CPython reads `_getters`/`_putters`/`_format()`; here the str() shows them.
import { it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import { assertCancelled, forEachLoop, Trace } from "./helpers/index.ts";

type QueueClass = new (maxsize?: number) => asyncio.Queue<unknown>;

const QUEUE_CLASSES: readonly (readonly [string, QueueClass])[] = [
  ["Queue", asyncio.Queue],
  ["LifoQueue", asyncio.LifoQueue],
  ["PriorityQueue", asyncio.PriorityQueue],
];

function isShutDown(e: unknown): boolean {
  assert.ok(e instanceof asyncio.QueueShutDown, `expected QueueShutDown, got ${String(e)}`);
  assert.equal(e.name, "QueueShutDown");
  return true;
}

/** For assert.rejects, which wants a Promise: awaits `aw` in the calling task. */
function awaiting(aw: PromiseLike<unknown>): () => Promise<void> {
  return async () => {
    await aw;
  };
}

forEachLoop("Queue basics", (run) => {
  it("differs: repr has no id", () =>
    // CPython: repr(q) is <Queue at 0x7f... maxsize=0> and str(q) is <Queue maxsize=0>. JavaScript
    // objects have no stable id: both are the str() form.
    run(async () => {
      const q = new asyncio.Queue();
      assert.equal(inspect(q), "<Queue maxsize=0>");
      assert.equal(String(q), "<Queue maxsize=0>");
    }));

  it("str", () =>
    run(async () => {
      assert.equal(String(new asyncio.Queue()), "<Queue maxsize=0>");

      // getters
      let q = new asyncio.Queue<number>();
      let getter = null as asyncio.Task<number> | null;
      await new asyncio.TaskGroup().with(async (tg) => {
        getter = tg.createTask(() => q.get());
        await asyncio.sleep(0);
        assert.equal(String(q), "<Queue maxsize=0 _getters[1]>");
        q.putNowait(0);
      });
      assert.ok(getter !== null);
      assert.equal(await getter, 0);

      // putters
      q = new asyncio.Queue<number>(1);
      let putter = null as asyncio.Task | null;
      await new asyncio.TaskGroup().with(async (tg) => {
        q.putNowait(1);
        putter = tg.createTask(() => q.put(2));
        await asyncio.sleep(0);
        assert.equal(String(q), "<Queue maxsize=1 _queue=[1] _putters[1] tasks=1>");
        q.getNowait();
      });
      assert.ok(putter !== null);
      assert.equal(putter.done(), true);

      q = new asyncio.Queue<number>();
      q.putNowait(1);
      assert.equal(String(q), "<Queue maxsize=0 _queue=[1] tasks=1>");
    }));

  it("str shows items as Python lists", () =>
    run(async () => {
      const q = new asyncio.Queue<unknown>();
      q.putNowait("a");
      q.putNowait([1, "b", [2.5, null, true]]);
      assert.equal(String(q), "<Queue maxsize=0 _queue=['a', [1, 'b', [2.5, None, True]]] tasks=2>");
      const pq = new asyncio.PriorityQueue<number>(3);
      for (const i of [3, 1, 2]) pq.putNowait(i);
      // The heap's own order, as CPython's list(self._queue).
      assert.equal(String(pq), "<PriorityQueue maxsize=3 _queue=[1, 3, 2] tasks=3>");
    }));

  it("empty", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      assert.equal(q.empty(), true);
      await q.put(1);
      assert.equal(q.empty(), false);
      assert.equal(await q.get(), 1);
      assert.equal(q.empty(), true);
    }));

  it("full", () =>
    run(async () => {
      let q = new asyncio.Queue<number>();
      assert.equal(q.full(), false);
      q = new asyncio.Queue<number>(1);
      await q.put(1);
      assert.equal(q.full(), true);
    }));

  it("order", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(await q.get());
      assert.deepEqual(items, [1, 3, 2]);
    }));

  it("maxsize", () =>
    run(async () => {
      const q = new asyncio.Queue<number>(2);
      assert.equal(q.maxsize, 2);
      const haveBeenPut: number[] = [];
      const t = asyncio.createTask(async () => {
        for (let i = 0; i < 3; i++) {
          await q.put(i);
          haveBeenPut.push(i);
        }
        return true;
      });
      for (let i = 0; i < 2; i++) await asyncio.sleep(0);
      // The putter is blocked after putting two items.
      assert.deepEqual(haveBeenPut, [0, 1]);
      assert.equal(await q.get(), 0);
      // Let the putter resume and put the last item.
      await asyncio.sleep(0);
      assert.deepEqual(haveBeenPut, [0, 1, 2]);
      assert.equal(await q.get(), 1);
      assert.equal(await q.get(), 2);
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }));

  it("maxsize <= 0 is unbounded", () =>
    run(async () => {
      for (const maxsize of [0, -1, -2.5]) {
        const q = new asyncio.Queue<number>(maxsize);
        assert.equal(q.maxsize, maxsize);
        for (let i = 0; i < 100; i++) await q.put(i);
        assert.equal(q.full(), false);
        assert.equal(q.qsize(), 100);
      }
    }));

  it("maxsize must be a number", () =>
    run(async () => {
      assert.throws(() => new asyncio.Queue("3" as unknown as number), {
        name: "TypeError",
        message: "maxsize must be a number, got '3'",
      });
    }));
});

forEachLoop("Queue get", (run) => {
  it("blocking get", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      q.putNowait(1);
      assert.equal(await q.get(), 1);
    }));

  it("get with putters", () =>
    // A get() from a full queue wakes the first waiting putter.
    run(async () => {
      const q = new asyncio.Queue<number>(1);
      await q.put(1);
      const putter = asyncio.createTask(() => q.put(2));
      await asyncio.sleep(0);
      assert.equal(String(q), "<Queue maxsize=1 _queue=[1] _putters[1] tasks=1>");
      assert.equal(await q.get(), 1);
      assert.equal(String(q), "<Queue maxsize=1 tasks=1>");
      await putter;
      assert.equal(q.getNowait(), 2);
    }));

  it("blocking get wait", () =>
    run(async (loop) => {
      const q = new asyncio.Queue<number>();
      const started = new asyncio.Event();
      let finished = false as boolean;
      const queueGetTask = asyncio.createTask(async () => {
        started.set();
        const res = await q.get();
        finished = true;
        return res;
      });
      await started.wait();
      assert.equal(finished, false);
      loop.callLater(0.01, () => {
        q.putNowait(1);
      });
      assert.equal(await queueGetTask, 1);
      assert.equal(finished, true);
    }));

  it("nonblocking get", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      q.putNowait(1);
      assert.equal(q.getNowait(), 1);
    }));

  it("nonblocking get exception", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      assert.throws(
        () => q.getNowait(),
        (e: unknown) => e instanceof asyncio.QueueEmpty && e.name === "QueueEmpty",
      );
    }));

  it("get cancelled race", () =>
    run(async () => {
      const q = new asyncio.Queue<string>();
      const t1 = asyncio.createTask(() => q.get());
      const t2 = asyncio.createTask(() => q.get());
      await asyncio.sleep(0);
      t1.cancel();
      await asyncio.sleep(0);
      assert.equal(t1.done(), true);
      await q.put("a");
      await asyncio.sleep(0);
      assert.equal(await t2, "a");
    }));

  it("get with waiting putters", () =>
    run(async () => {
      const q = new asyncio.Queue<string>(1);
      const p1 = asyncio.createTask(() => q.put("a"));
      const p2 = asyncio.createTask(() => q.put("b"));
      assert.equal(await q.get(), "a");
      assert.equal(await q.get(), "b");
      await asyncio.gather(p1, p2);
    }));

  it("why are getters waiting", () =>
    // A producer and a consumer through a queue of 1 must not deadlock.
    run(async () => {
      const q = new asyncio.Queue<number>(1);
      const n = 5;
      const got: number[] = [];
      await new asyncio.TaskGroup().with((tg) => {
        tg.createTask(async () => {
          for (let i = 0; i < n; i++) await q.put(i);
        });
        tg.createTask(async () => {
          for (let i = 0; i < n; i++) got.push(await q.get());
        });
      });
      assert.deepEqual(got, [0, 1, 2, 3, 4]);
    }));

  it("cancelled getters not being held in self getters", () =>
    run(async () => {
      const queue = new asyncio.Queue<number>(5);
      await assert.rejects(
        awaiting(asyncio.waitFor(() => queue.get(), 0.01)),
        (e: unknown) => e instanceof asyncio.TimeoutError,
      );
      assert.equal(String(queue), "<Queue maxsize=5>");
    }));

  it("a woken getter does not reserve the item", () =>
    // put_nowait wakes the first getter, but a getNowait() in between takes the item: the woken
    // getter finds the queue empty and waits again.
    run(async () => {
      const q = new asyncio.Queue<string>();
      const getter = asyncio.createTask(() => q.get());
      await asyncio.sleep(0);
      q.putNowait("a");
      assert.equal(q.getNowait(), "a");
      await asyncio.sleep(0);
      assert.equal(getter.done(), false);
      assert.equal(String(q), "<Queue maxsize=0 _getters[1] tasks=1>");
      q.putNowait("b");
      assert.equal(await getter, "b");
    }));
});

forEachLoop("Queue put", (run) => {
  it("blocking put", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      // No maxsize: does not block.
      await q.put(1);
      assert.equal(await q.get(), 1);
    }));

  it("blocking put wait", () =>
    run(async (loop) => {
      const q = new asyncio.Queue<number>(1);
      const started = new asyncio.Event();
      let finished = false as boolean;
      loop.callLater(0.01, () => q.getNowait());
      const queuePutTask = asyncio.createTask(async () => {
        started.set();
        await q.put(1);
        await q.put(2);
        finished = true;
      });
      await started.wait();
      assert.equal(finished, false);
      await queuePutTask;
      assert.equal(finished, true);
    }));

  it("nonblocking put", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      q.putNowait(1);
      assert.equal(q.getNowait(), 1);
    }));

  it("get cancel drop one pending reader", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      let reader = asyncio.createTask(() => q.get());
      await asyncio.sleep(0);
      q.putNowait(1);
      q.putNowait(2);
      reader.cancel();
      try {
        await reader;
      } catch (e) {
        if (!(e instanceof asyncio.CancelledError)) throw e;
        // Try again.
        reader = asyncio.createTask(() => q.get());
        await reader;
      }
      // 2 would mean that 1 was dropped.
      assert.equal(reader.result(), 1);
    }));

  it("get cancel drop many pending readers", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      const readers: asyncio.Task<number>[] = [];
      await new asyncio.TaskGroup().with(async (tg) => {
        for (let i = 0; i < 3; i++) readers.push(tg.createTask(() => q.get()));
        await asyncio.sleep(0);
        q.putNowait(1);
        q.putNowait(2);
        const [reader1, , reader3] = readers as [
          asyncio.Task<number>,
          asyncio.Task<number>,
          asyncio.Task<number>,
        ];
        reader1.cancel();
        await assertCancelled(reader1);
        await reader3;
      });
      // In which order concurrent readers get the items is not defined.
      const results = new Set([readers[1]?.result(), readers[2]?.result()]);
      assert.deepEqual(results, new Set([1, 2]));
    }));

  it("put cancel drop", () =>
    run(async () => {
      const q = new asyncio.Queue<number>(1);
      q.putNowait(1);
      // Putting a second item has to block (qsize 1).
      let writer = asyncio.createTask(() => q.put(2));
      await asyncio.sleep(0);
      assert.equal(q.getNowait(), 1);
      writer.cancel();
      try {
        await writer;
      } catch (e) {
        if (!(e instanceof asyncio.CancelledError)) throw e;
        // Try again.
        writer = asyncio.createTask(() => q.put(2));
        await writer;
      }
      assert.equal(q.getNowait(), 2);
      assert.equal(q.qsize(), 0);
    }));

  it("nonblocking put exception", () =>
    run(async () => {
      const q = new asyncio.Queue<number>(1);
      q.putNowait(1);
      assert.throws(
        () => {
          q.putNowait(2);
        },
        (e: unknown) => e instanceof asyncio.QueueFull && e.name === "QueueFull",
      );
    }));

  it("float maxsize", () =>
    // full() is qsize() >= maxsize: a maxsize of 1.3 holds two items.
    run(async () => {
      let q = new asyncio.Queue<number>(1.3);
      q.putNowait(1);
      q.putNowait(2);
      assert.equal(q.full(), true);
      assert.throws(
        () => {
          q.putNowait(3);
        },
        (e: unknown) => e instanceof asyncio.QueueFull,
      );
      q = new asyncio.Queue<number>(1.3);
      await q.put(1);
      await q.put(2);
      assert.equal(q.full(), true);
      assert.equal(q.maxsize, 1.3);
    }));

  it("put cancelled", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      const t = asyncio.createTask(async () => {
        await q.put(1);
        return true;
      });
      assert.equal(await q.get(), 1);
      assert.equal(t.done(), true);
      assert.equal(t.result(), true);
    }));

  it("put cancelled race", () =>
    run(async () => {
      const q = new asyncio.Queue<string>(1);
      const putA = asyncio.createTask(() => q.put("a"));
      const putB = asyncio.createTask(() => q.put("b"));
      const putC = asyncio.createTask(() => q.put("X"));
      await asyncio.sleep(0);
      assert.equal(putA.done(), true);
      assert.equal(putB.done(), false);
      putC.cancel();
      await asyncio.sleep(0);
      assert.equal(putC.done(), true);
      assert.equal(q.getNowait(), "a");
      await asyncio.sleep(0);
      assert.equal(q.getNowait(), "b");
      await putB;
    }));

  it("put with waiting getters", () =>
    run(async () => {
      const q = new asyncio.Queue<string>();
      const t = asyncio.createTask(() => q.get());
      await asyncio.sleep(0);
      await q.put("a");
      assert.equal(await t, "a");
    }));

  it("why are putters waiting", () =>
    // Four putters on a queue of 2 and a getter that empties it once must not deadlock.
    run(async () => {
      const queue = new asyncio.Queue<number>(2);
      const got: number[] = [];
      await new asyncio.TaskGroup().with((tg) => {
        tg.createTask(async () => {
          await asyncio.sleep(0);
          const num = queue.qsize();
          for (let i = 0; i < num; i++) got.push(queue.getNowait());
        });
        for (const item of [0, 1, 2, 3]) tg.createTask(() => queue.put(item));
      });
      assert.deepEqual(got, [0, 1]);
      assert.equal(queue.qsize(), 2);
    }));

  it("cancelled puts not being held in self putters", () =>
    run(async () => {
      // A full queue.
      const queue = new asyncio.Queue<number>(1);
      queue.putNowait(1);
      // A task waiting for room to put an item.
      const putTask = asyncio.createTask(() => queue.put(1));
      await asyncio.sleep(0);
      assert.equal(String(queue), "<Queue maxsize=1 _queue=[1] _putters[1] tasks=1>");
      putTask.cancel();
      await assertCancelled(putTask);
      assert.equal(String(queue), "<Queue maxsize=1 _queue=[1] tasks=1>");
    }));

  it("cancelled put silence value error exception", () =>
    // getNowait() took the putter out of the waiters; the cancelled put() must still end with
    // CancelledError alone.
    run(async () => {
      const queue = new asyncio.Queue<number>(1);
      queue.putNowait(1);
      const putTask = asyncio.createTask(() => queue.put(1));
      await asyncio.sleep(0);
      queue.getNowait();
      putTask.cancel();
      await assertCancelled(putTask);
      assert.equal(queue.qsize(), 0);
    }));

  it("a woken then cancelled putter wakes the next", () =>
    run(async () => {
      const q = new asyncio.Queue<string>(1);
      q.putNowait("first");
      const p1 = asyncio.createTask(() => q.put("p1"));
      const p2 = asyncio.createTask(() => q.put("p2"));
      await asyncio.sleep(0);
      assert.equal(q.getNowait(), "first"); // wakes p1
      p1.cancel(); // p1's future is done: the cancel lands when p1 resumes
      await assertCancelled(p1);
      await p2;
      assert.equal(q.getNowait(), "p2");
      assert.equal(q.empty(), true);
    }));
});

forEachLoop("LifoQueue and PriorityQueue", (run) => {
  it("lifo order", () =>
    run(async () => {
      const q = new asyncio.LifoQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(await q.get());
      assert.deepEqual(items, [2, 3, 1]);
    }));

  it("priority order", () =>
    run(async () => {
      const q = new asyncio.PriorityQueue<number>();
      for (const i of [1, 3, 2]) await q.put(i);
      const items: number[] = [];
      for (let i = 0; i < 3; i++) items.push(await q.get());
      assert.deepEqual(items, [1, 2, 3]);
    }));

  it("priority order of many numbers", () =>
    run(async () => {
      const q = new asyncio.PriorityQueue<number>();
      const input = [5, -1, 3.5, 3, 0, 10, 5, -7, 2, 8, 1, 1, 4];
      for (const i of input) q.putNowait(i);
      const items: number[] = [];
      while (!q.empty()) items.push(q.getNowait());
      assert.deepEqual(
        items,
        input.toSorted((a, b) => a - b),
      );
    }));

  it("priority order of strings", () =>
    // By code point, as Python compares str: "B" < "a", "é" after "z", and an astral character
    // after U+FFFF (JavaScript's `<` on UTF-16 units would put it before U+E000).
    run(async () => {
      const q = new asyncio.PriorityQueue<string>();
      const input = ["pear", "apple", "B", "é", "apples", "z", "", "\uffff", "😀", "\ue000", "😀a"];
      for (const s of input) q.putNowait(s);
      const items: string[] = [];
      while (!q.empty()) items.push(q.getNowait());
      assert.deepEqual(items, [
        "",
        "B",
        "apple",
        "apples",
        "pear",
        "z",
        "é",
        "\ue000",
        "\uffff",
        "😀",
        "😀a",
      ]);
    }));

  it("priority order of arrays compared like tuples", () =>
    run(async () => {
      const q = new asyncio.PriorityQueue<[number, string] | [number]>();
      for (const item of [[2, "b"], [1, "z"], [1, "a"], [2, "a"], [1], [0, "last"]] as const) {
        q.putNowait([...item] as [number, string] | [number]);
      }
      const items: unknown[] = [];
      while (!q.empty()) items.push(q.getNowait());
      // A shorter tuple that is a prefix sorts first.
      assert.deepEqual(items, [[0, "last"], [1], [1, "a"], [1, "z"], [2, "a"], [2, "b"]]);
    }));

  it("priority compares mixed types with a TypeError", () =>
    run(async () => {
      const q = new asyncio.PriorityQueue<unknown>();
      q.putNowait(1);
      q.putNowait(3);
      assert.throws(
        () => {
          q.putNowait("a");
        },
        { name: "TypeError", message: "'<' not supported between instances of 'str' and 'int'" },
      );
      await assert.rejects(q.put([1]), {
        name: "TypeError",
        message: "'<' not supported between instances of 'tuple' and 'int'",
      });
      const pq = new asyncio.PriorityQueue<unknown>();
      pq.putNowait(null);
      assert.throws(
        () => {
          pq.putNowait(null);
        },
        { name: "TypeError", message: "'<' not supported between instances of 'NoneType' and 'NoneType'" },
      );
      const tq = new asyncio.PriorityQueue<unknown>();
      tq.putNowait([1, 2]);
      assert.throws(
        () => {
          tq.putNowait([1, "x"]);
        },
        { name: "TypeError", message: "'<' not supported between instances of 'str' and 'int'" },
      );
      const bq = new asyncio.PriorityQueue<unknown>();
      bq.putNowait(true);
      bq.putNowait(0); // bool is an int
      assert.throws(
        () => {
          bq.putNowait("x");
        },
        { name: "TypeError", message: "'<' not supported between instances of 'str' and 'int'" },
      );
      const nq = new asyncio.PriorityQueue<unknown>();
      nq.putNowait("x");
      assert.throws(
        () => {
          nq.putNowait(10n ** 30n);
        },
        { name: "TypeError", message: "'<' not supported between instances of 'int' and 'str'" },
      );
      assert.throws(
        () => {
          nq.putNowait(false);
        },
        { name: "TypeError", message: "'<' not supported between instances of 'bool' and 'str'" },
      );
      // Equal items never need comparing.
      tq.putNowait([1, 2]);
      assert.equal(tq.qsize(), 2);
      assert.equal(pq.qsize(), 1);
    }));

  it("differs: a failed comparison leaves the heap intact", () =>
    // CPython's heappush appends the item before comparing, so after the TypeError it stays in
    // the heap uncounted (qsize 3, unfinished tasks 2); heappop loses the item it was returning.
    // Here the heap and the counts are as they were before the failed call.
    run(async () => {
      const q = new asyncio.PriorityQueue<unknown>();
      q.putNowait(1);
      q.putNowait(3);
      assert.throws(() => {
        q.putNowait("a");
      }, TypeError);
      assert.equal(q.qsize(), 2);
      assert.equal(String(q), "<PriorityQueue maxsize=0 _queue=[1, 3] tasks=2>");
      assert.equal(q.getNowait(), 1);
      assert.equal(q.getNowait(), 3);

      // Tuples whose first elements differ are ordered without comparing the rest, so a heap can
      // hold items that a later sift compares and fails on.
      const tq = new asyncio.PriorityQueue<unknown>();
      for (const item of [
        [0, "a"],
        [1, 1],
        [1, "b"],
      ]) {
        tq.putNowait(item);
      }
      assert.throws(() => tq.getNowait(), {
        name: "TypeError",
        message: "'<' not supported between instances of 'str' and 'int'",
      });
      assert.equal(String(tq), "<PriorityQueue maxsize=0 _queue=[[0, 'a'], [1, 1], [1, 'b']] tasks=3>");
    }));

  it("priority compare option", () =>
    run(async () => {
      interface Job {
        name: string;
        priority: number;
      }
      const q = new asyncio.PriorityQueue<Job>(0, { compare: (a, b) => b.priority - a.priority });
      for (const [name, priority] of [
        ["low", 1],
        ["high", 9],
        ["mid", 5],
      ] as const) {
        await q.put({ name, priority });
      }
      const names: string[] = [];
      while (!q.empty()) names.push((await q.get()).name);
      assert.deepEqual(names, ["high", "mid", "low"]);
    }));

  it("priority queue blocks like a queue", () =>
    run(async () => {
      const q = new asyncio.PriorityQueue<number>(2);
      const trace = new Trace();
      const putter = asyncio.createTask(async () => {
        for (const i of [5, 1, 3]) {
          await q.put(i);
          trace.push("put", i);
        }
      });
      await asyncio.sleep(0);
      assert.deepEqual(trace.lines, ["put 5", "put 1"]);
      assert.equal(await q.get(), 1);
      await putter;
      assert.equal(await q.get(), 3);
      assert.equal(await q.get(), 5);
    }));
});

for (const [name, QueueClass] of QUEUE_CLASSES) {
  forEachLoop(`${name} join`, (run) => {
    it("task done underflow", () =>
      run(async () => {
        const q = new QueueClass();
        assert.throws(
          () => {
            q.taskDone();
          },
          { name: "RangeError", message: "task_done() called too many times" },
        );
      }));

    it("task done", () =>
      run(async () => {
        const q = new QueueClass();
        for (let i = 0; i < 100; i++) q.putNowait(i);
        let accumulator = 0;
        // Two workers get items and call taskDone() after each; join() waits for all.
        let running = true;
        const worker = async () => {
          while (running) {
            const item = (await q.get()) as number;
            accumulator += item;
            q.taskDone();
          }
        };
        await new asyncio.TaskGroup().with(async (tg) => {
          const tasks = [tg.createTask(worker), tg.createTask(worker)];
          await q.join();
          assert.equal(accumulator, 4950);
          // Let the workers end.
          running = false;
          for (const _ of tasks) q.putNowait(0);
        });
      }));

    it("join counts puts, not gets", () =>
      run(async () => {
        const q = new QueueClass();
        q.putNowait(1);
        q.putNowait(2);
        q.getNowait();
        q.getNowait();
        const join = asyncio.createTask(() => q.join());
        await asyncio.sleep(0);
        assert.equal(join.done(), false);
        q.taskDone();
        await asyncio.sleep(0);
        assert.equal(join.done(), false);
        q.taskDone();
        await join;
        assert.throws(() => {
          q.taskDone();
        }, RangeError);
      }));

    it("join empty queue", () =>
      // join() on an empty queue returns at once (twice, for insurance).
      run(async () => {
        const q = new QueueClass();
        await q.join();
        await q.join();
      }));

    it("format", () =>
      run(async () => {
        const q = new QueueClass();
        assert.equal(String(q), `<${name} maxsize=0>`);
        q.putNowait(1);
        q.putNowait(2);
        q.getNowait();
        q.getNowait();
        assert.equal(String(q), `<${name} maxsize=0 tasks=2>`);
      }));
  });

  forEachLoop(`${name} shutdown`, (run) => {
    it("format", () =>
      run(async () => {
        const q = new QueueClass();
        q.shutdown();
        assert.equal(String(q), `<${name} maxsize=0 shutdown>`);
      }));

    it("shutdown empty", () =>
      run(async (loop) => {
        const q = new QueueClass();
        const getTask = loop.createTask(() => q.get());
        await asyncio.sleep(0); // the get() is pending before the shutdown
        q.shutdown(false); // unfinished tasks: 0 -> 0
        assert.equal(q.qsize(), 0);
        await q.join();
        await asyncio.sleep(0);
        assert.equal(getTask.done(), true);
        await assert.rejects(awaiting(getTask), isShutDown);
        await assert.rejects(q.put("data"), isShutDown);
        assert.throws(() => {
          q.putNowait("data");
        }, isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
      }));

    it("shutdown nonempty", () =>
      run(async (loop) => {
        const q = new QueueClass(1);
        q.putNowait("data");
        const joinTask = loop.createTask(() => q.join());
        const putTask = loop.createTask(() => q.put("data2"));
        await asyncio.sleep(0);
        assert.equal(putTask.done(), false);
        q.shutdown(false); // unfinished tasks: 1 -> 1
        assert.equal(q.qsize(), 1);
        // The blocked put() wakes and raises.
        await asyncio.sleep(0);
        assert.equal(putTask.done(), true);
        await assert.rejects(awaiting(putTask), isShutDown);
        // get() still drains what is left.
        assert.equal(await q.get(), "data");
        await asyncio.sleep(0);
        assert.equal(joinTask.done(), false);
        await assert.rejects(q.put("data"), isShutDown);
        assert.throws(() => {
          q.putNowait("data");
        }, isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
        // One unfinished task left: its taskDone() ends the join().
        q.taskDone();
        await asyncio.sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;
        assert.throws(
          () => {
            q.taskDone();
          },
          { name: "RangeError", message: "task_done() called too many times" },
        );
      }));

    it("shutdown immediate", () =>
      run(async (loop) => {
        const q = new QueueClass();
        q.putNowait("data");
        const joinTask = loop.createTask(() => q.join());
        q.shutdown(true); // unfinished tasks: 1 -> 0
        assert.equal(q.qsize(), 0);
        await asyncio.sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;
        await assert.rejects(q.put("data"), isShutDown);
        assert.throws(() => {
          q.putNowait("data");
        }, isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
        assert.throws(
          () => {
            q.taskDone();
          },
          { name: "RangeError", message: "task_done() called too many times" },
        );
      }));

    it("shutdown immediate with unfinished", () =>
      run(async (loop) => {
        const q = new QueueClass();
        q.putNowait("data");
        q.putNowait("data");
        const joinTask = loop.createTask(() => q.join());
        assert.equal(await q.get(), "data");
        q.shutdown(true); // unfinished tasks: 2 -> 1
        assert.equal(q.qsize(), 0);
        await asyncio.sleep(0);
        assert.equal(joinTask.done(), false);
        await assert.rejects(q.put("data"), isShutDown);
        assert.throws(() => {
          q.putNowait("data");
        }, isShutDown);
        await assert.rejects(q.get(), isShutDown);
        assert.throws(() => q.getNowait(), isShutDown);
        // The item taken before the shutdown still needs its taskDone().
        q.taskDone();
        assert.throws(
          () => {
            q.taskDone();
          },
          { name: "RangeError", message: "task_done() called too many times" },
        );
        await asyncio.sleep(0);
        assert.equal(joinTask.done(), true);
        await joinTask;
      }));

    it("shutdown wakes every blocked getter and putter", () =>
      run(async () => {
        const empty = new QueueClass();
        const getters = [0, 1, 2].map(() => asyncio.createTask(() => empty.get()));
        const full = new QueueClass(1);
        full.putNowait(0);
        const putters = [1, 2].map((i) => asyncio.createTask(() => full.put(i)));
        await asyncio.sleep(0);
        assert.equal(String(empty), `<${name} maxsize=0 _getters[3]>`);
        assert.equal(String(full), `<${name} maxsize=1 _queue=[0] _putters[2] tasks=1>`);
        empty.shutdown();
        full.shutdown();
        const results = await asyncio.gather(...getters, ...putters, { returnExceptions: true });
        assert.equal(results.length, 5);
        for (const r of results) isShutDown(r);
        assert.equal(String(full), `<${name} maxsize=1 _queue=[0] tasks=1 shutdown>`);
        assert.equal(full.getNowait(), 0);
      }));

    it("an immediate shutdown makes room, and the woken putter's put_nowait raises", () =>
      // CPython 3.13 Queue.put: woken with room, it calls put_nowait(), which raises QueueShutDown.
      run(async () => {
        const full = new QueueClass(1);
        full.putNowait(0);
        const putter = asyncio.createTask(full.put(1));
        await asyncio.sleep(0);
        full.shutdown(true);
        assert.equal(full.empty(), true);
        await assert.rejects(
          async () => putter,
          (e: unknown) => {
            isShutDown(e);
            return true;
          },
        );
        assert.equal(full.qsize(), 0);
      }));
  });
}

forEachLoop("Queue async iteration", (run) => {
  it("for await gets items until shutdown", () =>
    run(async () => {
      const q = new asyncio.Queue<number>(2);
      const consumer = asyncio.createTask(async () => {
        const got: number[] = [];
        for await (const item of q) {
          got.push(item);
          q.taskDone();
        }
        return got;
      });
      for (const i of [1, 2, 3, 4, 5]) await q.put(i);
      await q.join();
      assert.equal(consumer.done(), false);
      q.shutdown();
      assert.deepEqual(await consumer, [1, 2, 3, 4, 5]);
    }));

  it("for await drains the items left at shutdown", () =>
    run(async () => {
      const q = new asyncio.Queue<string>();
      q.putNowait("a");
      q.putNowait("b");
      q.shutdown();
      const got: string[] = [];
      for await (const item of q) got.push(item);
      assert.deepEqual(got, ["a", "b"]);
    }));

  it("for await ends at once after an immediate shutdown", () =>
    run(async () => {
      const q = new asyncio.Queue<string>();
      const consumer = asyncio.createTask(async () => {
        const got: string[] = [];
        for await (const item of q) {
          got.push(item);
          if (got.length === 1) q.shutdown(true);
        }
        return got;
      });
      q.putNowait("a");
      q.putNowait("b");
      assert.deepEqual(await consumer, ["a"]);
      assert.equal(q.qsize(), 0);
    }));

  it("break leaves the queue usable", () =>
    run(async () => {
      const q = new asyncio.LifoQueue<number>();
      for (const i of [1, 2, 3]) q.putNowait(i);
      for await (const item of q) {
        assert.equal(item, 3);
        break;
      }
      assert.equal(q.qsize(), 2);
      assert.equal(await q.get(), 2);
    }));

  it("cancelling the consumer loses no item", () =>
    run(async () => {
      const q = new asyncio.Queue<number>();
      const got: number[] = [];
      const consumer = asyncio.createTask(async () => {
        for await (const item of q) got.push(item);
      });
      await asyncio.sleep(0);
      q.putNowait(1); // wakes the consumer
      consumer.cancel(); // before it runs
      await assertCancelled(consumer);
      assert.deepEqual(got, []);
      assert.equal(q.getNowait(), 1);
    }));
});

/** The in-the-wild idiom: a Queue subclass that keeps its own storage (CPython's _init/_put/_get). */
class UniqueQueue<T> extends asyncio.Queue<T> {
  readonly #items: T[] = [];
  readonly #seen = new Set<T>();

  protected override store(item: T): void {
    if (this.#seen.has(item)) return;
    if (Number.isNaN(item)) throw new TypeError("NaN is not an item");
    this.#seen.add(item);
    this.#items.push(item);
  }
  protected override take(): T {
    const item = this.#items.shift() as T;
    this.#seen.delete(item);
    return item;
  }
  protected override size(): number {
    return this.#items.length;
  }
  protected override contents(): T[] {
    return [...this.#items];
  }
}

forEachLoop("Queue subclass with its own storage hooks", (run) => {
  it("put, get, qsize, full and repr go through store/take/size/contents", () =>
    run(async () => {
      const q = new UniqueQueue<number>(2);
      q.putNowait(1);
      q.putNowait(1); // dropped by store(); task counting is the base class's, as in CPython
      assert.equal(q.qsize(), 1);
      assert.equal(q.full(), false);
      await q.put(2);
      assert.equal(q.full(), true);
      assert.match(String(q), /_queue=\[1, 2\]/);
      const waiting = asyncio.createTask(q.put(3));
      await asyncio.sleep(0);
      assert.equal(waiting.done(), false);
      assert.equal(await q.get(), 1);
      await waiting;
      assert.deepEqual([q.getNowait(), q.getNowait()], [2, 3]);
      assert.equal(q.empty(), true);
    }));

  it("a store() that throws fails that put and leaves the queue as it was", () =>
    run(async () => {
      const q = new UniqueQueue<number>();
      q.putNowait(1);
      assert.throws(() => {
        q.putNowait(Number.NaN);
      }, /NaN is not an item/);
      await assert.rejects(q.put(Number.NaN), /NaN is not an item/);
      assert.equal(q.qsize(), 1);
      q.taskDone(); // the one put that stored counted once
      assert.throws(() => {
        q.taskDone();
      }, /task_done\(\) called too many times/);
    }));
});
