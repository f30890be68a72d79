# Pins reference §2.3 item 28 and DESIGN §3.4: after current_task().cancel() the task keeps running; awaiting a done
# future or a non-suspending coroutine does not deliver it; the next real suspension raises CancelledError and
# the fresh future it awaited is cancelled with the same message.
import asyncio


async def helper():
    return "helper value"


async def worker():
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    print("cancel self:", me.cancel("self"))
    print("still running, cancelling:", me.cancelling())
    done = loop.create_future()
    done.set_result("done value")
    print("await done future ->", await done)
    print("await helper() ->", await helper())
    fresh = loop.create_future()
    try:
        await fresh
    except asyncio.CancelledError as exc:
        print("CancelledError at next suspension", exc.args, "fresh cancelled:", fresh.cancelled())
        raise


async def main():
    task = asyncio.create_task(worker())
    try:
        await task
    except asyncio.CancelledError as exc:
        print("main: task cancelled", task.cancelled(), exc.args)


asyncio.run(main())
