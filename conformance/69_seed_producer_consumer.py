# Pins seed 000 (producer-consumer pattern): a producer puts items on a Queue and sleeps between them, a consumer
# gets each one and marks it done; main awaits the producer, joins the queue and cancels the consumer. random is
# replaced by fixed items and delays.
import asyncio

ITEMS = [3, 7, 0, 10, 5]
DELAYS = [0.15, 0.1, 0.2, 0.1, 0.15]


async def producer(queue, n):
    for i in range(n):
        item = ITEMS[i]
        await queue.put(item)
        print(f"Produced {item}")
        await asyncio.sleep(DELAYS[i])


async def consumer(queue):
    while True:
        item = await queue.get()
        print(f"Consumed {item}")
        queue.task_done()


async def main():
    queue = asyncio.Queue()
    producer_task = asyncio.create_task(producer(queue, 5))
    consumer_task = asyncio.create_task(consumer(queue))
    await producer_task
    await queue.join()
    print("joined; unfinished items:", queue.qsize())
    consumer_task.cancel()
    print("consumer done right after cancel():", consumer_task.done())
    try:
        await consumer_task
    except asyncio.CancelledError:
        print("consumer cancelled:", consumer_task.cancelled())


asyncio.run(main())
