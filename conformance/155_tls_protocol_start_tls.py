# Pins TLS on the protocol loop methods: a TLS echo (loop.create_server and loop.create_connection with ssl=, the
# client's connection_made after the handshake, the TLS transport's extra info and its missing half-close), a
# STARTTLS exchange (plain lines, then loop.start_tls on both sides), a handshake timeout against a peer that never
# answers, and start_tls's argument errors. A self-signed certificate for 127.0.0.1 is made with the openssl CLI in
# a temporary directory. Events of the two sides are recorded and printed in a fixed order, since which side
# finishes its handshake first is up to TLS.
import asyncio
import os
import shutil
import ssl
import subprocess
import tempfile

HOST = "127.0.0.1"


def make_certificate(directory):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", "key.pem", "-out", "cert.pem"],
        cwd=directory, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    return os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")


class Side(asyncio.Protocol):
    """Records its calls; resolves `got` when `want` bytes have arrived, `lost` on connection_lost."""

    def __init__(self, name, echo=False):
        self.name = name
        self.echo = echo
        self.events = []
        self.data = b""
        self.transport = None
        loop = asyncio.get_running_loop()
        self.got = loop.create_future()
        self.want = None
        self.lost = loop.create_future()

    def connection_made(self, transport):
        self.events.append("connection_made")
        self.transport = transport

    def data_received(self, data):
        self.events.append(f"data_received {data!r}")
        self.data += data
        if self.echo:
            self.transport.write(b"echo: " + data)
        if self.want is not None and self.data.endswith(self.want) and not self.got.done():
            self.got.set_result(self.data)

    def eof_received(self):
        self.events.append("eof_received")

    def connection_lost(self, exc):
        self.events.append(f"connection_lost {exc!r}")
        self.lost.set_result(None)


class StartTlsServer(Side):
    def __init__(self, server_ctx):
        super().__init__("server")
        self.server_ctx = server_ctx
        self.upgraded = asyncio.get_running_loop().create_future()

    def data_received(self, data):
        if self.upgraded.done():
            super().data_received(data)
            return
        self.events.append(f"plain {data!r}")
        if data.endswith(b"STARTTLS\n"):
            self.transport.write(b"GO\n")
            asyncio.get_running_loop().create_task(self.upgrade())

    async def upgrade(self):
        loop = asyncio.get_running_loop()
        self.transport = await loop.start_tls(self.transport, self, self.server_ctx, server_side=True)
        self.events.append("upgraded")
        self.echo = True
        self.upgraded.set_result(None)


async def tls_echo(server_ctx, client_ctx):
    print("-- TLS echo")
    loop = asyncio.get_running_loop()
    sides = []

    def factory():
        side = Side("server", echo=True)
        sides.append(side)
        return side

    server = await loop.create_server(factory, HOST, 0, ssl=server_ctx)
    port = server.sockets[0].getsockname()[1]
    transport, client = await loop.create_connection(lambda: Side("client"), HOST, port, ssl=client_ctx)
    print("client events at return:", client.events)
    cipher = transport.get_extra_info("cipher")
    print("cipher: 3 items", len(cipher) == 3, "version TLSv1.2+", cipher[1] in ("TLSv1.2", "TLSv1.3"))
    print("peercert:", transport.get_extra_info("peercert") is not None)
    print("compression:", transport.get_extra_info("compression"))
    print("ssl_object:", transport.get_extra_info("ssl_object") is not None)
    print("sslcontext:", transport.get_extra_info("sslcontext") is not None)
    print("peername:", transport.get_extra_info("peername") == (HOST, port))
    print("can_write_eof:", transport.can_write_eof())
    try:
        transport.write_eof()
    except NotImplementedError as exc:
        print("write_eof:", type(exc).__name__)
    client.want = b"echo: hello"
    transport.write(b"hello")
    print("client got:", await client.got)
    server_side = sides[0]
    print("server peercert:", server_side.transport.get_extra_info("peercert"))
    print("server can_write_eof:", server_side.transport.can_write_eof())
    server_side.transport.close()
    await client.lost
    await server_side.lost
    print("client events:", client.events)
    print("server events:", server_side.events)
    print("client closing:", transport.is_closing())
    server.close()
    await server.wait_closed()


async def starttls(server_ctx, client_ctx):
    print("-- STARTTLS")
    loop = asyncio.get_running_loop()
    sides = []

    def factory():
        side = StartTlsServer(server_ctx)
        sides.append(side)
        return side

    server = await loop.create_server(factory, HOST, 0)
    port = server.sockets[0].getsockname()[1]
    plain, client = await loop.create_connection(lambda: Side("client"), HOST, port)
    print("plain can_write_eof:", plain.can_write_eof(), "ssl_object:", plain.get_extra_info("ssl_object"))
    client.want = b"GO\n"
    plain.write(b"HELLO\nSTARTTLS\n")
    print("client got:", await client.got)
    secure = await loop.start_tls(plain, client, client_ctx, server_hostname=HOST)
    print("new transport:", secure is not plain, "protocol kept:", secure.get_protocol() is client)
    print("secure can_write_eof:", secure.can_write_eof(), "ssl_object:", secure.get_extra_info("ssl_object") is not None)
    server_side = sides[0]
    await server_side.upgraded
    client.got = loop.create_future()
    client.want = b"echo: secret"
    secure.write(b"secret")
    print("client got:", await client.got)
    secure.close()
    await client.lost
    await server_side.lost
    print("client events:", client.events)
    print("server events:", server_side.events)
    server.close()
    await server.wait_closed()


async def handshake_timeout(client_ctx):
    print("-- handshake timeout")
    loop = asyncio.get_running_loop()
    made = []
    server = await loop.create_server(lambda: Side("silent"), HOST, 0)
    port = server.sockets[0].getsockname()[1]

    def factory():
        side = Side("client")
        made.append(side)
        return side

    try:
        await loop.create_connection(factory, HOST, port, ssl=client_ctx, ssl_handshake_timeout=0.1)
    except ConnectionAbortedError as exc:
        print("create_connection:", exc)
    print("protocol events:", [side.events for side in made])
    server.close()
    await server.wait_closed()


async def bad_arguments(client_ctx):
    print("-- start_tls arguments")
    loop = asyncio.get_running_loop()
    udp, proto = await loop.create_datagram_endpoint(asyncio.DatagramProtocol, local_addr=(HOST, 0))
    try:
        await loop.start_tls(udp, proto, client_ctx)
    except TypeError as exc:
        text = str(exc)
        print("datagram transport:", text.startswith("transport <"), text.endswith("> is not supported by start_tls()"))
    udp.close()
    try:
        await loop.start_tls(udp, proto, None)
    except TypeError as exc:
        print("no context:", str(exc).startswith("sslcontext is expected to be an instance of ssl.SSLContext"))
    for kwargs in ({"server_hostname": "x"}, {"ssl_handshake_timeout": 1}, {"ssl_shutdown_timeout": 1}):
        try:
            await loop.create_connection(asyncio.Protocol, HOST, 1, **kwargs)
        except ValueError as exc:
            print("create_connection:", exc)
    try:
        await loop.create_server(asyncio.Protocol, HOST, 0, ssl=True)
    except TypeError as exc:
        print("create_server:", exc)


async def main():
    directory = tempfile.mkdtemp(prefix="asyncio-conformance-")
    try:
        key, cert = make_certificate(directory)
        server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server_ctx.load_cert_chain(cert, key)
        client_ctx = ssl.create_default_context(cafile=cert)
        await tls_echo(server_ctx, client_ctx)
        await starttls(server_ctx, client_ctx)
        await handshake_timeout(client_ctx)
        await bad_arguments(client_ctx)
    finally:
        shutil.rmtree(directory)
    print("done")


asyncio.run(main())
