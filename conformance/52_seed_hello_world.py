# Pins seeds 000/001/002 (event loop, coroutines): Hello/World around a sleep, Start/End coroutine, say_hello, and a
# coroutine returning a value; several asyncio.run() calls in one program (sleeps scaled down).
import asyncio


async def main():
    print("Hello")
    await asyncio.sleep(0.01)
    print("World")


async def coroutine_example():
    print("Start coroutine")
    await asyncio.sleep(0.01)
    print("End coroutine")


async def say_hello():
    print("Hello, Asyncio!")


async def fetch_data():
    await asyncio.sleep(0.02)
    return "Data"


async def main2():
    result = await fetch_data()
    print(result)


async def hello_world_message() -> str:
    await asyncio.sleep(0.01)
    return "Hello World!"


async def main3():
    message = await hello_world_message()
    print(message)


asyncio.run(main())
asyncio.run(coroutine_example())
asyncio.run(say_hello())
asyncio.run(main2())
asyncio.run(main3())
