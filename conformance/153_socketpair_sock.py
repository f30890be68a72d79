# Pins the asyncio docs' two "register an open socket to wait for data" examples: a socket pair, one end given to
# open_connection(sock=...) (streams) and then to create_connection(sock=...) (a protocol); the other end sends
# 'abc' from a call_soon() callback. The protocol closes its transport on the data; connection_lost() resolves the
# future. Python's socket.socketpair() is asyncio.socketpair() (a coroutine) in asyncio-ts.
import asyncio
import socket


async def wait_for_data_streams():
    loop = asyncio.get_running_loop()
    rsock, wsock = socket.socketpair()
    reader, writer = await asyncio.open_connection(sock=rsock)
    print("peername:", repr(writer.get_extra_info("peername")))
    loop.call_soon(wsock.send, "abc".encode())
    data = await reader.read(100)
    print("Received:", data.decode())
    writer.close()
    await writer.wait_closed()
    wsock.close()


class MyProtocol(asyncio.Protocol):
    transport = None

    def __init__(self, on_con_lost):
        self.on_con_lost = on_con_lost

    def connection_made(self, transport):
        print("connection made")
        self.transport = transport

    def data_received(self, data):
        print("Received:", data.decode())
        self.transport.close()

    def connection_lost(self, exc):
        print("connection lost", exc)
        self.on_con_lost.set_result(True)


async def wait_for_data_protocol():
    loop = asyncio.get_running_loop()
    on_con_lost = loop.create_future()
    rsock, wsock = socket.socketpair()
    transport, protocol = await loop.create_connection(lambda: MyProtocol(on_con_lost), sock=rsock)
    print("protocol transport is transport:", protocol.transport is transport)
    loop.call_soon(wsock.send, "abc".encode())
    try:
        await protocol.on_con_lost
    finally:
        transport.close()
        wsock.close()
    print("closing:", transport.is_closing())


asyncio.run(wait_for_data_streams())
asyncio.run(wait_for_data_protocol())
