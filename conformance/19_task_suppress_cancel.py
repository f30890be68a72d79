# Pins reference §2.3 item 30: a task may catch CancelledError, keep awaiting and return normally; an outer task
# awaiting an inner task that swallows the cancel receives the inner value; cancelling() stays 1.
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print("stubborn: caught, cancelling() =", asyncio.current_task().cancelling())
        await asyncio.sleep(0.01)
        print("stubborn: finishing normally")
    return "survived"


async def outer(inner_task):
    value = await inner_task
    print("outer: got", value, "cancelling() =", asyncio.current_task().cancelling())
    return "outer " + value


async def main():
    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    print("cancel:", task.cancel())
    print("result:", await task)
    print("cancelled:", task.cancelled(), "cancelling:", task.cancelling())

    inner = asyncio.create_task(stubborn())
    out = asyncio.create_task(outer(inner))
    await asyncio.sleep(0)
    print("cancel outer:", out.cancel())
    print("outer result:", await out)
    print("outer cancelled:", out.cancelled(), "cancelling:", out.cancelling())
    print("inner cancelled:", inner.cancelled(), "cancelling:", inner.cancelling())


asyncio.run(main())
