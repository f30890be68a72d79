# conformance: system-python
# Seed 000 "Concurrent Web Requests": fetch() opens a ClientSession per URL, and four fetches run as tasks
# gathered in order. Adapted as every network pair is: the public URLs become paths of a server the program
# starts itself on 127.0.0.1 port 0 (aiohttp.web here, node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web

PAGES = {
    "/google": "<html><title>Google</title></html>",
    "/example": "<html><title>Example Domain</title></html>",
    "/python": "<html><title>Welcome to Python.org</title></html>",
    "/github": "<html><title>GitHub</title></html>",
}


async def start_server():
    async def page(request):
        return web.Response(text=PAGES[request.path], content_type="text/html")

    app = web.Application()
    app.router.add_get("/{name}", page)
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
    urls = [
        base + "/google",
        base + "/example",
        base + "/python",
        base + "/github",
    ]
    tasks = [asyncio.create_task(fetch(url)) for url in urls]
    results = await asyncio.gather(*tasks)
    for result in results:
        print(result)
    await runner.cleanup()


asyncio.run(main())
