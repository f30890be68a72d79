# Pins reference §2.9 item 75 and the nowait errors: a full bounded queue blocks put() until a get() frees a slot,
# putters are served FIFO; put_nowait() on a full queue raises QueueFull and get_nowait() on an empty one
# QueueEmpty; maxsize <= 0 is unbounded; full() is qsize() >= maxsize, so a float maxsize of 1.5 holds 2 items.
import asyncio


async def putter(q, item):
    print("putting", item)
    await q.put(item)
    print("put", item, "done")


async def main():
    q = asyncio.Queue(maxsize=2)
    print("maxsize:", q.maxsize, "empty:", q.empty(), "full:", q.full())
    await q.put("a")
    await q.put("b")
    print("two items:", q, "full:", q.full(), "qsize:", q.qsize())
    try:
        q.put_nowait("x")
    except asyncio.QueueFull as exc:
        print("put_nowait:", type(exc).__name__, repr(exc), repr(str(exc)))
    p1 = asyncio.create_task(putter(q, "c"))
    p2 = asyncio.create_task(putter(q, "d"))
    await asyncio.sleep(0)
    print("blocked putters:", q)
    print("get:", await q.get())
    print("after one get:", q)
    await asyncio.sleep(0)
    print("one iteration later:", q)
    print("get:", await q.get(), "get:", await q.get())
    await asyncio.gather(p1, p2)
    print("both putters done:", q)
    print("get:", q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as exc:
        print("get_nowait:", type(exc).__name__, repr(exc), repr(str(exc)))

    for maxsize in (0, -1):
        q = asyncio.Queue(maxsize)
        for i in range(100):
            q.put_nowait(i)
        print("maxsize", maxsize, "holds", q.qsize(), "full:", q.full())

    q = asyncio.Queue(maxsize=1.5)
    q.put_nowait(1)
    print("maxsize 1.5, one item, full:", q.full())
    q.put_nowait(2)
    print("two items, full:", q.full(), q)
    try:
        q.put_nowait(3)
    except asyncio.QueueFull:
        print("a third item does not fit")


asyncio.run(main())
