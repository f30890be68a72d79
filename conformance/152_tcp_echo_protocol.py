# Pins the asyncio docs' TCP echo server protocol and TCP echo client protocol, both in one program: the server
# (loop.create_server) listens on 127.0.0.1 port 0; the client (loop.create_connection) writes one message from
# connection_made(); the server echoes it and closes its transport; the client sees the data, then eof_received()
# (returning None closes it), then connection_lost(None), which resolves its future. The server is then closed.
import asyncio


class EchoServerProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        peername = transport.get_extra_info("peername")
        print("Connection from 127.0.0.1:", peername[0] == "127.0.0.1")
        print("server transport reading:", transport.is_reading(), "can write eof:", transport.can_write_eof())
        print("server limits:", transport.get_write_buffer_limits())
        self.transport = transport

    def data_received(self, data):
        message = data.decode()
        print("Data received: {!r}".format(message))
        print("Send: {!r}".format(message))
        self.transport.write(data)
        print("Close the client socket")
        self.transport.close()
        print("server closing:", self.transport.is_closing())

    def connection_lost(self, exc):
        print("server: connection lost", exc)


class EchoClientProtocol(asyncio.Protocol):
    def __init__(self, message, on_con_lost):
        self.message = message
        self.on_con_lost = on_con_lost

    def connection_made(self, transport):
        transport.write(self.message.encode())
        print("Data sent: {!r}".format(self.message))

    def data_received(self, data):
        print("Data received: {!r}".format(data.decode()))

    def eof_received(self):
        print("client: eof received")

    def connection_lost(self, exc):
        print("The server closed the connection")
        self.on_con_lost.set_result(True)


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(EchoServerProtocol, "127.0.0.1", 0)
    host, port = server.sockets[0].getsockname()
    print("serving on 127.0.0.1:", host == "127.0.0.1", "port > 0:", port > 0, server.is_serving())

    on_con_lost = loop.create_future()
    message = "Hello World!"
    transport, protocol = await loop.create_connection(
        lambda: EchoClientProtocol(message, on_con_lost), "127.0.0.1", port
    )
    print("client peername is the server:", transport.get_extra_info("peername") == ("127.0.0.1", port))
    print("client protocol:", type(protocol).__name__, transport.get_protocol() is protocol)
    try:
        await on_con_lost
    finally:
        transport.close()
    print("client closing:", transport.is_closing())
    server.close()
    await server.wait_closed()
    print("server serving:", server.is_serving())
    print("done")


asyncio.run(main())
