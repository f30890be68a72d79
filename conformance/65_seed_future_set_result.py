# Pins seed 004 (futures): a Future created inside the running loop, set_result(42), result(); a future completed
# later by a callback wakes the task awaiting it.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    my_future = loop.create_future()
    my_future.set_result(42)
    print(my_future.result())

    later = asyncio.Future()
    print("done before:", later.done())
    loop.call_later(0.01, later.set_result, "set by a callback")
    print(await later)
    print("done after:", later.done())


asyncio.run(main())
