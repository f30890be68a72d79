# Pins reference §2.1 items 3-4: call_at uses loop.time(); TimerHandle.when() is the absolute time given; a time in
# the past runs on the next iteration; extra args reach the callback.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    t0 = loop.time()

    def cb(label, *extra):
        print("call_at", label, *extra)
        if label == "late":
            print("late fired after its time:", loop.time() >= t0 + 0.05)
            done.set_result(None)

    h_late = loop.call_at(t0 + 0.06, cb, "late", 1, 2)
    loop.call_at(t0 + 0.03, cb, "early")
    loop.call_at(t0 - 1, cb, "past")
    print("when() is exact:", h_late.when() == t0 + 0.06)
    print("time() is a float:", isinstance(loop.time(), float))
    await done
    print("monotonic:", loop.time() >= t0 + 0.05)


asyncio.run(main())
