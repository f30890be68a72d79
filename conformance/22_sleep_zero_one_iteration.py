# Pins reference §2.4 item 41: sleep(0) yields exactly one loop iteration (a bare yield, no timer): two tasks doing
# sleep(0) interleave with a call_soon chain, and a callback queued by B runs after A's next step.
import asyncio


async def ticker(name, n):
    loop = asyncio.get_running_loop()
    for i in range(n):
        print(name, i)
        if name == "B":
            loop.call_soon(print, "callback queued by B", i)
        await asyncio.sleep(0)
    print(name, "finished")


async def main():
    loop = asyncio.get_running_loop()

    def chain(i):
        print("chain", i)
        if i < 3:
            loop.call_soon(chain, i + 1)

    loop.call_soon(chain, 0)
    a = asyncio.create_task(ticker("A", 3))
    b = asyncio.create_task(ticker("B", 3))
    await a
    print("main: A awaited")
    await b
    print("main: B awaited")


asyncio.run(main())
