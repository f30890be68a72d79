# Pins reference §2.10 item 81: a primitive binds to the first event loop it blocks on; its fast paths never touch a
# loop, so they keep working under another asyncio.run(), but blocking there is a RuntimeError that names it.
import asyncio

lock = asyncio.Lock()
event = asyncio.Event()
queue = asyncio.Queue()


def tail(exc):
    text = str(exc)
    return text[text.index("> ") + 2 :]


async def first():
    await lock.acquire()
    waiter = asyncio.create_task(lock.acquire())
    getter = asyncio.create_task(queue.get())
    ev = asyncio.create_task(event.wait())
    await asyncio.sleep(0)
    lock.release()
    queue.put_nowait("item")
    event.set()
    await asyncio.gather(waiter, getter, ev)
    lock.release()
    event.clear()
    print("first run: all three blocked once and were woken")


async def second():
    async with lock:
        print("second run: uncontended acquire works")
    queue.put_nowait(1)
    print("second run: get on a non-empty queue works:", await queue.get())
    event.set()
    print("second run: wait on a set event works:", await event.wait())
    event.clear()
    await lock.acquire()
    for name, make in (("lock", lock.acquire), ("queue", queue.get), ("event", event.wait)):
        try:
            await make()
        except RuntimeError as exc:
            print(name, "blocking on another loop:", type(exc).__name__, "...", tail(exc))
    lock.release()
    print("fresh lock blocks fine:", await fresh())


async def fresh():
    other = asyncio.Lock()
    await other.acquire()
    t = asyncio.create_task(other.acquire())
    await asyncio.sleep(0)
    other.release()
    return await t


asyncio.run(first())
asyncio.run(second())
