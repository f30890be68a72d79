# Pins reference §2.6 item 56: with a timeout, the next item after the deadline raises TimeoutError; unfinished
# tasks are not cancelled.
import asyncio


async def job(delay, value):
    await asyncio.sleep(delay)
    return value


async def main():
    fast = asyncio.create_task(job(0.03, "fast"))
    slow = asyncio.create_task(job(0.3, "slow"))
    try:
        for aw in asyncio.as_completed([fast, slow], timeout=0.15):
            print("got", await aw)
    except TimeoutError as exc:
        print("plain iteration:", type(exc).__name__)
    print("slow cancelled:", slow.cancelled(), "done:", slow.done())

    late = asyncio.create_task(job(0.3, "late"))
    try:
        async for t in asyncio.as_completed([late], timeout=0.05):
            print("not reached", t)
    except TimeoutError as exc:
        print("async iteration:", type(exc).__name__)
    print("slow ->", await slow)
    print("late ->", await late)


asyncio.run(main())
