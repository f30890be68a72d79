# conformance: system-python
# Streaming bodies through resp.content: async iteration by line over a body the server writes in parts,
# iter_chunked(n), readline(), readexactly(), read(n), read() to the end, at_eof(), and a large body counted
# chunk by chunk. Local aiohttp.web server on 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def parts(request):
        resp = web.StreamResponse()
        await resp.prepare(request)
        for part in [b"alpha\nbe", b"ta\n", b"gamma\ndelta"]:
            await resp.write(part)
            await asyncio.sleep(0.01)
        await resp.write_eof()
        return resp

    async def digits(request):
        return web.Response(body=b"0123456789")

    async def big(request):
        return web.Response(body=b"x" * 300000)

    app = web.Application()
    app.router.add_get("/parts", parts)
    app.router.add_get("/digits", digits)
    app.router.add_get("/big", big)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/parts") as resp:
            async for line in resp.content:
                print("line:", line)
            print("at_eof:", resp.content.at_eof())

        async with session.get(base + "/digits") as resp:
            print("chunks:", [chunk async for chunk in resp.content.iter_chunked(4)])

        async with session.get(base + "/digits") as resp:
            print("readexactly(3):", await resp.content.readexactly(3))
            print("read(2):", await resp.content.read(2))
            print("readline():", await resp.content.readline())
            print("read():", await resp.content.read())
            try:
                await resp.content.readexactly(1)
            except asyncio.IncompleteReadError as exc:
                print(type(exc).__name__, exc.partial, exc.expected)

        async with session.get(base + "/big") as resp:
            total = 0
            async for chunk in resp.content.iter_chunked(65536):
                total += len(chunk)
            print("big body:", total, "bytes, Content-Length", resp.headers["Content-Length"])
    await runner.cleanup()


asyncio.run(main())
