# Pins reference §2.7 items 58 and 62: timeout() converts the expiry cancel into TimeoutError (cause CancelledError),
# expired() before/after, when(), timeout(None), timeout_at(); the task is not left cancelling.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(0.03) as cm:
            print("entered, expired:", cm.expired())
            await asyncio.sleep(1)
            print("not reached")
    except TimeoutError as exc:
        print("TimeoutError", repr(str(exc)), "cause:", type(exc.__cause__).__name__)
    print("expired after:", cm.expired(), "cancelling:", asyncio.current_task().cancelling())

    async with asyncio.timeout(0.5) as cm2:
        await asyncio.sleep(0.01)
    print("no expiry, expired:", cm2.expired())

    async with asyncio.timeout(None) as cm3:
        print("timeout(None).when():", cm3.when())
        await asyncio.sleep(0.01)
    print("timeout(None) expired:", cm3.expired())

    deadline = loop.time() + 0.03
    try:
        async with asyncio.timeout_at(deadline) as cm4:
            print("timeout_at when() is the deadline:", cm4.when() == deadline)
            await asyncio.sleep(1)
    except TimeoutError:
        print("timeout_at expired:", cm4.expired())
    print("type:", type(cm4).__name__)


asyncio.run(main())
