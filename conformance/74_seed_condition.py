# Pins seed 002 (Condition): as written, the producer keeps the condition's lock while it sleeps, so the consumer
# only gets in after all five items were queued and never waits; then a producer that takes the lock per item,
# with a consumer that waits and is notified for each one.
import asyncio

condition = asyncio.Condition()
queue = []


async def consumer():
    async with condition:
        while not queue:
            print("Consumer waiting")
            await condition.wait()
        item = queue.pop(0)
        print(f"Consumer got item: {item}")


async def producer():
    async with condition:
        for i in range(5):
            queue.append(i)
            condition.notify()  # Notify the consumer
            await asyncio.sleep(0.1)  # Simulate producing time


async def main():
    await asyncio.gather(producer(), consumer())
    print("left in queue:", queue)


async def consumer2():
    for _ in range(3):
        async with condition:
            while not queue:
                print("Consumer waiting")
                await condition.wait()
            item = queue.pop(0)
            print(f"Consumer got item: {item}")


async def producer2():
    for i in range(3):
        await asyncio.sleep(0.1)
        async with condition:
            queue.append(i)
            print(f"Producer appended {i}")
            condition.notify()


async def main2():
    queue.clear()
    await asyncio.gather(producer2(), consumer2())
    print("left in queue:", queue)


asyncio.run(main())
asyncio.run(main2())
