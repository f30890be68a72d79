# Pins reference §2.8 items 64-65: the first child error cancels the siblings, then the body; the ExceptionGroup
# message and members; cancelling() back to 0; several failures in one group; an error in the body.
import asyncio


async def child(name, delay, fail=False):
    try:
        await asyncio.sleep(delay)
        if fail:
            raise ValueError(f"{name} failed")
        print(name, "finished")
    except asyncio.CancelledError:
        print(name, "cancelled")
        raise


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("a", 1))
            tg.create_task(child("b", 0.03, fail=True))
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                print("body cancelled")
                raise
    except ExceptionGroup as eg:
        print("str:", str(eg))
        print("message:", eg.message)
        print("members:", sorted(repr(e) for e in eg.exceptions))
    print("cancelling:", asyncio.current_task().cancelling())

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("c", 0, fail=True))
            tg.create_task(child("d", 0, fail=True))
            tg.create_task(child("e", 0.5))
    except ExceptionGroup as eg:
        print("str:", str(eg))
        print("members:", sorted(repr(e) for e in eg.exceptions))

    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(child("f", 0.5))
            await asyncio.sleep(0.01)
            raise ValueError("body failed")
    except ExceptionGroup as eg:
        print("str:", str(eg))
        print("members:", sorted(repr(e) for e in eg.exceptions))
    print("cancelling:", asyncio.current_task().cancelling())

    async with asyncio.TaskGroup() as tg:
        t1 = tg.create_task(child("g", 0.03))
        t2 = tg.create_task(child("h", 0.06))
    print("clean exit; results:", t1.result(), t2.result())


asyncio.run(main())
