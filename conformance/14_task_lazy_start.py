# Pins reference §2.3 item 25: create_task only schedules the first step; tasks start in creation order once the
# creator yields, interleaved FIFO with other ready callbacks.
import asyncio


async def worker(name):
    print("start", name)
    await asyncio.sleep(0)
    print("end", name)
    return name


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(print, "callback cb0")
    t1 = asyncio.create_task(worker("t1"))
    loop.call_soon(print, "callback cb1")
    t2 = asyncio.create_task(worker("t2"))
    print("created, t1 done:", t1.done())
    await asyncio.sleep(0)
    print("main resumed")
    print("await t1 ->", await t1)
    print("await t2 ->", await t2)
    coro = worker("plain coroutine")
    print("coroutine created, nothing ran yet")
    print("await coroutine ->", await coro)


asyncio.run(main())
