# Pins reference §2.2 item 19: remove_done_callback(fn) removes every registration of fn and returns the count.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def a(f):
        print("a")

    def b(f):
        print("b")

    def c(f):
        print("c")

    for cb in (a, b, a, c, a):
        fut.add_done_callback(cb)
    print("removed a:", fut.remove_done_callback(a))
    print("removed a again:", fut.remove_done_callback(a))
    print("removed c:", fut.remove_done_callback(c))
    fut.add_done_callback(c)
    fut.add_done_callback(b)
    fut.set_result(None)
    print("removed after done:", fut.remove_done_callback(b))
    await asyncio.sleep(0)
    print("end")


asyncio.run(main())
