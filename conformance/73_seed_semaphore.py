# Pins seed 002 (Semaphore): Semaphore(3) lets three of ten coroutines in at a time; each one released lets the
# next waiter in, in FIFO order. The hold times differ so that no two sleeps end together.
import asyncio

sem = asyncio.Semaphore(3)  # Limit to 3 concurrent coroutines
HOLD = [0.05, 0.15, 0.25, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]


async def access_resource(num):
    async with sem:
        print(f"Resource being accessed by coroutine {num}")
        await asyncio.sleep(HOLD[num])  # Simulate a task using the resource
    print(f"Coroutine {num} released the resource")


async def main():
    coroutines = [access_resource(i) for i in range(10)]
    await asyncio.gather(*coroutines)
    print("locked at the end:", sem.locked())


asyncio.run(main())
