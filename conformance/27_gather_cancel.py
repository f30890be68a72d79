# Pins reference §2.5 item 46: cancelling the gather future cancels every child; the awaiting task gets
# CancelledError(msg) once all children are done, and gather.cancelled() is False (it ends via set_exception).
import asyncio


async def child(name, delay):
    try:
        await asyncio.sleep(delay)
        return name
    except asyncio.CancelledError as exc:
        print(name, "cancelled", exc.args)
        raise


async def main():
    children = [asyncio.create_task(child("only", 1))]
    g = asyncio.gather(*children, return_exceptions=True)
    await asyncio.sleep(0.01)
    print("gather.cancel:", g.cancel("stop"))
    try:
        await g
    except asyncio.CancelledError as exc:
        print("await gather raised", type(exc).__name__, exc.args)
    print("gather cancelled():", g.cancelled(), "done():", g.done())
    print("children cancelled:", [c.cancelled() for c in children])
    print("cancel after done:", g.cancel())

    g2 = asyncio.gather(child("x", 1), child("quick", 0))
    await asyncio.sleep(0.01)
    print("gather2.cancel:", g2.cancel())
    try:
        await g2
    except asyncio.CancelledError as exc:
        print("await gather2 raised", type(exc).__name__, exc.args)
    print("gather2 cancelled():", g2.cancelled())


asyncio.run(main())
