# Pins reference §2.8 item 68: an inner group's ExceptionGroup becomes a member of the outer group's; each group
# cancels its own children.
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
        async with asyncio.TaskGroup() as outer:
            outer.create_task(child("outer-sibling", 1))
            async with asyncio.TaskGroup() as inner:
                inner.create_task(child("inner-sibling", 1))
                inner.create_task(child("deep", 0.03, fail=True))
            print("not reached")
    except ExceptionGroup as eg:
        print("str:", str(eg))
        print("members:", [repr(e) for e in eg.exceptions])
        nested = eg.exceptions[0]
        print("nested type:", type(nested).__name__, "str:", str(nested))
        print("nested members:", [repr(e) for e in nested.exceptions])
    print("cancelling:", asyncio.current_task().cancelling())

    async with asyncio.TaskGroup() as outer:
        outer.create_task(child("ok-outer", 0.03))
        async with asyncio.TaskGroup() as inner:
            inner.create_task(child("ok-inner", 0.06))
        print("inner group exited")
    print("both groups exited")


asyncio.run(main())
