# Pins reference §2.6 item 51: if the inner awaitable swallows the cancellation and returns, wait_for returns that
# value instead of raising TimeoutError (coroutine and task forms).
import asyncio


async def swallow(tag):
    try:
        await asyncio.sleep(1)
        return "not reached"
    except asyncio.CancelledError:
        print(tag, "swallowed the cancel")
        return tag + " fallback value"


async def main():
    print("coroutine:", await asyncio.wait_for(swallow("coroutine"), 0.03))
    print("cancelling() =", asyncio.current_task().cancelling())
    task = asyncio.create_task(swallow("task"))
    print("task:", await asyncio.wait_for(task, 0.03))
    print("task cancelled:", task.cancelled(), "cancelling() =", asyncio.current_task().cancelling())


asyncio.run(main())
