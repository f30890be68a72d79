# Pins seed 002 (Lock): five coroutines gathered on one module-level Lock enter the critical section one at a time,
# in the order they asked for it.
import asyncio

lock = asyncio.Lock()


async def update_shared_resource(num):
    async with lock:
        # Simulate modifying a shared resource
        print(f"Resource accessed by coroutine {num}")
        await asyncio.sleep(0.1)
    print(f"Coroutine {num} left; locked: {lock.locked()}")


async def main():
    # Start multiple coroutines that access the same resource
    coroutines = [update_shared_resource(i) for i in range(5)]
    await asyncio.gather(*coroutines)
    print("all done; locked:", lock.locked())


asyncio.run(main())
