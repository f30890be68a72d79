# Pins reference §2.8 items 64 and 70: TaskGroup.create_task raises RuntimeError before enter, after exit and while
# shutting down (message includes the group's repr); cancelling() back to 0 after an aborted group.
import asyncio


async def child(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise ValueError(f"{name} failed")
    return name


async def main():
    tg = asyncio.TaskGroup()
    coro = child("early", 0)
    try:
        tg.create_task(coro)
    except RuntimeError as exc:
        print("before enter:", type(exc).__name__, exc)

    async with tg:
        t = tg.create_task(child("a", 0.01))
    print("after exit, task done:", t.done(), t.result())
    try:
        tg.create_task(child("late", 0))
    except RuntimeError as exc:
        print("after exit:", type(exc).__name__, exc)

    try:
        async with asyncio.TaskGroup() as tg2:
            tg2.create_task(child("b", 0.03, fail=True))
            tg2.create_task(child("c", 1))
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                try:
                    tg2.create_task(child("d", 0))
                except RuntimeError as exc:
                    print("while shutting down:", type(exc).__name__, exc)
                raise
    except ExceptionGroup as eg:
        print("group:", str(eg))
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
