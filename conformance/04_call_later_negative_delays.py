# Pins reference §2.1 item 3: timers run by `when`; negative delays are fine and run first; ready callbacks
# scheduled after the timers still run before them.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def cb(label):
        print("timer", label)
        if label == "+0.2":
            done.set_result(None)

    loop.call_later(0.2, cb, "+0.2")
    loop.call_later(-1, cb, "-1")
    loop.call_later(0.1, cb, "+0.1")
    loop.call_later(-0.5, cb, "-0.5")
    loop.call_later(0, cb, "0")
    loop.call_soon(print, "call_soon")
    await done
    print("done")


asyncio.run(main())
