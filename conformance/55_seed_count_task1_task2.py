# Pins seed 000 (create_task): count("Task1", 3) and count("Task2", 2) interleave step by step with equal sleeps.
import asyncio


async def count(name, n):
    for i in range(n):
        print(f"{name} - {i}")
        await asyncio.sleep(0.03)


async def main():
    task1 = asyncio.create_task(count("Task1", 3))
    task2 = asyncio.create_task(count("Task2", 2))
    await task1
    await task2


asyncio.run(main())
