# Pins reference §2.14 item 102: a Runner's run() calls share one loop; a task started in the first run keeps running
# in the second; close() cancels what is left; run() after close() raises RuntimeError.
import asyncio


async def background():
    try:
        await asyncio.sleep(0.03)
        print("background: woke up during run 2")
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("background: cancelled by close()")
        raise


async def first():
    asyncio.create_task(background())
    await asyncio.sleep(0)
    return "run 1 done"


async def second():
    await asyncio.sleep(0.06)
    return "run 2 done"


runner = asyncio.Runner()
try:
    print(runner.run(first()))
    loop1 = runner.get_loop()
    print(runner.run(second()))
    print("same loop:", runner.get_loop() is loop1)
finally:
    runner.close()
print("loop closed:", loop1.is_closed())
coro = second()
try:
    runner.run(coro)
except RuntimeError as exc:
    print("run after close:", type(exc).__name__, exc)
    coro.close()
