# Pins reference §2.10 item 85 through CPython's test_acquire_fifo_order_2/3/4, test_acquire_cancel_before_awoken
# and test_acquire_hang: waiters enter in FIFO order even when a permit is released and re-acquired in between; a
# successful acquire wakes further waiters while permits are left; cancelled waiters never strand a permit.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def fifo_2():
    sem = asyncio.Semaphore(1)
    result = []

    async def c1():
        await sem.acquire()
        result.append(1)

    async def c2():
        await sem.acquire()
        result.append(2)
        sem.release()
        await sem.acquire()
        result.append(4)

    async def c3():
        await sem.acquire()
        result.append(3)

    tasks = [asyncio.create_task(c()) for c in (c1, c2, c3)]
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    await asyncio.gather(*tasks)
    print("fifo 2:", result, state(sem))


async def fifo_3():
    sem = asyncio.Semaphore(0)
    result = []

    async def c(n):
        await sem.acquire()
        result.append(n)

    tasks = [asyncio.create_task(c(n)) for n in (1, 2, 3)]
    await asyncio.sleep(0)
    tasks[0].cancel()
    await asyncio.sleep(0)
    sem.release()
    sem.release()
    await asyncio.gather(*tasks, return_exceptions=True)
    print("fifo 3:", result, state(sem))


async def fifo_4():
    sem = asyncio.Semaphore(0)
    result = []
    t4 = None

    async def c1():
        await sem.acquire()
        nonlocal t4
        t4 = asyncio.create_task(c4())
        result.append(1)

    async def c2():
        sem.release()
        sem.release()
        sem.release()
        print("  c2 released three times:", state(sem), "locked:", sem.locked())
        await sem.acquire()
        result.append(2)

    async def c3():
        await sem.acquire()
        print("  c3 in; locked:", sem.locked())
        result.append(3)

    async def c4():
        result.append(4)

    tasks = [asyncio.create_task(c()) for c in (c1, c2, c3)]
    await asyncio.gather(*tasks)
    await t4
    print("fifo 4:", result, state(sem))


async def cancel_before_awoken():
    sem = asyncio.Semaphore(0)
    tasks = [asyncio.create_task(sem.acquire()) for _ in range(4)]
    await asyncio.sleep(0)
    tasks[0].cancel()
    tasks[1].cancel()
    sem.release()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("cancel before awoken: done", [t.done() for t in tasks], "cancelled", [t.cancelled() for t in tasks])
    tasks[2].cancel()
    tasks[3].cancel()
    await asyncio.sleep(0)
    print("  cleaned up:", state(sem))


async def hang():
    sem = asyncio.Semaphore(0)
    t1 = asyncio.create_task(sem.acquire())
    t2 = asyncio.create_task(sem.acquire())
    await asyncio.sleep(0)
    t1.cancel()
    sem.release()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    print("hang: locked", sem.locked(), "t2 done", t2.done(), "t1 cancelled", t1.cancelled(), state(sem))


async def main():
    await fifo_2()
    await fifo_3()
    await fifo_4()
    await cancel_before_awoken()
    await hang()


asyncio.run(main())
