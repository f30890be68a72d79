# Pins seed 002 (asyncio.wait): FIRST_COMPLETED returns the fastest task; the pending ones are cancelled
# (task(n) sleeps n * 0.1).
import asyncio


async def task(n):
    await asyncio.sleep(n * 0.1)
    return n


async def main():
    tasks = [asyncio.create_task(task(1)), asyncio.create_task(task(2)), asyncio.create_task(task(3))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)

    for d in done:
        print(f"Task completed with result: {d.result()}")

    for p in pending:
        print("Cancelling a pending task")
        p.cancel()


asyncio.run(main())
