# Pins seed 002 (ensure_future): a coroutine wrapped by ensure_future is a Task that runs concurrently; a Future is
# returned as is.
import asyncio


async def my_coroutine():
    await asyncio.sleep(0.01)
    return "Coroutine result"


async def main():
    future = asyncio.ensure_future(my_coroutine())
    print("is a Task:", isinstance(future, asyncio.Task))
    fut = asyncio.get_running_loop().create_future()
    print("future returned as is:", asyncio.ensure_future(fut) is fut)
    fut.cancel()
    result = await future
    print(result)


asyncio.run(main())
