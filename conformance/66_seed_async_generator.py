# Pins seed 002 (asynchronous iterators and generators): async for over an async generator that sleeps between
# items; a task running beside it interleaves; an async comprehension collects the items.
import asyncio


async def async_generator(interval=0.03):
    for i in range(3):
        await asyncio.sleep(interval)
        yield i


async def main():
    async for item in async_generator():
        print(item)


async def other():
    await asyncio.sleep(0.3)
    print("other task ran between items 0 and 1")


async def main2():
    task = asyncio.create_task(other())
    async for item in async_generator(0.2):
        print("item", item)
    await task
    print([item async for item in async_generator(0.01)])


asyncio.run(main())
asyncio.run(main2())
