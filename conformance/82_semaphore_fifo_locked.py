# Pins reference §2.10 item 85: release() takes the permit on behalf of the waiter it wakes; locked() stays True
# while a woken waiter has not run, even with a permit to spare, so a newcomer queues behind it and is woken by
# the last successful acquire; waiters enter in FIFO order.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def taker(sem, name):
    await sem.acquire()
    print(name, "acquired;", state(sem))


async def worker(sem, name):
    print(name, "asks; locked:", sem.locked())
    async with sem:
        print(name, "in")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    print(name, "out")


async def main():
    sem = asyncio.Semaphore(0)
    print("Semaphore(0):", state(sem), sem.locked())
    a = asyncio.create_task(taker(sem, "a"))
    b = asyncio.create_task(taker(sem, "b"))
    await asyncio.sleep(0)
    print("two waiters:", state(sem))
    sem.release()
    print("one release:", state(sem))
    sem.release()
    sem.release()
    print("three releases, both woken, one permit left:", state(sem), "locked:", sem.locked())
    print("main acquires, as a newcomer")
    await sem.acquire()
    print("main acquired;", state(sem))
    await asyncio.gather(a, b)

    sem = asyncio.Semaphore(2)
    print("Semaphore(2):", state(sem))
    await asyncio.gather(*(worker(sem, f"w{i}") for i in range(5)))
    print("end:", state(sem))


asyncio.run(main())
