# Pins reference §2.5 items 43 and 47: gather() returns results in argument order, not completion order; children
# start in argument order; a duplicate coroutine runs once; gather() of nothing gives [].
import asyncio


async def job(name, delay):
    print("start", name)
    await asyncio.sleep(delay)
    print("end", name)
    return name.upper()


async def main():
    results = await asyncio.gather(job("a", 0.09), job("b", 0.03), job("c", 0.06))
    print(results)
    dup = job("d", 0)
    print(await asyncio.gather(dup, dup))
    print(await asyncio.gather())
    loop = asyncio.get_running_loop()
    fut = loop.create_future()
    loop.call_later(0.03, fut.set_result, "from a future")
    task = asyncio.create_task(job("t", 0))
    print(await asyncio.gather(fut, task, job("e", 0)))


asyncio.run(main())
