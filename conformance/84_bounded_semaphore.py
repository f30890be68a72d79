# Pins reference §2.10 items 85-86: BoundedSemaphore.release() above the initial value is a ValueError, while a plain
# Semaphore lets its value grow; a negative initial value is a ValueError.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def main():
    bs = asyncio.BoundedSemaphore(2)
    print("BoundedSemaphore(2):", state(bs))
    async with bs:
        print("inside:", state(bs))
        async with bs:
            print("both permits taken:", state(bs), bs.locked())
    print("after:", state(bs))
    try:
        bs.release()
    except ValueError as exc:
        print("over-release:", type(exc).__name__, exc)
    print("unchanged:", state(bs))

    sem = asyncio.Semaphore(1)
    sem.release()
    sem.release()
    print("Semaphore(1) released twice:", state(sem))
    for _ in range(3):
        await sem.acquire()
    print("three acquires:", state(sem), sem.locked())

    for cls in (asyncio.Semaphore, asyncio.BoundedSemaphore):
        try:
            cls(-1)
        except ValueError as exc:
            print(cls.__name__, "(-1):", type(exc).__name__, exc)
    print("Semaphore(0):", state(asyncio.Semaphore(0)), "default:", state(asyncio.Semaphore()))


asyncio.run(main())
