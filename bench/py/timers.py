"""Twin of bench/timers.bench.ts: n concurrent sleeps of 0-100 ms; total time and lateness."""

import asyncio
import time

from _harness import main, ms_since, now, percentile


BATCH = 1000
LIGHT = 1000


def delay_ms(i):
    return (i * 7919) % 101


async def sleeper(i, late):
    d = delay_ms(i)
    t0 = time.perf_counter()
    await asyncio.sleep(d / 1000)
    late[i] = (time.perf_counter() - t0) * 1000 - d


async def run(n):
    light = [0.0] * min(LIGHT, n)
    few = [asyncio.create_task(sleeper(i, light)) for i in range(len(light))]
    for t in few:
        await t
    late = [0.0] * n
    t0 = now()
    tasks = []
    for i in range(n):
        if i % BATCH == 0 and i > 0:
            await asyncio.sleep(0)
        tasks.append(asyncio.create_task(sleeper(i, late)))
    for t in tasks:
        await t
    return {
        "total": ms_since(t0),
        "p50": percentile(late, 50),
        "p99": percentile(late, 99),
        "lightP50": percentile(light, 50),
        "lightP99": percentile(light, 99),
    }


main(lambda n: asyncio.run(run(n)))
