# Pins seed 002 (full example, coroutines, tasks): fetch_from_remote fails for the URL containing "2", fetch_data
# records None and goes on; the simple fetch_data returns a dict, awaited directly and through a task.
import asyncio


async def fetch_from_remote(url):
    print(f"Fetching data from {url}")
    await asyncio.sleep(0.01)
    if "2" in url:
        raise Exception("Network Error")
    return f"Data from {url}"


async def fetch_data():
    urls = ["http://example.com/data1", "http://example.com/data2"]
    results = []

    print("Start fetching")

    for url in urls:
        try:
            data = await fetch_from_remote(url)
            results.append(data)
        except Exception as e:
            print(f"Error fetching {url}: {e}")
            results.append(None)

    print("Done fetching")
    return results


async def main():
    fetched_data = await fetch_data()
    print(f"Fetched data: {fetched_data}")


async def simple_fetch_data():
    print("Start fetching")
    await asyncio.sleep(0.02)
    print("Done fetching")
    return {"data": 1}


async def main2():
    task = asyncio.create_task(simple_fetch_data())
    await task


async def main3():
    data = await simple_fetch_data()
    print(data)


asyncio.run(main())
asyncio.run(main2())
asyncio.run(main3())
