"""Twin of bench/gather.bench.ts: n children in gathers of 1000, each awaiting sleep(0)."""

import asyncio

from _harness import main, ms_since, now

WIDTH = 1000


async def child(i):
    await asyncio.sleep(0)
    return i


async def run(n):
    t0 = now()
    for _ in range(n // WIDTH):
        results = await asyncio.gather(*[child(i) for i in range(WIDTH)])
        assert len(results) == WIDTH and results[-1] == WIDTH - 1
    return {"time": ms_since(t0)}


main(lambda n: asyncio.run(run(n)))
