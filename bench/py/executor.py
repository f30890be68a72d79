"""Twin of bench/executor.bench.ts: n tiny jobs on a ThreadPoolExecutor(2), a fresh pool then warm."""

import asyncio

from concurrent.futures import ThreadPoolExecutor

from _harness import main, ms_since, now

WORKERS = 2


def add(a, b):
    return a + b


async def batch(pool, n):
    loop = asyncio.get_running_loop()
    results = await asyncio.gather(*(loop.run_in_executor(pool, add, i, i) for i in range(n)))
    assert len(results) == n and sum(results) == n * (n - 1)


async def run(n):
    t0 = now()
    pool = ThreadPoolExecutor(WORKERS)
    await batch(pool, n)
    cold = ms_since(t0)
    t0 = now()
    await batch(pool, n)
    warm = ms_since(t0)
    pool.shutdown()
    return {"cold": cold, "warm": warm}


main(lambda n: asyncio.run(run(n)))
