# Pins reference §2.6 item 51: on timeout wait_for cancels the inner awaitable and waits for its cleanup (except and
# finally print first), then raises TimeoutError whose __cause__ is the CancelledError; a fast one returns its value.
import asyncio


async def inner(delay, cleanup):
    try:
        print("inner: start")
        await asyncio.sleep(delay)
        print("inner: finished")
        return "inner value"
    except asyncio.CancelledError:
        print("inner: cancelled")
        await asyncio.sleep(cleanup)
        print("inner: cleanup done")
        raise
    finally:
        print("inner: finally")


async def main():
    try:
        await asyncio.wait_for(inner(1, 0.03), timeout=0.03)
    except TimeoutError as exc:
        print("main:", type(exc).__name__, repr(str(exc)), "cause:", type(exc.__cause__).__name__)
    print("main: cancelling() =", asyncio.current_task().cancelling())

    task = asyncio.create_task(inner(1, 0))
    try:
        await asyncio.wait_for(task, 0.03)
    except asyncio.TimeoutError as exc:
        print("main: task version", type(exc).__name__, "task cancelled:", task.cancelled())

    print("main: fast ->", await asyncio.wait_for(inner(0.01, 0), timeout=0.5))
    print("main: timeout=None ->", await asyncio.wait_for(inner(0.01, 0), None))


asyncio.run(main())
