# Pins reference §2.7 items 60-61: a block that swallows the expiry cancel exits normally (expired() is True,
# cancelling() back to 0); timeout(0) and negative delays expire at the very next await, even sleep(0).
import asyncio


async def main():
    async with asyncio.timeout(0.03) as cm:
        try:
            await asyncio.sleep(1)
        except asyncio.CancelledError:
            print("block swallowed the cancel")
    print("exited normally; expired:", cm.expired(), "cancelling:", asyncio.current_task().cancelling())

    for delay in (0, -1):
        try:
            async with asyncio.timeout(delay):
                print(f"timeout({delay}) body runs")
                await asyncio.sleep(0)
                print("not reached")
        except TimeoutError:
            print(f"timeout({delay}) raised TimeoutError at sleep(0)")


asyncio.run(main())
