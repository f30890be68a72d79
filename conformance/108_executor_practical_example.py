# The asyncio notes' "practical example": two async tasks sleep while a blocking sync task runs on a
# ThreadPoolExecutor through run_in_executor(). Times are scaled down (2 s -> 0.5 s, 3 s -> 0.6 s),
# and the sync task first blocks 0.1 s before it prints: in the notes' version its first print races
# with the async tasks' first prints (CPython prints either order from run to run).
import asyncio
from concurrent.futures import ThreadPoolExecutor


async def async_task(name):
    print(f"Async task {name} started")
    await asyncio.sleep(0.5)
    print(f"Async task {name} finished")


def sync_task(name):
    import time
    time.sleep(0.1)
    print(f"Sync task {name} started", flush=True)
    time.sleep(0.5)
    print(f"Sync task {name} finished", flush=True)


async def run_sync_task(name):
    loop = asyncio.get_event_loop()
    with ThreadPoolExecutor() as executor:
        await loop.run_in_executor(executor, sync_task, name)


async def main():
    # Start async tasks
    task1 = asyncio.create_task(async_task("1"))
    task2 = asyncio.create_task(async_task("2"))

    # Start sync task
    await run_sync_task("sync")

    # Await async tasks
    await task1
    await task2
    print("all done")


asyncio.run(main())
