# Pins reference §2.6 item 54: plain iteration of as_completed yields awaitables in completion order; whichever one
# is awaited first gets the next completed result.
import asyncio


async def job(delay, value):
    await asyncio.sleep(delay)
    return value


async def main():
    for aw in asyncio.as_completed([job(0.3, "slow"), job(0.1, "fast"), job(0.2, "mid")]):
        print("got", await aw)

    it = asyncio.as_completed([job(0.3, "third"), job(0.1, "first"), job(0.2, "second")])
    a = next(it)
    b = next(it)
    c = next(it)
    print("awaiting the second item first ->", await b)
    print("then the first item ->", await a)
    print("then the third item ->", await c)

    failing = asyncio.get_running_loop().create_future()
    failing.set_exception(ValueError("boom"))
    for aw in asyncio.as_completed([failing]):
        try:
            await aw
        except ValueError as exc:
            print("error item raises", type(exc).__name__, exc)


asyncio.run(main())
