# Pins reference §2.5 item 45: a cancelled child makes gather() raise CancelledError while the siblings go on and
# gather.cancelled() stays False; with return_exceptions=True the CancelledError takes its place in the list.
import asyncio


async def child(name, delay):
    await asyncio.sleep(delay)
    print(name, "finished")
    return name


async def main():
    a = asyncio.create_task(child("a", 0.15))
    b = asyncio.create_task(child("b", 1))
    g = asyncio.gather(a, b)
    await asyncio.sleep(0.03)
    b.cancel()
    try:
        await g
    except asyncio.CancelledError as exc:
        print("gather raised", type(exc).__name__, exc.args)
    print("gather cancelled():", g.cancelled(), "a done:", a.done())
    print("a ->", await a)

    c = asyncio.create_task(child("c", 0.03))
    d = asyncio.create_task(child("d", 1))
    g2 = asyncio.gather(c, d, return_exceptions=True)
    await asyncio.sleep(0)
    d.cancel("d msg")
    results = await g2
    print([type(r).__name__ for r in results])
    print("first:", results[0], "second is CancelledError:", isinstance(results[1], asyncio.CancelledError))
    print("the cancel message is not carried over:", repr(str(results[1])))


asyncio.run(main())
