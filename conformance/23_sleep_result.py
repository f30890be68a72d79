# Pins reference §2.4 item 42 and §1.7: sleep(delay, result) returns result for positive, zero and negative
# delays; sleep(nan) raises ValueError.
import asyncio


async def main():
    print(await asyncio.sleep(0.01, "ten ms"))
    print(await asyncio.sleep(0, result=5))
    print(await asyncio.sleep(-1, ["negative", "delay"]))
    print(await asyncio.sleep(0.01))
    try:
        await asyncio.sleep(float("nan"))
    except ValueError as exc:
        print(type(exc).__name__, exc)


asyncio.run(main())
