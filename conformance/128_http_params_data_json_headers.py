# conformance: system-python
# What a request sends: params (a dict, a list of pairs, added to the URL's own query), data as a dict sent
# form-encoded, data as a str, json; the session's default headers and a request's; and what a response
# gives: headers looked up in any case, a repeated header's values, json() of the server's answer.
# Local aiohttp.web server on 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def echo(request):
        body = await request.read()
        answer = {
            "method": request.method,
            "query": [[k, v] for k, v in request.query.items()],
            "content_type": request.content_type if body else None,
            "body": body.decode(),
            "x_session": request.headers.get("X-Session"),
            "x_request": request.headers.getall("X-Request", []),
        }
        resp = web.json_response(answer)
        resp.headers.add("X-Multi", "one")
        resp.headers.add("X-Multi", "two")
        return resp

    app = web.Application()
    app.router.add_route("*", "/echo", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession(headers={"X-Session": "default"}) as session:
        async with session.get(base + "/echo?a=0", params={"b": "1", "c": "x y"}) as resp:
            print("params dict:", (await resp.json())["query"])
        async with session.get(base + "/echo", params=[("k", "1"), ("k", "2")]) as resp:
            print("params pairs:", (await resp.json())["query"])
        async with session.post(base + "/echo", data={"name": "Ada", "lang": "en"}) as resp:
            echo = await resp.json()
            print("form:", echo["method"], echo["content_type"], echo["body"])
        async with session.put(base + "/echo", data="plain text") as resp:
            echo = await resp.json()
            print("str:", echo["method"], echo["content_type"], echo["body"])
        async with session.patch(base + "/echo", json={"k": [1, 2]}) as resp:
            echo = await resp.json()
            print("json:", echo["method"], echo["content_type"], echo["body"].replace(" ", ""))
        async with session.delete(base + "/echo", headers={"X-Session": "mine", "X-Request": "r"}) as resp:
            echo = await resp.json()
            print("headers sent:", echo["method"], echo["x_session"], echo["x_request"])
            print("content-type:", resp.headers["content-type"], resp.headers["CONTENT-TYPE"] == resp.headers["Content-Type"])
            print("X-Multi:", resp.headers.getall("X-Multi"), "x-multi" in resp.headers, "X-Other" in resp.headers)
            print("content_type, charset:", resp.content_type, resp.charset)
    await runner.cleanup()


asyncio.run(main())
