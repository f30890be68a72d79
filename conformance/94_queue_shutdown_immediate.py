# Pins reference §2.9 item 77 (3.13): shutdown(immediate=True) drops the queued items and counts them as done, so
# join() only waits for items already taken; blocked getters and putters raise QueueShutDown, and so does every
# later get, even get_nowait.
import asyncio


async def joiner(q):
    await q.join()
    print("joiner: join() returned")


async def getter(q, name):
    try:
        return await q.get()
    except asyncio.QueueShutDown:
        print(name, "raised QueueShutDown")
        return "shut down"


async def main():
    q = asyncio.Queue(maxsize=3)
    for item in ("a", "b", "c"):
        await q.put(item)
    taken = await q.get()
    print("took", taken, "|", q)
    p = asyncio.create_task(q.put("d"))
    p2 = asyncio.create_task(q.put("e"))
    j = asyncio.create_task(joiner(q))
    await asyncio.sleep(0)
    print("blocked putter and joiner:", q)
    q.shutdown(immediate=True)
    print("shutdown(immediate=True):", q, "empty:", q.empty())
    results = await asyncio.gather(p, p2, return_exceptions=True)
    print("putters:", [type(r).__name__ for r in results], q)
    print("joiner done:", j.done())
    q.task_done()
    print("task_done for", taken)
    await j
    print("joined:", q)
    try:
        q.get_nowait()
    except asyncio.QueueShutDown:
        print("get_nowait raises QueueShutDown")

    q = asyncio.Queue()
    gs = [asyncio.create_task(getter(q, f"g{i}")) for i in range(3)]
    await asyncio.sleep(0)
    q.shutdown(immediate=True)
    print(await asyncio.gather(*gs))
    try:
        q.task_done()
    except ValueError as exc:
        print("task_done:", type(exc).__name__, exc)


asyncio.run(main())
