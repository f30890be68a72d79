# Pins reference §2.10 item 80 through CPython's test_cancel_release_race: when the first waiter is cancelled and the
# lock released in the same callback, exactly one waiter (the next) takes the lock; and through
# test_finished_waiter_cancelled: a waiter whose acquire finished cannot be un-acquired by a late cancel.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def main():
    loop = asyncio.get_running_loop()
    lock = asyncio.Lock()
    taken = []

    async def lockit(name):
        await lock.acquire()
        taken.append(name)
        print(name, "took the lock")

    def trigger():
        print("trigger: cancel t1, release")
        t1.cancel()
        lock.release()
        print("trigger:", state(lock))

    await lock.acquire()
    t1 = asyncio.create_task(lockit("t1"))
    t2 = asyncio.create_task(lockit("t2"))
    t3 = asyncio.create_task(lockit("t3"))
    await asyncio.sleep(0)
    loop.call_soon(trigger)
    try:
        await t1
    except asyncio.CancelledError:
        print("t1 cancelled:", t1.cancelled())
    await asyncio.sleep(0)
    print("taken:", taken, "t2 done:", t2.done(), "t3 done:", t3.done(), state(lock))
    t3.cancel()
    await asyncio.sleep(0)
    print("t3 cancelled:", t3.cancelled(), state(lock))
    lock.release()

    await lock.acquire()
    ta = asyncio.create_task(lockit("ta"))
    await asyncio.sleep(0)
    lock.release()
    await asyncio.sleep(0)
    print("ta done:", ta.done(), "cancel() returns", ta.cancel(), "locked:", lock.locked())
    tb = asyncio.create_task(lockit("tb"))
    await asyncio.sleep(0)
    tb.cancel()
    await asyncio.sleep(0)
    print("tb cancelled:", tb.cancelled(), state(lock))
    lock.release()
    print("end:", state(lock))


asyncio.run(main())
