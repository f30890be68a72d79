"""Twin of bench/lock.bench.ts: n acquisitions of one Lock by 1,000 tasks, sleep(0) inside."""

import asyncio

from _harness import main, ms_since, now

TASKS = 1000


async def lock_bench(n):
    lock = asyncio.Lock()
    per = n // TASKS
    tally = {"inside": False, "count": 0}

    async def worker():
        for _ in range(per):
            async with lock:
                assert not tally["inside"]
                tally["inside"] = True
                await asyncio.sleep(0)
                tally["inside"] = False
                tally["count"] += 1

    t0 = now()
    await asyncio.gather(*[worker() for _ in range(TASKS)])
    ms = ms_since(t0)
    assert tally["count"] == n
    return ms


async def run(n):
    return {"time": await lock_bench(n)}


main(lambda n: asyncio.run(run(n)))
