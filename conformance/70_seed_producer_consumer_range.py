# Pins seed 001 (queues): the producer announces each item before putting it and sleeps after it; the consumer
# marks every item done; join() returns once the last one is done, then the consumer is cancelled.
import asyncio


async def producer(queue):
    for i in range(5):
        print(f"Producing {i}")
        await queue.put(i)
        await asyncio.sleep(0.1)


async def consumer(queue):
    while True:
        item = await queue.get()
        print(f"Consumed {item}")
        queue.task_done()


async def main():
    queue = asyncio.Queue()
    producer_task = asyncio.create_task(producer(queue))
    consumer_task = asyncio.create_task(consumer(queue))
    await producer_task
    await queue.join()  # Wait until the queue is empty
    consumer_task.cancel()
    await asyncio.sleep(0)
    print("consumer cancelled:", consumer_task.cancelled(), "queue:", queue)


asyncio.run(main())
