"""Twin of bench/memory.bench.ts: bytes per parked task, via tracemalloc."""

import asyncio
import gc
import tracemalloc

from _harness import main


futures = []


async def parked():
    fut = asyncio.get_running_loop().create_future()
    futures.append(fut)
    await fut


async def run(n):
    await asyncio.sleep(0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(parked()) for _ in range(n)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for fut in futures:
        fut.set_result(None)
    futures.clear()
    for t in tasks:
        await t
    return {"bytes": (after - before) / n}


main(lambda n: asyncio.run(run(n)))
