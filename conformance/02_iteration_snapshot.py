# Pins reference §2.1 item 1: an iteration runs only the handles ready when it began; a self-rescheduling
# call_soon chain cannot starve a due timer, and callbacks added during an iteration run on the next one.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    iteration = 0

    def tick():
        nonlocal iteration
        iteration += 1
        print("tick", iteration)
        if iteration < 4:
            loop.call_soon(tick)
        else:
            done.set_result(None)

    def a():
        print(f"a (iteration {iteration}) schedules c")
        loop.call_soon(c)

    def b():
        print(f"b (iteration {iteration})")

    def c():
        print(f"c (iteration {iteration})")

    def timer():
        print(f"timer (iteration {iteration})")

    loop.call_soon(tick)
    loop.call_soon(a)
    loop.call_later(0, timer)
    loop.call_soon(b)
    await done
    print("main resumed after iteration", iteration)


asyncio.run(main())
