# Pins reference §2.3 items 31-33: cancelling() counts every cancel(); repeated cancels coalesce into one
# CancelledError carrying the first message when the task awaited a future; uncancel() to 0 revokes a pending
# cancel; cancel() on a done task returns False and leaves the count alone.
import asyncio


async def sleeper():
    try:
        await asyncio.sleep(1)
    except asyncio.CancelledError as exc:
        print("sleeper: one CancelledError", exc.args)
        raise


async def revoked():
    print("revoked: body runs normally")
    await asyncio.sleep(0)
    return "revoked result"


async def main():
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0)
    print("cancel first:", task.cancel("first"))
    print("cancel second:", task.cancel("second"))
    print("cancelling:", task.cancelling())
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: awaited", exc.args)
    print("cancel on done:", task.cancel("third"), "cancelling:", task.cancelling())
    print("uncancel on done:", task.uncancel(), "cancelled:", task.cancelled())

    task2 = asyncio.create_task(revoked())
    print("cancel task2:", task2.cancel("never delivered"), "cancelling:", task2.cancelling())
    print("uncancel task2:", task2.uncancel())
    print("task2 result:", await task2, "cancelled:", task2.cancelled())

    me = asyncio.current_task()
    print("main cancelling:", me.cancelling(), "uncancel on 0:", me.uncancel())


asyncio.run(main())
