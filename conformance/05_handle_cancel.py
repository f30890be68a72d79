# Pins reference §2.1 item 5: Handle.cancel() and TimerHandle.cancel() skip the callback, even when the handle is
# already in the current iteration's snapshot; cancelled() reports it; cancelling twice is harmless.
import asyncio


async def main():
    loop = asyncio.get_running_loop()

    def cb(label):
        print("ran", label)

    def canceller():
        print("canceller cancels h4 (same iteration)")
        h4.cancel()

    h1 = loop.call_soon(cb, "h1")
    h2 = loop.call_soon(cb, "h2")
    h2.cancel()
    h3 = loop.call_later(0.03, cb, "h3")
    h3.cancel()
    h3.cancel()
    loop.call_soon(canceller)
    h4 = loop.call_soon(cb, "h4")
    h5 = loop.call_later(0.03, cb, "h5")
    print(type(h1).__name__, h1.cancelled())
    print(type(h2).__name__, h2.cancelled())
    print(type(h3).__name__, h3.cancelled())
    print(type(h5).__name__, h5.cancelled())
    await asyncio.sleep(0.06)
    print("h4 cancelled:", h4.cancelled())
    h1.cancel()
    print("cancel after run:", h1.cancelled())


asyncio.run(main())
