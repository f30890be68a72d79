"""Twin of bench/fastpath.bench.ts: uncontended Lock acquire/release and get() from a non-empty Queue."""

import asyncio

from _harness import main, ms_since, now


async def lock_bench(n):
    lock = asyncio.Lock()
    count = 0
    t0 = now()
    for _ in range(n):
        await lock.acquire()
        count += 1
        lock.release()
    ms = ms_since(t0)
    assert count == n and not lock.locked()
    return ms


async def get_bench(n):
    q = asyncio.Queue()
    q.put_nowait(0)
    total = 0
    t0 = now()
    for i in range(n):
        q.put_nowait(i)
        total += await q.get()
    ms = ms_since(t0)
    assert total == (n - 2) * (n - 1) // 2 and q.qsize() == 1
    return ms


async def run(n):
    return {"lock": await lock_bench(n), "get": await get_bench(n)}


main(lambda n: asyncio.run(run(n)))
