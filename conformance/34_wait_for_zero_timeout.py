# Pins reference §2.6 item 52: wait_for with timeout <= 0 never starts a coroutine, returns a done future's result,
# and cancels and awaits a pending task before raising TimeoutError.
import asyncio


async def body(tag):
    try:
        print(tag, "started")
        await asyncio.sleep(1)
    except asyncio.CancelledError:
        print(tag, "cancelled")
        raise


async def main():
    try:
        await asyncio.wait_for(body("coroutine"), 0)
    except TimeoutError as exc:
        print("coroutine: TimeoutError, cause", type(exc.__cause__).__name__)

    fut = asyncio.get_running_loop().create_future()
    fut.set_result("already done")
    print("done future:", await asyncio.wait_for(fut, 0))

    task = asyncio.create_task(body("task"))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(task, -1)
    except TimeoutError:
        print("task: TimeoutError, cancelled:", task.cancelled())


asyncio.run(main())
