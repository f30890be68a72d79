# conformance: system-python
# raise_for_status: a response's ok, status and reason; raise_for_status() raising ClientResponseError with the
# status, the reason as message, the headers and the request_info; a session made with raise_for_status=True
# raising for every response of 400 or more, and a request overriding it. Local aiohttp.web server on
# 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def ok(request):
        return web.Response(text="fine")

    async def missing(request):
        return web.Response(status=404, text="no such page", headers={"X-Reason": "gone"})

    async def broken(request):
        return web.Response(status=500, reason="Broken Thing", text="oops")

    app = web.Application()
    app.router.add_get("/ok", ok)
    app.router.add_get("/missing", missing)
    app.router.add_post("/broken", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession() as session:
        for path in ["/ok", "/missing"]:
            async with session.get(base + path) as resp:
                print(path, resp.ok, resp.status, resp.reason, await resp.text())
                try:
                    resp.raise_for_status()
                    print("  raise_for_status(): nothing raised")
                except aiohttp.ClientResponseError as exc:
                    print("  raised", type(exc).__name__, exc.status, repr(exc.message), exc.headers["X-Reason"])
                    print("  request_info:", exc.request_info.method, exc.request_info.url.path)
        try:
            await session.post(base + "/broken", raise_for_status=True)
        except aiohttp.ClientResponseError as exc:
            print("request raise_for_status=True:", exc.status, exc.message)

    async with aiohttp.ClientSession(raise_for_status=True) as session:
        async with session.get(base + "/ok") as resp:
            print("session raise_for_status, /ok:", resp.status)
        try:
            async with session.get(base + "/missing") as resp:
                print("not reached")
        except aiohttp.ClientResponseError as exc:
            print("session raise_for_status, /missing:", type(exc).__name__, exc.status, exc.message)
        async with session.get(base + "/missing", raise_for_status=False) as resp:
            print("overridden per request:", resp.status, await resp.text())
    await runner.cleanup()


asyncio.run(main())
