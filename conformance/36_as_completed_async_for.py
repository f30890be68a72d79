# Pins reference §2.6 item 55 (3.13): `async for` over as_completed yields the original tasks in completion order;
# the iterator can be resumed after a break; coroutines get implicit tasks.
import asyncio


async def job(delay, value):
    await asyncio.sleep(delay)
    return value


async def main():
    tasks = [
        asyncio.create_task(job(0.09, "slow"), name="slow"),
        asyncio.create_task(job(0.03, "fast"), name="fast"),
        asyncio.create_task(job(0.06, "mid"), name="mid"),
    ]
    async for t in asyncio.as_completed(tasks):
        print(t.get_name(), "is an original task:", any(t is x for x in tasks), "result:", t.result())

    more = [
        asyncio.create_task(job(0.06, "b"), name="b"),
        asyncio.create_task(job(0.03, "a"), name="a"),
        asyncio.create_task(job(0.09, "c"), name="c"),
    ]
    it = asyncio.as_completed(more)
    async for t in it:
        print("first:", t.get_name())
        break
    async for t in it:
        print("resumed:", t.get_name())

    async for t in asyncio.as_completed([job(0.03, "from coroutine")]):
        print("implicit task:", isinstance(t, asyncio.Task), t.result())


asyncio.run(main())
