# Pins seeds 000/001/002/003 (gather): results in argument order whatever the delays; fetch_url over a generator of
# coroutines; task1/task2 results printed one by one; coro1/coro2 (delays scaled to multiples of 0.03).
import asyncio


async def task(name, delay):
    await asyncio.sleep(delay)
    return f"Task {name} completed"


async def main():
    results = await asyncio.gather(task("A", 0.06), task("B", 0.03), task("C", 0.09))
    print(results)


async def fetch_url(url):
    print(f"Fetching {url}")
    await asyncio.sleep(0.03)
    return f"Data from {url}"


async def main2():
    urls = ["https://example.com", "https://httpbin.org/get"]
    results = await asyncio.gather(*(fetch_url(url) for url in urls))
    print(results)


async def task1():
    await asyncio.sleep(0.06)
    return "Result of task1"


async def task2():
    await asyncio.sleep(0.03)
    return "Result of task2"


async def main3():
    results = await asyncio.gather(task1(), task2())
    for result in results:
        print(result)


async def coro1():
    await asyncio.sleep(0.03)
    return "Result 1"


async def coro2():
    await asyncio.sleep(0.06)
    return "Result 2"


async def main4():
    results = await asyncio.gather(coro1(), coro2())
    print(results)


asyncio.run(main())
asyncio.run(main2())
asyncio.run(main3())
asyncio.run(main4())
