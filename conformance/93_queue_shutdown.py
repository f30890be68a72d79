# Pins reference §2.9 item 77 (3.13): shutdown() wakes every blocked getter and putter; putters raise QueueShutDown,
# getters raise once the queue is empty, items already queued can still be taken; later puts raise; join() still
# counts the items; shutting down twice is harmless.
import asyncio


async def getter(q, name):
    try:
        item = await q.get()
    except asyncio.QueueShutDown as exc:
        print(name, "got", type(exc).__name__, repr(exc))
        return "shut down"
    print(name, "got", item)
    return item


async def putter(q, item):
    try:
        await q.put(item)
    except asyncio.QueueShutDown:
        print("put", item, "raised QueueShutDown; queue:", q)
        return "shut down"
    print("put", item)
    return item


async def main():
    empty = asyncio.Queue()
    getters = [asyncio.create_task(getter(empty, f"g{i}")) for i in range(2)]
    full = asyncio.Queue(maxsize=2)
    full.put_nowait("a")
    full.put_nowait("b")
    putters = [asyncio.create_task(putter(full, item)) for item in ("c", "d")]
    await asyncio.sleep(0)
    print("blocked:", empty, "|", full)
    empty.shutdown()
    full.shutdown()
    print("after shutdown():", empty, "|", full)
    print(await asyncio.gather(*getters, *putters))

    print("drain:", full.get_nowait(), await full.get())
    for what, call in (("get_nowait", full.get_nowait), ("put_nowait", lambda: full.put_nowait("e"))):
        try:
            call()
        except asyncio.QueueShutDown as exc:
            print(what, "after drain:", type(exc).__name__)
    print("late get:", await getter(full, "late"))
    print("late put:", await putter(full, "f"))
    print("unfinished before task_done:", full)
    j = asyncio.create_task(full.join())
    full.task_done()
    full.task_done()
    await j
    print("joined:", full)
    full.shutdown()
    print("twice:", full)


asyncio.run(main())
