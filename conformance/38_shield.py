# Pins reference §2.6 item 57: cancelling a task awaiting shield(t) cancels only the outer future and t keeps
# running; wait_for(shield(t)) times out and t finishes later; a done argument is returned as is.
import asyncio


async def inner(tag, delay):
    print(tag, "start")
    await asyncio.sleep(delay)
    print(tag, "done")
    return tag + " result"


async def waiter(t):
    try:
        return await asyncio.shield(t)
    except asyncio.CancelledError:
        print("waiter: cancelled while shielded")
        raise


async def main():
    t = asyncio.create_task(inner("inner", 0.15))
    w = asyncio.create_task(waiter(t))
    await asyncio.sleep(0.03)
    w.cancel()
    try:
        await w
    except asyncio.CancelledError:
        print("main: waiter cancelled:", w.cancelled(), "inner done:", t.done())
    print("main: inner ->", await t)

    t2 = asyncio.create_task(inner("inner2", 0.15))
    try:
        await asyncio.wait_for(asyncio.shield(t2), 0.03)
    except TimeoutError:
        print("main: wait_for timed out; inner2 cancelled:", t2.cancelled(), "done:", t2.done())
    print("main: inner2 ->", await t2)

    print("shield of a done task returns it:", asyncio.shield(t) is t)


asyncio.run(main())
