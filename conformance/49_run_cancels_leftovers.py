# Pins reference §2.14 item 101: when main returns, asyncio.run() cancels the tasks still pending and waits for
# them (their except/finally blocks run, even ones that await) before returning main's value.
import asyncio


async def leftover():
    try:
        print("leftover: started")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("leftover: cancelled at shutdown")
        raise
    finally:
        print("leftover: finally")


async def slow_cleanup():
    try:
        await asyncio.sleep(10)
    finally:
        await asyncio.sleep(0.03)
        print("slow_cleanup: finished its cleanup")


async def main():
    asyncio.create_task(leftover())
    asyncio.create_task(slow_cleanup())
    await asyncio.sleep(0)
    print("main: returning")
    return "main value"


print("asyncio.run returned", asyncio.run(main()))
