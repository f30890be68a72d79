# Pins seeds 000/001/002 (wait_for): a long task times out ("Task timed out" / "The task took too long to complete"),
# and the same pattern prints the result when it is fast enough (timeouts scaled down).
import asyncio


async def long_running_task():
    await asyncio.sleep(10)


async def main():
    try:
        await asyncio.wait_for(long_running_task(), timeout=0.1)
    except asyncio.TimeoutError:
        print("Task timed out")


async def long_running_task2(delay):
    await asyncio.sleep(delay)
    return "Done"


async def main2(delay):
    try:
        result = await asyncio.wait_for(long_running_task2(delay), timeout=0.1)
        print(result)
    except asyncio.TimeoutError:
        print("Task timed out")


async def main3():
    try:
        await asyncio.wait_for(long_running_task(), timeout=0.1)
    except asyncio.TimeoutError:
        print("The task took too long to complete")


asyncio.run(main())
asyncio.run(main2(5))
asyncio.run(main2(0.01))
asyncio.run(main3())
