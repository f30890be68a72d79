# Pins asyncio.BufferedProtocol over a TCP connection (loop.create_server/create_connection on 127.0.0.1 port 0): the
# server's protocol receives into a fixed 4-byte buffer of its own (get_buffer/buffer_updated), the client writes 10
# bytes and write_eof(); eof_received() returning None closes the server's transport, then connection_lost(None).
# Chunking depends on the kernel, so only the total and the buffer bound are printed.
import asyncio


class Collector(asyncio.BufferedProtocol):
    def __init__(self, done):
        self.buf = bytearray(4)
        self.got = bytearray()
        self.max_update = 0
        self.done = done

    def connection_made(self, transport):
        print("server: connection made")

    def get_buffer(self, sizehint):
        return self.buf

    def buffer_updated(self, nbytes):
        self.max_update = max(self.max_update, nbytes)
        self.got += self.buf[:nbytes]

    def eof_received(self):
        print("server: eof received, got", bytes(self.got), "max update <= 4:", self.max_update <= 4)

    def connection_lost(self, exc):
        print("server: connection lost", exc)
        self.done.set_result(bytes(self.got))


async def main():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    server = await loop.create_server(lambda: Collector(done), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    transport, protocol = await loop.create_connection(asyncio.Protocol, "127.0.0.1", port)
    print("client:", type(protocol).__name__, transport.can_write_eof())
    transport.write(b"0123456789")
    transport.write_eof()
    print("result:", await done)
    transport.close()
    server.close()
    await server.wait_closed()
    print("done")


asyncio.run(main())
