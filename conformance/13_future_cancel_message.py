# Pins reference §2.2 item 20 and §2.3 item 34: cancel(msg) then result()/exception() raise CancelledError whose
# args carry the message; a task awaiting the future receives the same message.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    fut.add_done_callback(lambda f: print("callback: cancelled", f.cancelled()))
    print("cancel('stop it'):", fut.cancel("stop it"))
    print("done", fut.done(), "cancelled", fut.cancelled())
    try:
        fut.result()
    except asyncio.CancelledError as exc:
        print("result() raises", type(exc).__name__, exc.args)
    try:
        fut.exception()
    except asyncio.CancelledError as exc:
        print("exception() raises", type(exc).__name__, exc.args)
    print("cancel again:", fut.cancel("other"))
    try:
        fut.set_result(1)
    except asyncio.InvalidStateError as exc:
        print("set_result on cancelled:", type(exc).__name__, exc)

    plain = loop.create_future()
    plain.cancel()
    try:
        plain.result()
    except asyncio.CancelledError as exc:
        print("no message: args", exc.args, "str", repr(str(exc)))

    waited = loop.create_future()

    async def waiter():
        try:
            await waited
        except asyncio.CancelledError as exc:
            print("waiter got", type(exc).__name__, exc.args)
            return "waiter handled it"

    task = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waited.cancel("from main")
    print(await task)
    await asyncio.sleep(0)


asyncio.run(main())
