# Pins reference §2.7 item 58: an outside cancel() of a task inside an unexpired timeout() escapes as CancelledError,
# not TimeoutError.
import asyncio


async def worker():
    cm = asyncio.timeout(0.5)
    try:
        async with cm:
            await asyncio.sleep(1)
    except TimeoutError:
        print("worker: TimeoutError (must not happen)")
    except asyncio.CancelledError as exc:
        print("worker: CancelledError escaped", exc.args, "expired:", cm.expired())
        raise


async def main():
    task = asyncio.create_task(worker())
    await asyncio.sleep(0.03)
    task.cancel("outside")
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: task cancelled:", task.cancelled(), exc.args)


asyncio.run(main())
