# Pins issue 8 for streams: wait_for(open_connection(...), 0) never connects; create_task(open_connection(...))
# against start_server() on port 0 runs the connect in a task of its own; wait_for(reader.readline(), 0) and
# wait_for(reader.readexactly(3), 0) read nothing, so the next readline() or readexactly() still returns the data,
# whether it is already buffered or not; wait_for(reader.readline(), 0.01) with nothing coming times out and a
# later readline() gets the line sent afterwards.
import asyncio


async def main():
    handled = []

    async def handle(reader, writer):
        handled.append(len(handled) + 1)
        writer.write(b"first\nsecond\n")
        await writer.drain()
        print("server got:", await reader.readline())
        writer.write(b"third\nABCDEF")
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        try:
            await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 0)
        except TimeoutError as exc:
            print("wait_for(open_connection(...), 0):", type(exc).__name__)

        task = asyncio.create_task(asyncio.open_connection("127.0.0.1", port))
        print("coroutine:", asyncio.iscoroutine(task.get_coro()), "done before its first step:", task.done())
        reader, writer = await task
        print("task result:", type(reader).__name__, type(writer).__name__)
        print("connected to the server's port:", writer.get_extra_info("peername")[1] == port)

        try:
            await asyncio.wait_for(reader.readline(), 0)
        except TimeoutError:
            print("wait_for(reader.readline(), 0) timed out")
        print("readline():", await reader.readline())
        try:
            await asyncio.wait_for(reader.readline(), 0)
        except TimeoutError:
            print("wait_for(reader.readline(), 0) timed out with a line buffered")
        print("readline():", await reader.readline())
        try:
            await asyncio.wait_for(reader.readline(), 0.01)
        except TimeoutError:
            print("wait_for(reader.readline(), 0.01) timed out; at_eof:", reader.at_eof())

        writer.write(b"more\n")
        print("readline():", await reader.readline())
        try:
            await asyncio.wait_for(reader.readexactly(3), 0)
        except TimeoutError:
            print("wait_for(reader.readexactly(3), 0) timed out")
        print("readexactly(3):", await reader.readexactly(3))
        print("read():", await reader.read())
        print("readline() at EOF:", await reader.readline(), reader.at_eof())
        writer.close()
        await writer.wait_closed()
        print("connections handled:", handled)


asyncio.run(main())
