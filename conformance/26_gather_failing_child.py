# Pins reference §2.5 item 44: without return_exceptions the first exception completes gather() at once; the
# other children are not cancelled and keep running to completion.
import asyncio


async def slow(name, delay):
    try:
        await asyncio.sleep(delay)
        print(name, "finished")
        return name
    except asyncio.CancelledError:
        print(name, "cancelled (must not happen)")
        raise


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("child failed")


async def main():
    a = asyncio.create_task(slow("a", 0.2))
    b = asyncio.create_task(slow("b", 0.13))
    g = asyncio.gather(a, fail(0.03), b)
    try:
        await g
    except ValueError as exc:
        print("gather raised", type(exc).__name__, exc)
    print("gather done:", g.done(), "a done:", a.done(), "b done:", b.done())
    print("a ->", await a)
    print("b ->", await b)


asyncio.run(main())
