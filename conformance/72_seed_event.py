# Pins seed 002 (Event): a waiter blocks on an Event until a setter, gathered after it, sets it.
import asyncio

event = asyncio.Event()


async def waiter():
    print("Waiting for the event")
    await event.wait()
    print("Continuing after the event is set")


async def setter():
    await asyncio.sleep(0.2)  # Simulate some processing
    print("Setting the event")
    event.set()
    print("event set; is_set:", event.is_set())


async def main():
    await asyncio.gather(waiter(), setter())


asyncio.run(main())
