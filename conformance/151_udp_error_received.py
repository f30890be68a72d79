# Pins DatagramProtocol.error_received on a connected endpoint: the port it is connected to was just closed, so the
# ICMP "port unreachable" each datagram draws comes back as ECONNREFUSED through error_received() (twice: the
# transport stays open); a datagram over 65,507 bytes gets EMSGSIZE there too; sendto() with another address is
# refused with CPython's ValueError; close() then reports connection_lost(None). Bounded by a 5 s timeout.
import asyncio
import errno


class Probe(asyncio.DatagramProtocol):
    def __init__(self, lost):
        self.lost = lost

    def connection_lost(self, exc):
        self.lost.set_result(exc)


class Client(asyncio.DatagramProtocol):
    def __init__(self, loop):
        self.loop = loop
        self.errors = asyncio.Queue()
        self.lost = loop.create_future()

    def connection_made(self, transport):
        print("connection made")

    def datagram_received(self, data, addr):
        print("unexpected datagram", data)

    def error_received(self, exc):
        self.errors.put_nowait(exc)

    def connection_lost(self, exc):
        print("connection lost:", exc)
        self.lost.set_result(None)


async def main():
    loop = asyncio.get_running_loop()
    lost = loop.create_future()
    probe, _ = await loop.create_datagram_endpoint(lambda: Probe(lost), local_addr=("127.0.0.1", 0))
    port = probe.get_extra_info("sockname")[1]
    probe.close()
    print("probe closed:", await lost)

    transport, client = await loop.create_datagram_endpoint(lambda: Client(loop), remote_addr=("127.0.0.1", port))
    for n in range(2):
        transport.sendto(b"ping")
        exc = await client.errors.get()
        print(f"error {n}:", errno.errorcode[exc.errno], "closing:", transport.is_closing())

    transport.sendto(b"x" * 65508)
    exc = await client.errors.get()
    print("too large:", errno.errorcode[exc.errno], "closing:", transport.is_closing())

    try:
        transport.sendto(b"ping", ("127.0.0.1", port + 1 if port < 65535 else port - 1))
    except ValueError as e:
        print("ValueError:", str(e).replace(str(port), "PORT"))
    transport.sendto(b"ping", ("127.0.0.1", port))
    exc = await client.errors.get()
    print("same address:", errno.errorcode[exc.errno])

    transport.close()
    await client.lost
    print("errors left:", client.errors.qsize())


async def bounded():
    async with asyncio.timeout(5):
        await main()


asyncio.run(bounded())
