# Pins reference §2.9 item 73: waking a getter does not reserve the item: another task's get_nowait() can take it
# first, and the woken getter finds the queue empty and waits again, now behind the other getters; the same holds
# for a putter whose free slot is taken by put_nowait().
import asyncio


async def getter(q, name):
    item = await q.get()
    print(name, "got", item)
    return item


async def putter(q, item):
    await q.put(item)
    print("put", item)


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    await asyncio.sleep(0)
    print("two getters:", q)
    q.put_nowait("x")
    print("put x, woke g1:", q)
    print("main steals:", q.get_nowait())
    await asyncio.sleep(0)
    print("g1 waits again:", q)
    q.put_nowait("y")
    await asyncio.sleep(0)
    q.put_nowait("z")
    print(await asyncio.gather(g1, g2))

    q = asyncio.Queue(maxsize=1)
    q.put_nowait(0)
    p1 = asyncio.create_task(putter(q, 1))
    p2 = asyncio.create_task(putter(q, 2))
    await asyncio.sleep(0)
    print("two putters:", q)
    print("get:", q.get_nowait(), "woke p1:", q)
    q.put_nowait(10)
    print("main took the slot:", q)
    await asyncio.sleep(0)
    print("p1 waits again:", q)
    print("get:", q.get_nowait())
    await asyncio.sleep(0)
    print("get:", q.get_nowait())
    await asyncio.sleep(0)
    print("get:", q.get_nowait())
    await asyncio.gather(p1, p2)
    print("end:", q)


asyncio.run(main())
