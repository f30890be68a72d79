# conformance: system-python
# Cookies: the default CookieJar ignores cookies from hosts given as IP addresses; CookieJar(unsafe=True) keeps
# them and sends back those whose path matches; a request's own cookies; DummyCookieJar keeps none. BasicAuth
# per request and per session, and a gzip body decoded on the fly. Local aiohttp.web server on 127.0.0.1 port 0
# (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def set_cookies(request):
        resp = web.Response(text="set")
        resp.set_cookie("session", "abc123")
        resp.set_cookie("theme", "dark")
        resp.set_cookie("scoped", "yes", path="/account")
        return resp

    async def show(request):
        cookies = "; ".join(f"{k}={v}" for k, v in sorted(request.cookies.items()))
        return web.Response(text=cookies or "(none)")

    async def whoami(request):
        auth = request.headers.get("Authorization")
        if auth is None:
            return web.Response(status=401, text="who are you?")
        creds = aiohttp.BasicAuth.decode(auth)
        return web.Response(text=f"{creds.login}:{creds.password}")

    async def packed(request):
        resp = web.Response(text="squeezed " * 20)
        resp.enable_compression(web.ContentCoding.gzip)
        return resp

    app = web.Application()
    app.router.add_get("/set", set_cookies)
    app.router.add_get("/show", show)
    app.router.add_get("/account/show", show)
    app.router.add_get("/whoami", whoami)
    app.router.add_get("/packed", packed)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/set") as resp:
            print("Set-Cookie names:", sorted(resp.cookies))
        print("default jar keeps:", len(session.cookie_jar))
        async with session.get(base + "/show") as resp:
            print("sent back:", await resp.text())

    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(base + "/set") as resp:
            await resp.read()
        print("unsafe jar keeps:", len(jar), sorted(cookie.key for cookie in jar))
        for path in ["/show", "/account/show"]:
            async with session.get(base + path) as resp:
                print(path, "gets:", await resp.text())
        async with session.get(base + "/show", cookies={"extra": "1"}) as resp:
            print("with a request's cookies:", await resp.text())

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        async with session.get(base + "/set") as resp:
            await resp.read()
        print("DummyCookieJar keeps:", len(session.cookie_jar))

    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/whoami") as resp:
            print("no auth:", resp.status, await resp.text())
        async with session.get(base + "/whoami", auth=aiohttp.BasicAuth("ada", "s3cret")) as resp:
            print("BasicAuth:", resp.status, await resp.text())
    async with aiohttp.ClientSession(auth=aiohttp.BasicAuth("grace")) as session:
        async with session.get(base + "/whoami") as resp:
            print("session auth:", await resp.text())
        async with session.get(base + "/packed") as resp:
            text = await resp.text()
            print("gzip:", resp.headers["Content-Encoding"], len(text), text[:18])
    print("encode:", aiohttp.BasicAuth("ada", "s3cret").encode())
    await runner.cleanup()


asyncio.run(main())
