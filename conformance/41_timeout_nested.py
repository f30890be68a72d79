# Pins reference §2.7 item 59: with nested timeouts only the expiring one converts to TimeoutError; when the outer
# expires, the inner block sees a plain CancelledError.
import asyncio


async def main():
    try:
        async with asyncio.timeout(0.15) as outer:
            try:
                async with asyncio.timeout(0.03) as inner:
                    await asyncio.sleep(1)
            except TimeoutError:
                print("inner timed out; inner expired:", inner.expired(), "outer expired:", outer.expired())
            await asyncio.sleep(1)
    except TimeoutError:
        print("outer timed out; outer expired:", outer.expired())

    try:
        async with asyncio.timeout(0.03) as outer2:
            try:
                async with asyncio.timeout(0.5) as inner2:
                    await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("inner block sees CancelledError; inner2 expired:", inner2.expired())
                raise
    except TimeoutError:
        print("outer2 converts it; outer2 expired:", outer2.expired())
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
