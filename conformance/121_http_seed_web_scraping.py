# conformance: system-python
# Seed 001 "Web Scraping": one ClientSession shared by fetch() coroutines gathered together, printing the first
# 100 characters of each page. The public URLs become paths of a server the program starts itself on 127.0.0.1
# port 0 (aiohttp.web here, node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web

EXAMPLE = (
    "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n\n    <meta charset=\"utf-8\" />\n"
    "</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n</div>\n</body>\n</html>\n"
)
GET = '{\n  "args": {}, \n  "headers": {\n    "Host": "httpbin.org"\n  }, \n  "url": "https://httpbin.org/get"\n}\n'


async def start_server():
    async def example(request):
        return web.Response(text=EXAMPLE, content_type="text/html")

    async def get(request):
        return web.Response(text=GET, content_type="application/json")

    app = web.Application()
    app.router.add_get("/example", example)
    app.router.add_get("/get", get)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def fetch(session, url):
    async with session.get(url) as response:
        return await response.text()


async def main():
    runner, base = await start_server()
    urls = [base + "/example", base + "/get"]
    async with aiohttp.ClientSession() as session:
        tasks = [fetch(session, url) for url in urls]
        results = await asyncio.gather(*tasks)
        for result in results:
            print(result[:100])  # Print first 100 characters
    await runner.cleanup()


asyncio.run(main())
