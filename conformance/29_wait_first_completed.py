# Pins reference §2.6 items 48-49: wait(FIRST_COMPLETED) returns (done, pending) sets, never cancels, and `done` holds
# every task that finished before the waiter resumed.
import asyncio


async def job(delay):
    await asyncio.sleep(delay)
    return delay


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    tasks = [
        asyncio.create_task(job(0.3), name="slow"),
        asyncio.create_task(job(0.03), name="fast"),
        asyncio.create_task(job(0.15), name="mid"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print("done:", names(done), "pending:", names(pending))
    print("types:", type(done).__name__, type(pending).__name__)
    print("pending cancelled:", [t.cancelled() for t in tasks])
    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    print("done:", names(done), "pending:", names(pending))
    await asyncio.wait(pending)

    x = asyncio.create_task(job(0), name="x")
    y = asyncio.create_task(job(0), name="y")
    z = asyncio.create_task(job(1), name="z")
    done, pending = await asyncio.wait([x, y, z], return_when=asyncio.FIRST_COMPLETED)
    print("same-iteration finishers:", names(done), "pending:", names(pending))
    z.cancel()
    done, pending = await asyncio.wait([z])
    print("after cancel:", names(done), "cancelled:", z.cancelled())


asyncio.run(main())
