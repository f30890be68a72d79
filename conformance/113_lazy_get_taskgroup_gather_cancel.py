# Pins issue 8 for cancellation through the combinators: a TaskGroup whose sibling fails cancels a child created
# with tg.create_task(q.get()) and the body's own await q.get(): the item put afterwards is still there;
# gather(q.get(), q.get(), ...) cancelled while waiting, right after a put woke one getter, or before the getters
# ever ran, consumes nothing; wait([task], timeout=...) then task.cancel() takes nothing either; shield(q.get())
# cancelled from outside still delivers the item to the shielded get.
import asyncio


async def fail_soon():
    await asyncio.sleep(0.01)
    raise ValueError("sibling failed")


async def main():
    q = asyncio.Queue()
    getter = None
    try:
        async with asyncio.TaskGroup() as tg:
            getter = tg.create_task(q.get())
            tg.create_task(fail_soon())
            try:
                await q.get()
            except asyncio.CancelledError:
                print("body's q.get() cancelled; queue:", q)
                raise
    except ExceptionGroup as eg:
        print("TaskGroup raised:", [repr(e) for e in eg.exceptions])
    print("child getter cancelled:", getter.cancelled(), "queue:", q)
    q.put_nowait("after")
    print("item still there:", q, q.get_nowait())

    g = asyncio.gather(q.get(), q.get(), asyncio.sleep(1))
    await asyncio.sleep(0)
    print("gather waiting:", q)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled; queue:", q)
    q.put_nowait(1)
    print("put afterwards:", q)
    print("get_nowait:", q.get_nowait())

    g = asyncio.gather(q.get(), q.get())
    await asyncio.sleep(0)
    q.put_nowait(2)
    print("put woke a getter:", q)
    g.cancel()
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled after the put; queue:", q)
    print("get_nowait:", q.get_nowait())

    g = asyncio.gather(q.get(), q.get())
    g.cancel()
    q.put_nowait(3)
    try:
        await g
    except asyncio.CancelledError:
        print("gather cancelled before its children ran; queue:", q)
    print("get_nowait:", q.get_nowait())

    t = asyncio.create_task(q.get())
    done, pending = await asyncio.wait([t], timeout=0.01)
    print("wait with timeout:", len(done), "done,", len(pending), "pending;", q)
    t.cancel()
    await asyncio.sleep(0)
    q.put_nowait(4)
    print("task cancelled:", t.cancelled(), q, q.get_nowait())

    inner = asyncio.ensure_future(q.get())
    outer = asyncio.shield(inner)
    await asyncio.sleep(0)
    outer.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("shield cancelled; inner done:", inner.done(), q)
    q.put_nowait(5)
    print("shielded get got:", await inner, q)


asyncio.run(main())
