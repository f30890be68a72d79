"""Twin of bench/semaphore.bench.ts: n jobs gathered under Semaphore(100), each awaiting sleep(0)."""

import asyncio

from _harness import main, ms_since, now

LIMIT = 100


async def semaphore(n):
    sem = asyncio.Semaphore(LIMIT)
    gauge = {"active": 0}

    async def job(i):
        async with sem:
            gauge["active"] += 1
            assert gauge["active"] <= LIMIT
            await asyncio.sleep(0)
            gauge["active"] -= 1
            return i

    t0 = now()
    results = await asyncio.gather(*[job(i) for i in range(n)])
    ms = ms_since(t0)
    assert len(results) == n and results[-1] == n - 1
    return ms


async def run(n):
    return {"time": await semaphore(n)}


main(lambda n: asyncio.run(run(n)))
