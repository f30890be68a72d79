"""Twin of bench/callsoon.bench.ts: a chain and a batch of n call_soon callbacks."""

import asyncio

from _harness import main, ms_since, now


async def chain(n):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    left = n

    def step():
        nonlocal left
        left -= 1
        if left > 0:
            loop.call_soon(step)
        else:
            done.set_result(None)

    t0 = now()
    loop.call_soon(step)
    await done
    return ms_since(t0)


async def batch(n):
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    left = n

    def step():
        nonlocal left
        left -= 1
        if left == 0:
            done.set_result(None)

    t0 = now()
    for _ in range(n):
        loop.call_soon(step)
    await done
    return ms_since(t0)


async def run(n):
    return {"chain": await chain(n), "batch": await batch(n)}


main(lambda n: asyncio.run(run(n)))
