# Pins issue 8's create_task idioms from CPython's docs: create_task(barrier.wait()) for each of n parties,
# create_task(event.wait()), create_task(q.get()), create_task(lock.acquire()) and
# create_task(asyncio.sleep(0.01, "x")) run the library's coroutine in a task of its own (named after its
# __qualname__); nothing starts before the task's first step, and a cancelled get() or acquire() takes nothing.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def main():
    barrier = asyncio.Barrier(3)
    tasks = [asyncio.create_task(barrier.wait()) for _ in range(3)]
    print("coro:", tasks[0].get_coro().__qualname__, "names:", [t.get_name() for t in tasks])
    print("created, not started:", state(barrier), barrier.n_waiting)
    await asyncio.sleep(0)
    print("after one step:", state(barrier), [t.done() for t in tasks])
    print("indices:", await asyncio.gather(*tasks), state(barrier))

    event = asyncio.Event()
    waiter = asyncio.create_task(event.wait())
    print("coro:", waiter.get_coro().__qualname__, state(event))
    await asyncio.sleep(0)
    print("waiting:", state(event), waiter.done())
    event.set()
    print("event.wait() task:", await waiter)

    q = asyncio.Queue()
    getter = asyncio.create_task(q.get())
    print("coro:", getter.get_coro().__qualname__, q)
    await asyncio.sleep(0)
    print("getter waiting:", q)
    q.put_nowait("first")
    print("q.get() task:", await getter, q)
    getter = asyncio.create_task(q.get())
    await asyncio.sleep(0)
    getter.cancel()
    await asyncio.sleep(0)
    print("cancelled getter:", getter.cancelled(), q)
    q.put_nowait("second")
    print("item stays:", q, q.get_nowait())
    getter = asyncio.create_task(q.get())
    getter.cancel()
    q.put_nowait("third")
    await asyncio.sleep(0)
    print("getter cancelled before its first step:", getter.cancelled(), q)

    lock = asyncio.Lock()
    acquirer = asyncio.create_task(lock.acquire())
    print("coro:", acquirer.get_coro().__qualname__, "locked before the first step:", lock.locked())
    print("lock.acquire() task:", await acquirer, state(lock))
    acquirer = asyncio.create_task(lock.acquire())
    await asyncio.sleep(0)
    print("second acquirer waiting:", state(lock))
    acquirer.cancel()
    await asyncio.sleep(0)
    print("cancelled acquirer:", acquirer.cancelled(), state(lock))
    lock.release()
    print("released:", state(lock))

    sleeper = asyncio.create_task(asyncio.sleep(0.01, "x"))
    print("coro:", sleeper.get_coro().__qualname__, sleeper.get_name())
    print("sleep task:", await sleeper)


asyncio.run(main())
