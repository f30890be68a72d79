# Pins reference §2.5 items 43-44: with return_exceptions=True the exceptions take their place in the result list
# (argument order) and nothing is raised.
import asyncio


async def ok(value, delay):
    await asyncio.sleep(delay)
    return value


async def bad(message, delay):
    await asyncio.sleep(delay)
    raise ValueError(message)


async def main():
    results = await asyncio.gather(
        ok(1, 0.06), bad("bad one", 0.03), ok("two", 0), bad("bad two", 0.09), return_exceptions=True
    )
    print(results)
    for r in results:
        print(type(r).__name__, repr(r))


asyncio.run(main())
