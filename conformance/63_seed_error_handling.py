# Pins seeds 000/001/003 (error handling): exceptions raised in an awaited coroutine and in a task reach the
# awaiting code's except block.
import asyncio


async def faulty_coroutine():
    raise ValueError("Something went wrong")


async def main():
    try:
        await faulty_coroutine()
    except ValueError as e:
        print(f"Caught an exception: {e}")


async def faulty_task():
    raise ValueError("Something went wrong")


async def main2():
    task = asyncio.create_task(faulty_task())
    try:
        await task
    except ValueError as e:
        print(f"Caught an exception: {e}")


async def risky_task():
    raise ValueError("Oops!")


async def main3():
    try:
        await risky_task()
    except ValueError as e:
        print(f"Caught exception: {e}")


async def my_coroutine():
    try:
        await asyncio.sleep(0.01)
        raise ValueError("An error occurred")
    except ValueError as e:
        print(f"Error: {e}")


asyncio.run(main())
asyncio.run(main2())
asyncio.run(main3())
asyncio.run(my_coroutine())
