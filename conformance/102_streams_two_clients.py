# Pins a streams server serving two clients at once: both connections stay open while the clients take turns
# (each step awaits the server's reply, so the order is fixed); the handler echoes each line upper-cased and counts
# the open connections; write_eof() from a client ends its handler's readline loop.
import asyncio

active = 0


async def handle(reader, writer):
    global active
    active += 1
    while line := await reader.readline():
        print("server got", line, "active:", active)
        writer.write(line.upper())
        await writer.drain()
    active -= 1
    print("server saw EOF, active:", active)
    writer.close()
    await writer.wait_closed()


async def step(name, reader, writer, text):
    writer.write(text)
    await writer.drain()
    print(name, "got", await reader.readline())


async def finish(name, reader, writer):
    writer.write_eof()
    print(name, "read at EOF:", await reader.read(), reader.at_eof())
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        a = await asyncio.open_connection("127.0.0.1", port)
        b = await asyncio.open_connection("127.0.0.1", port)
        await step("A", *a, b"a1\n")
        await step("B", *b, b"b1\n")
        await step("A", *a, b"a2\n")
        await step("B", *b, b"b2\n")
        await finish("B", *b)
        await step("A", *a, b"a3\n")
        await finish("A", *a)
    await server.wait_closed()
    print("active at the end:", active)


asyncio.run(main())
