# Pins reference §2.1 item 2: call_soon(A); call_later(0, B); call_soon(C) runs A, C, B; handles scheduled by A
# run on the next iteration, ready callbacks (E) before due timers (D).
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()

    def A():
        print("A")
        loop.call_later(0, D)
        loop.call_soon(E)

    def B():
        print("B")

    def C():
        print("C")

    def D():
        print("D")
        done.set_result("finished")

    def E():
        print("E")

    loop.call_soon(A)
    loop.call_later(0, B)
    loop.call_soon(C)
    print(await done)


asyncio.run(main())
