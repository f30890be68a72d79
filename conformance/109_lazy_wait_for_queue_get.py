# Pins issue 8's first example: wait_for(q.get(), 0) and wait_for(q.get(), -1) never start q.get(), so no getter
# is left behind and a consumer task started afterwards gets the item; on a non-empty queue wait_for(q.get(), 0)
# times out too and takes nothing. A sibling task polling with wait_for(q.get(), 0.01) inside gather() with two
# producers loses no item: every item put is got exactly once, in order.
import asyncio


async def main():
    q = asyncio.Queue()
    for timeout in (0, -1):
        try:
            await asyncio.wait_for(q.get(), timeout)
        except TimeoutError as exc:
            print(f"wait_for(q.get(), {timeout}):", type(exc).__name__, "queue:", q)
    consumer = asyncio.create_task(q.get())
    await asyncio.sleep(0.01)
    print("consumer waiting:", q)
    q.put_nowait("item")
    print("consumer got:", await asyncio.wait_for(consumer, 0.5), "queue:", q)

    q.put_nowait("kept")
    try:
        await asyncio.wait_for(q.get(), 0)
    except TimeoutError:
        print("non-empty queue, wait_for(q.get(), 0) timed out; queue:", q)
    print("get_nowait:", q.get_nowait())

    q = asyncio.Queue()
    got = []

    async def poller(n):
        timeouts = 0
        while len(got) < n:
            try:
                got.append(await asyncio.wait_for(q.get(), 0.01))
            except TimeoutError:
                timeouts += 1
        print("poller done; timed out at least once:", timeouts > 0)

    async def producer(name, count, pause):
        for i in range(count):
            await asyncio.sleep(pause)
            q.put_nowait(f"{name}{i}")
        print(f"producer {name} done")

    await asyncio.gather(poller(10), producer("a", 5, 0.01), producer("b", 5, 0.03))
    print("got:", sorted(got))
    print("a in order:", [x for x in got if x[0] == "a"])
    print("b in order:", [x for x in got if x[0] == "b"])
    print("queue:", q)


asyncio.run(main())
