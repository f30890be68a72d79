# Pins reference §2.10 item 84: wait_for(predicate) checks the predicate before waiting and after every wake-up,
# and returns its (truthy) value; a predicate already true does not wait.
import asyncio


async def consumer(cond, box):
    def ready():
        print("  predicate sees", box)
        return len(box) >= 3 and list(box)

    async with cond:
        result = await cond.wait_for(ready)
        print("wait_for returned", result, "locked:", cond.locked())
    return result


async def main():
    box = []
    cond = asyncio.Condition()
    t = asyncio.create_task(consumer(cond, box))
    for i in range(4):
        await asyncio.sleep(0)
        async with cond:
            box.append(i)
            print("appended", i)
            cond.notify()
    print("consumer result:", await t)
    async with cond:
        print("already true:", await cond.wait_for(lambda: "at once"))


asyncio.run(main())
