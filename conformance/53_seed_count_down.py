# Pins seed 000 (using await): count_down(3) prints 3, 2, 1 with a sleep between (sleep scaled down).
import asyncio


async def count_down(n):
    while n > 0:
        print(n)
        await asyncio.sleep(0.01)
        n -= 1


asyncio.run(count_down(3))
