# Pins reference §2.10 item 82: set() wakes every waiter, and a clear() right after set() does not stop them: each
# wait() returns True; a cancelled waiter leaves; set() twice is harmless; repr states.
import asyncio


def state(obj):
    r = repr(obj)
    return r[r.index("[") : -1]


async def waiter(event, name):
    print(name, "waits")
    result = await event.wait()
    print(name, "woke with", result, "is_set:", event.is_set())
    return name


async def main():
    event = asyncio.Event()
    print("new:", state(event), event.is_set())
    tasks = [asyncio.create_task(waiter(event, name)) for name in ("a", "b", "c")]
    await asyncio.sleep(0)
    print("waiting:", state(event))
    event.set()
    event.clear()
    print("set then clear:", state(event), event.is_set())
    print(await asyncio.gather(*tasks))
    print("after:", state(event))

    t = asyncio.create_task(event.wait())
    await asyncio.sleep(0)
    print("one waiter:", state(event))
    t.cancel()
    await asyncio.sleep(0)
    print("cancelled waiter gone:", state(event), t.cancelled())

    event.set()
    event.set()
    print("set twice:", state(event))
    print("wait on a set event:", await event.wait())
    event.clear()
    late = asyncio.create_task(waiter(event, "late"))
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    loop.call_soon(event.set)
    print("late got", await late)


asyncio.run(main())
