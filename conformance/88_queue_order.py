# Pins reference §2.9 item 78 and the queue str(): Queue is FIFO, LifoQueue returns the newest item first,
# PriorityQueue the lowest (tuples compare item by item), its _queue shown in heapq's layout after pushes and pops;
# items of equal priority (the dataclass pattern of the heapq docs) come out in heapq's order, not insertion order.
import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass(order=True)
class PrioritizedItem:
    priority: int
    item: Any = field(compare=False)

ITEMS = [5, 1, 4, 1, 3, 9, 2, 6, 8, 7, 0]


async def main():
    for cls in (asyncio.Queue, asyncio.LifoQueue, asyncio.PriorityQueue):
        q = cls()
        for item in ITEMS:
            await q.put(item)
        print(cls.__name__, "str:", q)
        print(cls.__name__, "first three:", [q.get_nowait() for _ in range(3)], "then:", str(q))
        got = []
        while not q.empty():
            got.append(await q.get())
        print(cls.__name__, "rest:", got, "qsize:", q.qsize())

    pq = asyncio.PriorityQueue()
    for entry in [(2, "b"), (1, "z"), (3, "c"), (1, "a"), (2, "a")]:
        pq.put_nowait(entry)
    while not pq.empty():
        priority, data = pq.get_nowait()
        print("priority", priority, "data", data)

    pq = asyncio.PriorityQueue()
    for word in ["pear", "apple", "fig", "banana"]:
        pq.put_nowait(word)
    print("strings:", pq)
    print([pq.get_nowait() for _ in range(4)])

    pq = asyncio.PriorityQueue()
    for x in [5, 7, 5, 5]:
        pq.put_nowait(x)
    print("duplicates:", str(pq), "get:", pq.get_nowait(), "then:", str(pq))

    jobs = asyncio.PriorityQueue()
    entries = [(2, "write"), (1, "read"), (2, "sync"), (1, "open"), (2, "close")]
    entries += [(1, "stat"), (3, "exit"), (2, "flush"), (1, "seek"), (2, "trim")]
    for priority, name in entries:
        jobs.put_nowait(PrioritizedItem(priority, name))
    order = []
    while not jobs.empty():
        entry = await jobs.get()
        order.append(f"{entry.priority}:{entry.item}")
    print("equal priorities:", order)


asyncio.run(main())
