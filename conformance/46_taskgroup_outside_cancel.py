# Pins reference §2.8 item 66: cancelling the task that runs a TaskGroup cancels the children and a plain
# CancelledError propagates; a child raising while being cancelled turns it into an ExceptionGroup.
import asyncio


async def child(name, delay, fail_on_cancel=False):
    try:
        await asyncio.sleep(delay)
        print(name, "finished")
    except asyncio.CancelledError:
        print(name, "cancelled")
        if fail_on_cancel:
            raise ValueError(f"{name} cleanup failed")
        raise


async def runner(fail_on_cancel):
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("child", 1, fail_on_cancel))
            await asyncio.sleep(1)
    except asyncio.CancelledError as exc:
        print("runner: plain CancelledError", exc.args)
        raise
    except ExceptionGroup as eg:
        print("runner: ExceptionGroup", str(eg), [repr(e) for e in eg.exceptions])
        raise


async def main():
    task = asyncio.create_task(runner(False))
    await asyncio.sleep(0.03)
    task.cancel("from main")
    try:
        await task
    except asyncio.CancelledError:
        print("main: task cancelled:", task.cancelled())

    task = asyncio.create_task(runner(True))
    await asyncio.sleep(0.03)
    task.cancel()
    try:
        await task
    except ExceptionGroup as eg:
        print("main: task raised", type(eg).__name__, "cancelled:", task.cancelled())


asyncio.run(main())
