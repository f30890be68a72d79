# Pins reference §2.10 item 87: wait() returns the arrival index 0..parties-1, the last arrival passes first, the
# barrier can be used again; `async with barrier as i`; a cancelled waiter leaves (n_waiting drops);
# Barrier(0) is a ValueError.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def party(barrier, name):
    print(name, "arrives; n_waiting:", barrier.n_waiting)
    index = await barrier.wait()
    print(name, "passes with index", index, state(barrier))
    return index


async def party_with(barrier, name):
    async with barrier as index:
        print(name, "inside async with, index", index)
    return index


async def main():
    barrier = asyncio.Barrier(3)
    print("new:", state(barrier), barrier.parties, barrier.n_waiting, barrier.broken)
    print(await asyncio.gather(*(party(barrier, name) for name in ("a", "b", "c"))))
    print("after the first round:", state(barrier))
    print(await asyncio.gather(*(party_with(barrier, name) for name in ("d", "e", "f"))))

    a = asyncio.create_task(party(barrier, "a"))
    b = asyncio.create_task(party(barrier, "b"))
    await asyncio.sleep(0)
    print("two waiting:", state(barrier), barrier.n_waiting)
    a.cancel()
    await asyncio.sleep(0)
    print("a cancelled:", a.cancelled(), state(barrier), barrier.n_waiting)
    c = asyncio.create_task(party(barrier, "c"))
    d = asyncio.create_task(party(barrier, "d"))
    print(await asyncio.gather(b, c, d))
    print("end:", state(barrier))

    try:
        asyncio.Barrier(0)
    except ValueError as exc:
        print("Barrier(0):", type(exc).__name__, exc)


asyncio.run(main())
