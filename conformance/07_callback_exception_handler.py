# Pins reference §2.1 item 6: an exception in a callback goes to the loop's exception handler (keys message,
# exception, handle) and the loop goes on with the next callbacks.
import asyncio
import re


def handler(loop, context):
    message = re.sub(r" at \S+:\d+$", "", context["message"])
    print("handler:", message)
    print("handler: exception", repr(context["exception"]))
    print("handler: keys", sorted(context.keys()))


def ok(label):
    print("ok", label)


def boom(n):
    raise ValueError(f"boom {n}")


async def main():
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(handler)
    loop.call_soon(ok, 1)
    loop.call_soon(boom, 7)
    loop.call_soon(ok, 2)
    await asyncio.sleep(0)
    loop.call_later(0.01, boom, 8)
    await asyncio.sleep(0.03)
    print("loop still running:", loop.is_running())


asyncio.run(main())
