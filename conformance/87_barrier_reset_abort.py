# Pins reference §2.10 item 87: reset() makes the current waiters raise BrokenBarrierError and leaves the barrier
# filling; abort() breaks it: current and later wait() calls raise BrokenBarrierError with their messages; reset()
# of a broken barrier with no waiters makes it usable again.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def party(barrier, name):
    try:
        index = await barrier.wait()
    except asyncio.BrokenBarrierError as exc:
        print(name, "got", type(exc).__name__, exc, "| broken:", barrier.broken, state(barrier))
        return "broken"
    print(name, "passes with index", index)
    return index


async def main():
    barrier = asyncio.Barrier(3)
    a = asyncio.create_task(party(barrier, "a"))
    b = asyncio.create_task(party(barrier, "b"))
    await asyncio.sleep(0)
    print("two waiting:", state(barrier))
    await barrier.reset()
    print("reset:", state(barrier))
    print(await asyncio.gather(a, b))
    print("after reset:", state(barrier))
    print(await asyncio.gather(*(party(barrier, name) for name in ("c", "d", "e"))))

    f = asyncio.create_task(party(barrier, "f"))
    await asyncio.sleep(0)
    await barrier.abort()
    print("abort:", state(barrier), barrier.broken, barrier.n_waiting)
    print(await f)
    print("late arrival:", await party(barrier, "g"))
    print("still:", state(barrier))
    await barrier.reset()
    print("reset after abort:", state(barrier), barrier.broken)
    print(await asyncio.gather(*(party(barrier, name) for name in ("h", "i", "j"))))


asyncio.run(main())
