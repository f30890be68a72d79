# Pins reference §2.2 item 20 and §1.5: Future result()/exception()/done()/cancelled() in each state, the
# InvalidStateError messages, and cancel() on a done future returning False.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    print("pending: done", fut.done(), "cancelled", fut.cancelled())
    try:
        fut.result()
    except asyncio.InvalidStateError as exc:
        print("result() on pending:", type(exc).__name__, exc)
    try:
        fut.exception()
    except asyncio.InvalidStateError as exc:
        print("exception() on pending:", type(exc).__name__, exc)

    fut.set_result(42)
    print("finished: done", fut.done(), "cancelled", fut.cancelled())
    print("result", fut.result(), "exception", fut.exception())
    try:
        fut.set_result(43)
    except asyncio.InvalidStateError as exc:
        print("set_result twice:", type(exc).__name__, exc)
    try:
        fut.set_exception(ValueError("late"))
    except asyncio.InvalidStateError as exc:
        print("set_exception after result:", type(exc).__name__, exc)
    print("cancel() on done:", fut.cancel())
    print("still result", fut.result())

    failed = loop.create_future()
    failed.set_exception(ValueError("bad value"))
    print("failed: done", failed.done(), "cancelled", failed.cancelled())
    print("exception()", repr(failed.exception()))
    try:
        failed.result()
    except ValueError as exc:
        print("result() raises", type(exc).__name__, exc)
    try:
        await failed
    except ValueError as exc:
        print("await raises", type(exc).__name__, exc)
    print("await done future:", await fut)


asyncio.run(main())
