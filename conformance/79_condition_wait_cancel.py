# Pins reference §2.10 item 83: Condition.wait() re-acquires the lock before it raises, even when cancelled (and
# retries if cancelled again while re-acquiring, raising the latest CancelledError); a waiter cancelled after it
# was notified passes the notification on to the next waiter.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(cond, name):
    async with cond:
        print(name, "waits")
        try:
            await cond.wait()
            print(name, "notified; locked:", cond.locked())
        except asyncio.CancelledError as exc:
            print(name, "cancelled", exc.args, "holding the lock again:", cond.locked())
            raise
    print(name, "left;", state(cond))
    return name


async def main():
    cond = asyncio.Condition()
    w1 = asyncio.create_task(waiter(cond, "w1"))
    await asyncio.sleep(0)
    await cond.acquire()
    print("main holds the lock:", state(cond))
    w1.cancel("first")
    await asyncio.sleep(0)
    print("w1 is re-acquiring; done:", w1.done(), state(cond))
    w1.cancel("second")
    await asyncio.sleep(0)
    print("cancelled again; done:", w1.done(), "cancelling:", w1.cancelling(), state(cond))
    cond.release()
    print("main released")
    try:
        await w1
    except asyncio.CancelledError as exc:
        print("w1 ended cancelled:", w1.cancelled(), exc.args)
    print(state(cond))

    a = asyncio.create_task(waiter(cond, "a"))
    b = asyncio.create_task(waiter(cond, "b"))
    await asyncio.sleep(0)
    async with cond:
        cond.notify(1)
        a.cancel()
        print("notified a, then cancelled it:", state(cond))
    results = await asyncio.gather(a, b, return_exceptions=True)
    print("results:", results)
    print("end:", state(cond))


asyncio.run(main())
