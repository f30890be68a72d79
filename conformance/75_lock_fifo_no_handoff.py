# Pins reference §2.10 items 79 and 81: Lock waiters are served FIFO; release() wakes the first waiter without
# handing the lock over (locked() is False until it runs) and a newcomer's acquire() queues behind the woken
# waiter; an error in `async with lock:` releases the lock; releasing an unlocked lock is a RuntimeError.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(lock, name):
    print(name, "acquiring; locked:", lock.locked())
    await lock.acquire()
    print(name, "acquired;", state(lock))
    await asyncio.sleep(0)
    print(name, "releases")
    lock.release()


async def main():
    lock = asyncio.Lock()
    print("new:", state(lock))
    print("acquire returns", await lock.acquire())
    tasks = [asyncio.create_task(waiter(lock, name)) for name in ("a", "b", "c")]
    await asyncio.sleep(0)
    print("waiters queued:", state(lock))
    lock.release()
    print("after release:", state(lock), "locked:", lock.locked())
    print("main acquires again, as a newcomer")
    await lock.acquire()
    print("main acquired after the queue:", state(lock))
    lock.release()
    await asyncio.gather(*tasks)
    print("end:", state(lock))

    try:
        async with lock:
            print("in async with:", state(lock))
            raise ValueError("body failed")
    except ValueError as exc:
        print("async with left by", repr(exc), "->", state(lock))

    try:
        lock.release()
    except RuntimeError as exc:
        print("release unlocked:", type(exc).__name__, exc)


asyncio.run(main())
