# Pins reference §2.2 item 18: done callbacks are never called inline; they are scheduled with call_soon in
# registration order, also when added to an already-done future, and interleave FIFO with other callbacks.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def cb1(f):
        print("cb1 result", f.result())

    def cb2(f):
        print("cb2 done", f.done())
        loop.call_soon(print, "scheduled by cb2")

    fut.add_done_callback(cb1)
    fut.add_done_callback(cb2)
    loop.call_soon(print, "soon before set_result")
    fut.set_result("x")
    print("after set_result (no callback ran yet)")
    loop.call_soon(print, "soon after set_result")
    await asyncio.sleep(0)
    print("main after first sleep(0)")

    fut.add_done_callback(lambda f: print("cb3 added late, result", f.result()))
    print("after late add_done_callback (not inline)")
    await asyncio.sleep(0)
    print("main after second sleep(0)")

    failed = loop.create_future()
    failed.add_done_callback(lambda f: print("failed cb sees", repr(f.exception())))
    failed.set_exception(ValueError("v"))
    cancelled = loop.create_future()
    cancelled.add_done_callback(lambda f: print("cancelled cb sees cancelled()", f.cancelled()))
    cancelled.cancel()
    print("before yielding")
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
