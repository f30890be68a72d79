# Pins StreamReader.readexactly() over a socket: a full read, then a read longer than what the peer sent before
# closing raises IncompleteReadError carrying the partial bytes and the expected count; readexactly(0) is b'';
# at EOF readexactly(1) raises with an empty partial and read() returns b''.
import asyncio


async def handle(reader, writer):
    writer.write(b"abcdefgh")
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print("readexactly(3):", await reader.readexactly(3))
    for n in (10, 0, 1):
        try:
            data = await reader.readexactly(n)
        except asyncio.IncompleteReadError as exc:
            print(f"readexactly({n}):", type(exc).__name__, exc.partial, exc.expected)
            print("  str:", exc)
        else:
            print(f"readexactly({n}):", data)
    print("read():", await reader.read())
    print("at_eof:", reader.at_eof())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("done")


asyncio.run(main())
