# Pins the asyncio docs' TCP echo client and server (streams): start_server() on 127.0.0.1 with port 0, a client
# that sends one message with open_connection(), the server handler that echoes it back; each side prints what it
# sends and receives, then closes its writer and waits for it; `async with server` closes the server.
import asyncio


async def handle_echo(reader, writer):
    data = await reader.read(100)
    message = data.decode()
    peer = writer.get_extra_info("peername")
    print("server: peer is 127.0.0.1:", peer[0] == "127.0.0.1")
    print(f"server received {message!r}", data)
    print(f"server sends {message!r}")
    writer.write(data)
    await writer.drain()
    print("server closes the connection")
    writer.close()
    await writer.wait_closed()


async def tcp_echo_client(message, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    print(f"client sends {message!r}")
    writer.write(message.encode())
    await writer.drain()
    data = await reader.read(100)
    print(f"client received {data.decode()!r}", data)
    print("client: at EOF after the echo:", await reader.read(100), reader.at_eof())
    print("client closes the connection")
    writer.close()
    await writer.wait_closed()
    print("client closed:", writer.is_closing())


async def main():
    server = await asyncio.start_server(handle_echo, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()
    print("serving on 127.0.0.1:", host == "127.0.0.1", "port > 0:", port > 0)
    async with server:
        print("serving:", server.is_serving())
        await tcp_echo_client("Hello World!", port)
    print("serving after async with:", server.is_serving())
    await server.wait_closed()
    print("server closed")


asyncio.run(main())
