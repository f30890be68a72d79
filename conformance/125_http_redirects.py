# conformance: system-python
# Redirects: a chain of 302s is followed and kept in history; allow_redirects=False returns the 302 itself;
# max_redirects reached raises TooManyRedirects with the history; a 303 turns a POST into a GET, a 307 keeps
# the method and the body. Local aiohttp.web server on 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def chain(request):
        n = int(request.match_info["n"])
        raise web.HTTPFound(f"/r/{n - 1}" if n > 1 else "/done")

    async def done(request):
        return web.Response(text="done")

    async def see_other(request):
        raise web.HTTPSeeOther("/method")

    async def temporary(request):
        raise web.HTTPTemporaryRedirect("/method")

    async def method(request):
        return web.Response(text=f"{request.method} {await request.text()!r}")

    app = web.Application()
    app.router.add_get("/r/{n}", chain)
    app.router.add_get("/done", done)
    app.router.add_post("/see-other", see_other)
    app.router.add_post("/temporary", temporary)
    app.router.add_route("*", "/method", method)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/r/3") as resp:
            print("followed:", resp.status, await resp.text(), resp.url.path)
            print("history:", [(r.status, r.url.path) for r in resp.history])

        async with session.get(base + "/r/1", allow_redirects=False) as resp:
            print("not followed:", resp.status, resp.headers["Location"], resp.history)

        try:
            await session.get(base + "/r/5", max_redirects=3)
        except aiohttp.TooManyRedirects as exc:
            print(type(exc).__name__, isinstance(exc, aiohttp.ClientResponseError), len(exc.history))
            print("history:", [r.url.path for r in exc.history])

        async with session.post(base + "/see-other", data="payload") as resp:
            print("303:", await resp.text(), resp.method, [r.status for r in resp.history])
        async with session.post(base + "/temporary", data="payload") as resp:
            print("307:", await resp.text(), resp.method, [r.status for r in resp.history])
    await runner.cleanup()


asyncio.run(main())
