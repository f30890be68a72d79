# Pins reference §2.3 item 27: cancel() returns True at once, the canceller keeps running, and the task gets
# CancelledError at the await point on its next step; the cleanup may await again.
import asyncio


async def worker():
    print("worker: started")
    try:
        await asyncio.sleep(1)
        print("worker: not reached")
    except asyncio.CancelledError as exc:
        print("worker: CancelledError at the await", exc.args)
        await asyncio.sleep(0)
        print("worker: cleanup awaited fine")
        raise
    finally:
        print("worker: finally")


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(0)
    print("main: cancel returns", task.cancel("msg"))
    print("main: still running, task done:", task.done())
    await asyncio.sleep(0)
    print("main: after one iteration, task done:", task.done())
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: await raised", type(exc).__name__, exc.args)
    print("main: cancelled", task.cancelled(), "cancelling", task.cancelling())


asyncio.run(main())
