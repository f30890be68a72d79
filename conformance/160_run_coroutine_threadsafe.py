# run_coroutine_threadsafe into the loop of another thread (the asyncio docs' "Scheduling From
# Other Threads"): a threading.Thread runs a loop of its own; the main thread submits coroutines
# to it and waits for the concurrent Future with result(timeout) (blocking) or, from its own loop,
# with wrap_future. Cancellation crosses both ways, an error crosses with its type and message, the
# worker's coroutine calls back into the main thread's loop, and call_soon_threadsafe runs a
# callback there. What runs on the worker's loop is logged there and read back by the main
# thread, so the output does not depend on how the threads' prints interleave.
import asyncio
import concurrent.futures
import threading

log = []


async def add(a, b):
    await asyncio.sleep(0.01)
    return a + b


async def fail(message):
    await asyncio.sleep(0)
    raise ValueError(message)


async def sleep_long(tag):
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        log.append(f"{tag} cancelled")
        raise


async def cancel_self():
    asyncio.current_task().cancel()
    await asyncio.sleep(0)


async def read_log():
    await asyncio.sleep(0.05)
    entries = list(log)
    log.clear()
    return entries


def record(entry):
    log.append(entry)


async def call_back(main_loop, a, b):
    # On the worker's loop: run add() on the main thread's loop and wait from this loop.
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(add(a, b), main_loop))


def start_loop_thread():
    ready = threading.Event()
    holder = {}

    def run():
        loop = asyncio.new_event_loop()
        holder["loop"] = loop
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait()
    return thread, holder["loop"]


thread, loop = start_loop_thread()

# result(timeout) blocks the main thread until the worker's loop has run the coroutine.
future = asyncio.run_coroutine_threadsafe(add(1, 2), loop)
print("result:", future.result(timeout=5))
print("done:", future.done(), "cancelled:", future.cancelled())

# An error crosses with its type and message.
future = asyncio.run_coroutine_threadsafe(fail("bad input"), loop)
try:
    future.result(timeout=5)
except ValueError as e:
    print("error:", type(e).__name__, e)

# result(timeout) expires: TimeoutError; cancelling the future then cancels the task.
future = asyncio.run_coroutine_threadsafe(sleep_long("blocked"), loop)
try:
    future.result(timeout=0.05)
except TimeoutError:
    print("timed out, done:", future.done())
print("cancel:", future.cancel(), "cancelled:", future.cancelled())
print("worker log:", asyncio.run_coroutine_threadsafe(read_log(), loop).result(timeout=5))

# A task cancelled on its own loop cancels the future.
future = asyncio.run_coroutine_threadsafe(cancel_self(), loop)
try:
    future.result(timeout=5)
except concurrent.futures.CancelledError:
    print("cancelled on its loop:", future.cancelled())

# call_soon_threadsafe runs a callback on the worker's loop.
loop.call_soon_threadsafe(record, "callback ran")
print("worker log:", asyncio.run_coroutine_threadsafe(read_log(), loop).result(timeout=5))


async def main():
    main_loop = asyncio.get_running_loop()
    # Awaited from this thread's loop.
    print("awaited:", await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(add(2, 3), loop)))
    # The worker's coroutine calls back into this loop.
    print("call back:", await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(call_back(main_loop, 3, 4), loop)))
    # Cancelling the task that awaits the future cancels the task on the worker's loop.
    async def remote_sleep():
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(sleep_long("awaited"), loop))

    task = asyncio.create_task(remote_sleep())
    await asyncio.sleep(0.05)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("awaiting task cancelled:", task.cancelled())
    print("worker log:", await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(read_log(), loop)))


try:
    asyncio.run(main())
finally:
    loop.call_soon_threadsafe(loop.stop)
    thread.join()
print("thread ended:", not thread.is_alive(), "loop closed:", loop.is_closed())
