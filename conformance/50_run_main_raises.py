# Pins reference §2.14 item 101: an exception from main propagates out of asyncio.run() after the leftover tasks
# were cancelled; a second asyncio.run() in the same program works.
import asyncio


async def leftover():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("leftover: cancelled")
        raise


async def main():
    asyncio.create_task(leftover())
    await asyncio.sleep(0.01)
    raise ValueError("from main")


async def second():
    await asyncio.sleep(0)
    return "second run ok"


try:
    asyncio.run(main())
except ValueError as exc:
    print("caught around asyncio.run:", type(exc).__name__, exc)
print(asyncio.run(second()))
