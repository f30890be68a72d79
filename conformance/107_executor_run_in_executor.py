# The asyncio notes' executor example: a blocking function (time.sleep, then a result) runs on a
# ThreadPoolExecutor through loop.run_in_executor() while the loop stays free; a ticker task shows
# that the loop keeps running during the blocking call. The 3 s of the notes are 0.3 s here.
import asyncio
from concurrent.futures import ThreadPoolExecutor


def blocking_task(n):
    import time
    time.sleep(n)
    return "Done"


async def ticker(ticks):
    for i in range(3):
        await asyncio.sleep(0.05)
        ticks.append(i)


async def run_blocking_task():
    loop = asyncio.get_event_loop()
    ticks = []
    tick_task = asyncio.create_task(ticker(ticks))
    with ThreadPoolExecutor() as executor:
        result = await loop.run_in_executor(executor, blocking_task, 0.3)
    print(result)
    print("the loop ran meanwhile:", ticks)
    await tick_task


async def errors_and_default_executor():
    loop = asyncio.get_running_loop()

    def fails(x):
        raise ValueError(f"bad value {x}")

    try:
        await loop.run_in_executor(None, fails, 7)
    except ValueError as e:
        print("error from the executor:", type(e).__name__, e)

    def add(a, b):
        return a + b

    print("default executor:", await loop.run_in_executor(None, add, 2, 3))
    print("to_thread:", await asyncio.to_thread(add, 4, 5))
    results = await asyncio.gather(*(asyncio.to_thread(add, i, i) for i in range(5)))
    print("gathered:", results)


asyncio.run(run_blocking_task())
asyncio.run(errors_and_default_executor())
