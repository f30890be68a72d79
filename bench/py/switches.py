"""Twin of bench/switches.bench.ts: n switches between two tasks, via Futures and via two Events."""

import asyncio

from _harness import main, ms_since, now


async def futures(n):
    loop = asyncio.get_running_loop()
    slot = [None, None]

    async def side(me, rounds):
        other = 1 - me
        for _ in range(rounds):
            fut = loop.create_future()
            slot[me] = fut
            peer = slot[other]
            if peer is not None:
                slot[other] = None
                peer.set_result(None)
            await fut
        peer = slot[other]
        slot[other] = None
        if peer is not None:
            peer.set_result(None)

    t0 = now()
    a = asyncio.create_task(side(0, n // 2))
    b = asyncio.create_task(side(1, n // 2))
    await a
    await b
    return ms_since(t0)


async def events(n):
    ping = asyncio.Event()
    pong = asyncio.Event()
    rounds = n // 2

    async def pinger():
        for _ in range(rounds):
            ping.set()
            await pong.wait()
            pong.clear()

    async def ponger():
        for _ in range(rounds):
            await ping.wait()
            ping.clear()
            pong.set()

    t0 = now()
    a = asyncio.create_task(pinger())
    b = asyncio.create_task(ponger())
    await a
    await b
    return ms_since(t0)


async def run(n):
    return {"futures": await futures(n), "events": await events(n)}


main(lambda n: asyncio.run(run(n)))
