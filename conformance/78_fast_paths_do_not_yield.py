# Pins reference §0 and §2.10 item 82: wait() on a set Event, an uncontended Lock or Semaphore acquire, get() on a
# non-empty Queue and put() on a non-full one return without yielding to the loop: a ticker task that prints every
# iteration never runs in between; sleep(0) and wait() on a clear Event do yield.
import asyncio


async def ticker(event):
    for i in range(8):
        print("  tick", i)
        if i == 4:
            print("  ticker sets the event")
            event.set()
        await asyncio.sleep(0)


async def main():
    event = asyncio.Event()
    event.set()
    t = asyncio.create_task(ticker(event))
    await asyncio.sleep(0)
    lock = asyncio.Lock()
    sem = asyncio.Semaphore(2)
    queue = asyncio.Queue(maxsize=3)
    print("main: awaiting fast paths")
    for _ in range(3):
        await event.wait()
    await lock.acquire()
    lock.release()
    async with lock:
        pass
    await sem.acquire()
    async with sem:
        pass
    sem.release()
    await queue.put(1)
    await queue.put(2)
    print("main: got", await queue.get(), await queue.get())
    print("main: still no tick; now sleep(0)")
    await asyncio.sleep(0)
    print("main: after sleep(0)")
    event.clear()
    print("main: wait on a clear event")
    await event.wait()
    print("main: woke")
    await t
    print("main: ticker done")


asyncio.run(main())
