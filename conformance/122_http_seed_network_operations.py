# conformance: system-python
# Seed 003 "Network Operations": fetch() opens a ClientSession, gets a page and returns its text. The seed's
# top-level `await` goes inside main(), and the public URL becomes a path of a server the program starts itself
# on 127.0.0.1 port 0 (aiohttp.web here, node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web

PAGE = "<!doctype html>\n<html>\n<head><title>Example Domain</title></head>\n<body><h1>Example Domain</h1></body>\n</html>"


async def start_server():
    async def page(request):
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def fetch(url):
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as response:
            return await response.text()


async def main():
    runner, base = await start_server()
    html = await fetch(base + "/")
    print(html)
    await runner.cleanup()


asyncio.run(main())
