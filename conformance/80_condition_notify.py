# Pins reference §2.10 item 84: notify(n) wakes the first n waiters in FIFO order, and they resume only after the
# notifier releases the lock, one at a time; notify_all() wakes the rest; notify(), notify_all() and wait()
# without the lock raise RuntimeError; a Condition can share a Lock.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(cond, name):
    async with cond:
        print(name, "waits")
        await cond.wait()
        print(name, "woke; locked:", cond.locked())
        await asyncio.sleep(0)
        print(name, "releases")
    return name


async def main():
    cond = asyncio.Condition()
    tasks = [asyncio.create_task(waiter(cond, f"w{i}")) for i in range(5)]
    await asyncio.sleep(0)
    print("all waiting:", state(cond))
    async with cond:
        cond.notify(2)
        print("notify(2), lock still held:", state(cond))
        await asyncio.sleep(0)
        print("woken ones queue for the lock:", state(cond))
    print("main released")
    done, _ = await asyncio.wait(tasks[:2])
    print("first two done:", sorted(t.result() for t in done), state(cond))
    async with cond:
        cond.notify_all()
        print("notify_all:", state(cond))
    print(await asyncio.gather(*tasks[2:]))
    async with cond:
        cond.notify(5)
        print("notify with nobody waiting:", state(cond))

    for what, call in (("notify", lambda: cond.notify()), ("notify_all", cond.notify_all)):
        try:
            call()
        except RuntimeError as exc:
            print(what, "unlocked:", type(exc).__name__, exc)
    try:
        await cond.wait()
    except RuntimeError as exc:
        print("wait unlocked:", type(exc).__name__, exc)

    lock = asyncio.Lock()
    shared = asyncio.Condition(lock)
    async with lock:
        print("shared lock held by the lock:", shared.locked(), state(shared))
    async with shared:
        print("shared lock held by the condition:", lock.locked())


asyncio.run(main())
