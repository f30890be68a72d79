"""Twin of bench/spawn.bench.ts: spawn+join of n tasks, each awaiting sleep(0)."""

import asyncio

from _harness import main, ms_since, now


async def child():
    await asyncio.sleep(0)


async def run(n):
    t0 = now()
    tasks = [asyncio.create_task(child()) for _ in range(n)]
    for t in tasks:
        await t
    return {"time": ms_since(t0)}


main(lambda n: asyncio.run(run(n)))
