# Pins reference §2.9 items 72 and 74: a getter woken by put_nowait() and then cancelled before it runs does not
# consume the item: it wakes the next getter instead; cancelled getters and putters leave the waiter queues; a
# get() cancelled by wait_for's timeout takes nothing.
import asyncio


async def getter(q, name):
    try:
        item = await q.get()
    except asyncio.CancelledError:
        print(name, "cancelled; queue:", q)
        raise
    print(name, "got", item)
    return item


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    g3 = asyncio.create_task(getter(q, "g3"))
    await asyncio.sleep(0)
    print("three getters:", q)
    g3.cancel()
    await asyncio.sleep(0)
    print("g3 left:", q)
    q.put_nowait("x")
    g1.cancel()
    print("put x, then cancelled the woken g1:", q)
    results = await asyncio.gather(g1, g2, g3, return_exceptions=True)
    print("results:", results)
    print("queue:", q)

    try:
        await asyncio.wait_for(q.get(), 0.1)
    except TimeoutError:
        print("get timed out; queue:", q)
    q.put_nowait("y")
    print("y stays:", q, "get_nowait:", q.get_nowait())

    q = asyncio.Queue(maxsize=1)
    q.put_nowait("full")
    p1 = asyncio.create_task(q.put("p1"))
    p2 = asyncio.create_task(q.put("p2"))
    await asyncio.sleep(0)
    print("two putters:", q)
    print("get:", q.get_nowait())
    p1.cancel()
    await asyncio.sleep(0)
    print("woken p1 cancelled, p2 woken instead:", p1.cancelled(), q)
    await p2
    print("p2 put:", q)


asyncio.run(main())
