# Pins seed 004 (measuring coroutine execution time with decorators): an async_timed() decorator wraps a coroutine
# function, prints its name and arguments before and after (no times printed), and returns its value.
import asyncio
import functools
import time


def async_timed():
    def wrapper(func):
        @functools.wraps(func)
        async def wrapped(*args, **kwargs):
            print(f"starting {func.__name__} with args {args} {kwargs}")
            start = time.time()
            try:
                return await func(*args, **kwargs)
            finally:
                total = time.time() - start
                print(f"finished {func.__name__} in {'measured' if total >= 0 else 'negative'} time")

        return wrapped

    return wrapper


@async_timed()
async def delay(delay_seconds):
    print(f"sleeping for {delay_seconds} second(s)")
    await asyncio.sleep(delay_seconds)
    print(f"finished sleeping for {delay_seconds} second(s)")
    return delay_seconds


@async_timed()
async def main():
    task_one = asyncio.create_task(delay(0.03))
    task_two = asyncio.create_task(delay(0.06))
    print(await task_one, await task_two)


asyncio.run(main())
