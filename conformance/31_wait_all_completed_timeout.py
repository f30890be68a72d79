# Pins reference §2.6 item 48: wait() defaults to ALL_COMPLETED; with a timeout it returns what is done so far,
# without raising and without cancelling the rest; an empty input is a ValueError.
import asyncio


async def job(delay):
    await asyncio.sleep(delay)
    return delay


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    a = asyncio.create_task(job(0.03), name="a")
    b = asyncio.create_task(job(0.06), name="b")
    done, pending = await asyncio.wait([a, b])
    print("ALL_COMPLETED done:", names(done), "pending:", names(pending))

    fast = asyncio.create_task(job(0.03), name="fast")
    slow = asyncio.create_task(job(0.25), name="slow")
    done, pending = await asyncio.wait({fast, slow}, timeout=0.13)
    print("timeout done:", names(done), "pending:", names(pending))
    print("slow cancelled:", slow.cancelled(), "done:", slow.done())
    print("slow result later:", await slow)

    try:
        await asyncio.wait([])
    except ValueError as exc:
        print(type(exc).__name__, exc)
    done, pending = await asyncio.wait([a], timeout=0)
    print("timeout=0 on a done task:", names(done), names(pending))


asyncio.run(main())
