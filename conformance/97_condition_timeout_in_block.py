# Pins reference §2.10 item 83 through CPython's test_timeout_in_block and test_cancelled_error_wakeup: wait_for()
# around Condition.wait() times out with the lock held again; a cancel while waiting in wait_for(predicate)
# surfaces with its message, and the lock is held inside the handler.
import asyncio


async def main():
    condition = asyncio.Condition()
    async with condition:
        try:
            await asyncio.wait_for(condition.wait(), timeout=0.05)
        except TimeoutError as exc:
            print("timed out:", type(exc).__name__, "locked:", condition.locked())
    print("after the block; locked:", condition.locked())

    async def func():
        async with condition:
            try:
                await condition.wait_for(lambda: False)
            except asyncio.CancelledError as exc:
                print("func: cancelled", exc.args, "locked:", condition.locked())
                raise

    task = asyncio.create_task(func())
    await asyncio.sleep(0)
    task.cancel(msg="foo")
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: task raised", exc.args, "locked:", condition.locked())


asyncio.run(main())
