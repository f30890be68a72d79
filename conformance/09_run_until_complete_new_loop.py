# Pins reference §2.1 items 10-11 and §1.2: run_until_complete() on a loop from new_event_loop(), is_running(),
# get_running_loop(), close() (idempotent) and the errors after close.
import asyncio


async def compute(x):
    loop = asyncio.get_running_loop()
    print("inside: running loop is ours:", loop is the_loop, "is_running:", loop.is_running())
    await asyncio.sleep(0.01)
    return x * 2


try:
    asyncio.get_running_loop()
except RuntimeError as exc:
    print("outside:", type(exc).__name__, exc)

the_loop = asyncio.new_event_loop()
print("is_running before:", the_loop.is_running(), "is_closed:", the_loop.is_closed())
print("result:", the_loop.run_until_complete(compute(21)))
task = the_loop.create_task(compute(5))
print("task result:", the_loop.run_until_complete(task))
fut = the_loop.create_future()
the_loop.call_soon(fut.set_result, "future value")
print("future result:", the_loop.run_until_complete(fut))
the_loop.close()
print("is_closed after close:", the_loop.is_closed())
the_loop.close()
print("second close is fine")
try:
    the_loop.call_soon(print, "never")
except RuntimeError as exc:
    print("call_soon:", type(exc).__name__, exc)
try:
    the_loop.run_until_complete(fut)
except RuntimeError as exc:
    print("run_until_complete:", type(exc).__name__, exc)
