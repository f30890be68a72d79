# Pins reference §2.3 item 29: a cancel request still pending when the coroutine returns makes the task cancelled
# and discards the value; a task cancelled while ready (after sleep(0)) never runs the code after that await.
import asyncio


async def returns_after_self_cancel():
    asyncio.current_task().cancel()
    print("returning 12")
    return 12


async def ready_when_cancelled():
    print("step 1")
    await asyncio.sleep(0)
    print("step 2 (must not happen)")
    return 5


async def main():
    task = asyncio.create_task(returns_after_self_cancel())
    try:
        print("result", await task)
    except asyncio.CancelledError:
        print("task cancelled:", task.cancelled())

    task2 = asyncio.create_task(ready_when_cancelled())
    await asyncio.sleep(0)
    print("main: cancel task2 while its next step is queued:", task2.cancel())
    try:
        await task2
    except asyncio.CancelledError:
        print("task2 cancelled:", task2.cancelled())


asyncio.run(main())
