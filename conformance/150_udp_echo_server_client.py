# Pins the asyncio docs' UDP echo server and UDP echo client (transports and protocols), both in one program: the
# server's endpoint binds 127.0.0.1 with port 0, the client's is connected to it (remote_addr) and sends one
# datagram from connection_made(); the server echoes it with sendto(data, addr); the client closes its transport on
# the echo, and connection_lost() resolves its future; then the server's transport is closed too.
import asyncio


class EchoServerProtocol:
    def connection_made(self, transport):
        print("server: connection made")
        self.transport = transport

    def datagram_received(self, data, addr):
        message = data.decode()
        print("Received %r from %s" % (message, addr[0]))
        print("Send %r to %s" % (message, addr[0]))
        self.transport.sendto(data, addr)

    def connection_lost(self, exc):
        print("server: connection lost", exc)


class EchoClientProtocol:
    def __init__(self, message, on_con_lost):
        self.message = message
        self.on_con_lost = on_con_lost
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        print("Send:", self.message)
        self.transport.sendto(self.message.encode())

    def datagram_received(self, data, addr):
        print("Received:", data.decode())
        print("Close the socket")
        self.transport.close()

    def error_received(self, exc):
        print("Error received:", exc)

    def connection_lost(self, exc):
        print("Connection closed")
        self.on_con_lost.set_result(True)


async def main():
    print("Starting UDP server")
    loop = asyncio.get_running_loop()
    server, _ = await loop.create_datagram_endpoint(EchoServerProtocol, local_addr=("127.0.0.1", 0))
    host, port = server.get_extra_info("sockname")
    print("server on 127.0.0.1:", host == "127.0.0.1", "port > 0:", port > 0)
    print("server peername:", server.get_extra_info("peername"))

    on_con_lost = loop.create_future()
    message = "Hello World!"
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: EchoClientProtocol(message, on_con_lost), remote_addr=("127.0.0.1", port)
    )
    print("client peername is the server:", transport.get_extra_info("peername") == ("127.0.0.1", port))
    print("client protocol:", type(protocol).__name__, protocol.transport is transport)
    try:
        await on_con_lost
    finally:
        transport.close()
    print("client closing:", transport.is_closing())
    server.close()
    print("server closing:", server.is_closing())
    await asyncio.sleep(0)
    print("done")


asyncio.run(main())
