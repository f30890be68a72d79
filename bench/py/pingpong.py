"""Twin of bench/pingpong.bench.ts: n hand-offs of one token between two tasks via two Queue(1)s."""

import asyncio

from _harness import main, ms_since, now


async def pingpong(n):
    ping = asyncio.Queue(1)
    pong = asyncio.Queue(1)
    rounds = n // 2

    async def a():
        token = 0
        for _ in range(rounds):
            await ping.put(token)
            token = await pong.get()
        return token

    async def b():
        for _ in range(rounds):
            await pong.put(await ping.get() + 1)

    t0 = now()
    ta = asyncio.create_task(a())
    tb = asyncio.create_task(b())
    token = await ta
    await tb
    ms = ms_since(t0)
    assert token == rounds
    return ms


async def run(n):
    return {"time": await pingpong(n)}


main(lambda n: asyncio.run(run(n)))
