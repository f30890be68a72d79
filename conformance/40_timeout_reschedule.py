# Pins reference §2.7 item 62: reschedule() moves or removes the deadline while active; it is refused before the
# block is entered and after it finished.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as cm:
            cm.reschedule(loop.time() + 0.03)
            print("rescheduled from None, when is set:", cm.when() is not None)
            await asyncio.sleep(1)
    except TimeoutError:
        print("rescheduled deadline expired:", cm.expired())

    async with asyncio.timeout(0.03) as cm:
        cm.reschedule(None)
        print("reschedule(None), when:", cm.when())
        await asyncio.sleep(0.06)
    print("no deadline, expired:", cm.expired())

    async with asyncio.timeout(0.03) as pushed:
        pushed.reschedule(loop.time() + 0.2)
        await asyncio.sleep(0.06)
    print("pushed back, expired:", pushed.expired())

    try:
        async with asyncio.timeout(1) as cm:
            cm.reschedule(loop.time() - 1)
            await asyncio.sleep(0)
            print("not reached")
    except TimeoutError:
        print("deadline in the past expires at the next await:", cm.expired())

    fresh = asyncio.timeout(1)
    try:
        fresh.reschedule(None)
    except RuntimeError as exc:
        print("before enter:", type(exc).__name__, exc)
    try:
        cm.reschedule(None)
    except RuntimeError as exc:
        print("after expiry:", type(exc).__name__, exc)
    try:
        pushed.reschedule(None)
    except RuntimeError as exc:
        print("after normal exit:", type(exc).__name__, exc)


asyncio.run(main())
