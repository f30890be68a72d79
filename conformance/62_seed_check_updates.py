# Pins seed 002 (cancelling tasks): check_updates every 0.2 s (seed: 0.75 s) is cancelled after 0.7 s (seed: 3 s);
# it prints 4 checks, its except block, then main sees the CancelledError.
import asyncio


async def check_updates(interval):
    try:
        while True:
            print("Checking for updates...")
            await asyncio.sleep(interval)
    except asyncio.CancelledError:
        print("Update check has been cancelled")
        raise


async def main():
    update_task = asyncio.create_task(check_updates(0.2))
    await asyncio.sleep(0.7)
    update_task.cancel()
    try:
        await update_task
    except asyncio.CancelledError:
        print("Main: The update task was cancelled")


asyncio.run(main())
