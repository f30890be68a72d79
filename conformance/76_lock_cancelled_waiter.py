# Pins reference §2.10 item 80: a cancelled lock waiter that was not woken just leaves the queue; one that was woken
# by release() and then cancelled before it ran passes the wake-up to the next waiter, so no wake-up is lost; when
# every waiter is cancelled a newcomer takes the free lock at once.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(lock, name):
    try:
        await lock.acquire()
    except asyncio.CancelledError:
        print(name, "cancelled; locked:", lock.locked())
        raise
    print(name, "acquired")
    await asyncio.sleep(0)
    lock.release()
    print(name, "released")
    return name


async def main():
    lock = asyncio.Lock()
    await lock.acquire()
    a = asyncio.create_task(waiter(lock, "a"))
    b = asyncio.create_task(waiter(lock, "b"))
    c = asyncio.create_task(waiter(lock, "c"))
    await asyncio.sleep(0)
    print("three waiters:", state(lock))
    b.cancel()
    await asyncio.sleep(0)
    print("b left:", state(lock))
    lock.release()
    a.cancel()
    print("released, then the woken a cancelled:", state(lock))
    results = await asyncio.gather(a, b, c, return_exceptions=True)
    print("results:", results)
    print("end:", state(lock))

    await lock.acquire()
    d = asyncio.create_task(waiter(lock, "d"))
    await asyncio.sleep(0)
    d.cancel()
    lock.release()
    print("only a cancelled waiter:", state(lock))
    await lock.acquire()
    print("main took the lock at once:", state(lock))
    await asyncio.sleep(0)
    print("d done:", d.cancelled(), state(lock))
    lock.release()


asyncio.run(main())
