# Pins reference §2.9 item 76: join() waits until task_done() was called once per put(), not per get(); join() on
# a queue with nothing unfinished returns at once; a put after join started extends the wait; one task_done() too
# many is a ValueError.
import asyncio


async def joiner(q, name):
    await q.join()
    print(name, "joined")


async def main():
    q = asyncio.Queue()
    await q.join()
    print("join on a new queue returned at once")
    for i in range(3):
        q.put_nowait(i)
    print("three puts:", q)
    print("got all:", [q.get_nowait() for _ in range(3)], q)
    j = asyncio.create_task(joiner(q, "j"))
    await asyncio.sleep(0)
    print("empty but unfinished; joined:", j.done())
    q.task_done()
    q.task_done()
    await asyncio.sleep(0)
    print("two task_done; joined:", j.done(), q)
    q.put_nowait(3)
    q.task_done()
    await asyncio.sleep(0)
    print("one more put, one more task_done; joined:", j.done(), q)
    q.get_nowait()
    q.task_done()
    print("last task_done, before the joiner runs:", j.done(), q)
    await j
    try:
        q.task_done()
    except ValueError as exc:
        print("extra task_done:", type(exc).__name__, exc)

    q = asyncio.Queue()

    async def worker(name):
        while True:
            item = await q.get()
            await asyncio.sleep(item)
            print(name, "processed", item)
            q.task_done()

    for item in (0.45, 0.1, 0.15, 0.05):
        q.put_nowait(item)
    workers = [asyncio.create_task(worker(f"w{i}")) for i in range(2)]
    await q.join()
    print("all processed:", q)
    for w in workers:
        w.cancel()
    print(await asyncio.gather(*workers, return_exceptions=True))


asyncio.run(main())
