# Pins reference §2.1 item 1: call_soon runs callbacks FIFO, passes extra positional args, returns a Handle.
import asyncio


def cb(name, *args):
    print("cb", name, *args)


async def main():
    loop = asyncio.get_running_loop()
    for i in range(5):
        loop.call_soon(cb, f"c{i}", i, i * 10)
    h = loop.call_soon(cb, "no-args")
    print("handle type:", type(h).__name__)
    loop.call_soon(print, "print", "as", "callback")
    print("scheduled")
    await asyncio.sleep(0)
    print("after sleep(0)")


asyncio.run(main())
