# Pins seeds 000/001/002 (tasks): task A (long) and B (short) run concurrently and B completes first; task1/task2
# started/finished; my_task "Task completed" (delays scaled to 0.06/0.03).
import asyncio


async def task_example(name, delay):
    await asyncio.sleep(delay)
    print(f"Task {name} completed")


async def main():
    task1 = asyncio.create_task(task_example("A", 0.06))
    task2 = asyncio.create_task(task_example("B", 0.03))
    await task1
    await task2


async def task1():
    print("Task 1 started")
    await asyncio.sleep(0.06)
    print("Task 1 finished")


async def task2():
    print("Task 2 started")
    await asyncio.sleep(0.03)
    print("Task 2 finished")


async def main2():
    t1 = asyncio.create_task(task1())
    t2 = asyncio.create_task(task2())
    await t1
    await t2


async def my_task():
    await asyncio.sleep(0.01)
    print("Task completed")


async def main3():
    task = asyncio.create_task(my_task())
    await task


asyncio.run(main())
asyncio.run(main2())
asyncio.run(main3())
