"""Twin of bench/cpu.bench.ts: 2 CPU-bound jobs (n LCG steps each) on a ProcessPoolExecutor(2),
started before the clock starts."""

import asyncio

from concurrent.futures import ProcessPoolExecutor

from _harness import main, ms_since, now

JOBS = 2


def spin(iters):
    x = 0.5
    for _ in range(iters):
        x = 3.9 * x * (1 - x)
    return x


def nothing():
    return 0


async def run(n):
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(2) as pool:
        await asyncio.gather(*(loop.run_in_executor(pool, nothing) for _ in range(2)))
        t0 = now()
        results = await asyncio.gather(*(loop.run_in_executor(pool, spin, n) for _ in range(JOBS)))
        ms = ms_since(t0)
    assert len(set(results)) == 1
    return {"time": ms}


if __name__ == "__main__":
    main(lambda n: asyncio.run(run(n)))
