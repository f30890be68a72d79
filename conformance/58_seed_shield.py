# Pins seed 000 (shield): awaiting shield(task) returns the protected task's result (sleep scaled down).
import asyncio


async def protected_task():
    await asyncio.sleep(0.03)
    return "Protected task completed"


async def main():
    task = asyncio.create_task(protected_task())
    try:
        result = await asyncio.shield(task)
        print(result)
    except asyncio.CancelledError:
        print("Task was cancelled")


asyncio.run(main())
