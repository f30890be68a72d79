# Pins seed 002 (as_completed): results come in completion order (task(n) sleeps n * 0.03 and returns n).
import asyncio


async def task(delay):
    await asyncio.sleep(delay * 0.03)
    return delay


async def main():
    tasks = [task(3), task(1), task(2)]
    for coro in asyncio.as_completed(tasks):
        result = await coro
        print(f"Completed task with result: {result}")


asyncio.run(main())
