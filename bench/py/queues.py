"""Twin of bench/queues.bench.ts: n items from one producer to one consumer, Queue(100) and unbounded."""

import asyncio

from _harness import main, ms_since, now

MAXSIZE = 100


async def queue(n, maxsize):
    q = asyncio.Queue(maxsize)

    async def producer():
        for i in range(n):
            await q.put(i)

    async def consumer():
        total = 0
        for _ in range(n):
            total += await q.get()
            q.task_done()
        return total

    t0 = now()
    p = asyncio.create_task(producer())
    c = asyncio.create_task(consumer())
    await p
    total = await c
    ms = ms_since(t0)
    assert total == n * (n - 1) // 2
    return ms


async def run(n):
    return {"bounded": await queue(n, MAXSIZE), "unbounded": await queue(n, 0)}


main(lambda n: asyncio.run(run(n)))
