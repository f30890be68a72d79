# Pins reference §2.3 item 26: a task cancelled before its first step never runs any of its body (not even a
# try/finally); the awaiting task sees CancelledError with the message.
import asyncio


async def body():
    try:
        print("body ran (must not happen)")
        await asyncio.sleep(0)
    finally:
        print("finally ran (must not happen)")


async def main():
    task = asyncio.create_task(body())
    print("cancel:", task.cancel("early"))
    print("done right after cancel:", task.done(), "cancelling:", task.cancelling())
    try:
        await task
    except asyncio.CancelledError as exc:
        print("await task raised", type(exc).__name__, exc.args)
    print("cancelled:", task.cancelled(), "done:", task.done())
    print("cancel on cancelled task:", task.cancel(), "cancelling:", task.cancelling())


asyncio.run(main())
