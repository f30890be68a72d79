# Pins reference §2.10 item 85: a semaphore waiter woken by release() and then cancelled before it runs gives its
# permit back, and the next waiter gets it; a cancelled waiter that was not woken just leaves; locked() ignores
# cancelled waiters.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(sem, name):
    try:
        await sem.acquire()
    except asyncio.CancelledError:
        print(name, "cancelled;", state(sem))
        raise
    print(name, "acquired;", state(sem))
    return name


async def main():
    sem = asyncio.Semaphore(0)
    tasks = {name: asyncio.create_task(waiter(sem, name)) for name in ("a", "b", "c", "d")}
    await asyncio.sleep(0)
    print("four waiters:", state(sem))
    tasks["c"].cancel()
    await asyncio.sleep(0)
    print("c left:", state(sem))
    sem.release()
    tasks["a"].cancel()
    print("a woken, then cancelled:", state(sem))
    results = await asyncio.gather(tasks["a"], tasks["b"], tasks["c"], return_exceptions=True)
    print("results:", results)
    print("after:", state(sem))

    tasks["d"].cancel()
    print("only a cancelled waiter left; locked:", sem.locked())
    sem.release()
    print("released:", state(sem), "locked:", sem.locked())
    await sem.acquire()
    print("main took the permit at once:", state(sem))
    await asyncio.sleep(0)
    print("d cancelled:", tasks["d"].cancelled(), state(sem))


asyncio.run(main())
