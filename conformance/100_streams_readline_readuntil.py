# Pins StreamReader.readline() and readuntil() over a socket: a single separator, a tuple of separators (the
# shortest match wins, whatever the order of the tuple), a multi-byte separator, then readuntil() at EOF raising
# IncompleteReadError with what was left, after which the reader is at EOF and readline() returns b''.
import asyncio

PAYLOAD = b"line one\nline two\r\nA;B|C\n--end--"


async def handle(reader, writer):
    writer.write(PAYLOAD)
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print("readline:", await reader.readline())
    print("readuntil CRLF:", await reader.readuntil(b"\r\n"))
    print("readuntil (; |):", await reader.readuntil((b";", b"|")))
    print("readuntil (| ;):", await reader.readuntil((b"|", b";")))
    print("readuntil (--end \\n):", await reader.readuntil((b"--end", b"\n")))
    print("readuntil -:", await reader.readuntil(b"-"))
    print("at_eof before the last read:", reader.at_eof())
    try:
        await reader.readuntil(b"!")
    except asyncio.IncompleteReadError as exc:
        print(type(exc).__name__, exc.partial, exc.expected)
        print("str:", exc)
    print("at_eof:", reader.at_eof())
    print("readline at EOF:", await reader.readline())
    writer.close()
    await writer.wait_closed()
    server.close()
    await server.wait_closed()
    print("done")


asyncio.run(main())
