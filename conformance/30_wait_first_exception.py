# Pins reference §2.6 item 50: wait(FIRST_EXCEPTION) returns on the first exception, a cancelled task does not
# count as one, and without any exception it waits for all.
import asyncio


async def ok(delay):
    await asyncio.sleep(delay)
    return "ok"


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError(f"failed after {delay}")


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    victim = asyncio.create_task(ok(1), name="victim")
    tasks = [
        victim,
        asyncio.create_task(ok(0.03), name="ok-fast"),
        asyncio.create_task(fail(0.06), name="fail"),
        asyncio.create_task(ok(0.25), name="ok-slow"),
    ]
    asyncio.get_running_loop().call_soon(victim.cancel)
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print("done:", names(done), "pending:", names(pending))
    for t in sorted(done, key=lambda t: t.get_name()):
        if t.cancelled():
            print(t.get_name(), "cancelled")
        else:
            print(t.get_name(), "exception:", repr(t.exception()))
    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_EXCEPTION)
    print("no exception -> all done:", names(done), "pending:", names(pending))


asyncio.run(main())
