# conformance: system-python
# Timeouts: ClientTimeout(total) bounding the request and then the body read (asyncio's TimeoutError, not a
# ServerTimeoutError), a request's own timeout over the session's, sock_read raising ServerTimeoutError (a
# TimeoutError too) when the body stalls, connect covering the wait for a pool slot, and wait_for() around a
# request and around a body read (aiohttp 3.8 lets a CancelledError out of asyncio.timeout() around a body read:
# that case is in test/http-cancel.test.ts instead). Local aiohttp.web server on 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server():
    async def slow(request):
        await asyncio.sleep(2)
        return web.Response(text="late")

    async def drip(request):
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"first\n")
        await asyncio.sleep(2)
        try:
            await resp.write(b"second\n")
        except ConnectionResetError:
            pass  # the client went away
        return resp

    async def quick(request):
        return web.Response(text="quick")

    app = web.Application()
    app.router.add_get("/slow", slow)
    app.router.add_get("/drip", drip)
    app.router.add_get("/quick", quick)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    runner, base = await start_server()
    async with aiohttp.ClientSession() as session:
        print("default total:", session.timeout.total, "connect:", session.timeout.connect)

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.5)) as session:
        try:
            await session.get(base + "/slow")
        except asyncio.TimeoutError as exc:
            print("total:", type(exc).__name__, isinstance(exc, aiohttp.ServerTimeoutError))
        async with session.get(base + "/drip") as resp:
            print("head in time:", resp.status, await resp.content.readline())
            try:
                await resp.content.readline()
            except asyncio.TimeoutError as exc:
                print("total, reading the body:", type(exc).__name__)
        async with session.get(base + "/slow", timeout=aiohttp.ClientTimeout(total=5)) as resp:
            print("a request's own timeout:", await resp.text())

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(sock_read=0.5)) as session:
        async with session.get(base + "/drip") as resp:
            print("sock_read, first line:", await resp.content.readline())
            try:
                await resp.content.readline()
            except aiohttp.ServerTimeoutError as exc:
                print("sock_read:", type(exc).__name__, exc, isinstance(exc, asyncio.TimeoutError))

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        holder = asyncio.create_task(session.get(base + "/slow"))
        await asyncio.sleep(0.05)
        try:
            await session.get(base + "/quick", timeout=aiohttp.ClientTimeout(connect=0.1))
        except aiohttp.ServerTimeoutError as exc:
            print("connect:", type(exc).__name__, str(exc).startswith("Connection timeout to host"))
        holder.cancel()
        try:
            await holder
        except asyncio.CancelledError:
            print("holder cancelled")
        async with session.get(base + "/quick") as resp:
            print("the slot is free again:", await resp.text())

    async with aiohttp.ClientSession() as session:
        try:
            await asyncio.wait_for(session.get(base + "/slow"), 0.1)
        except asyncio.TimeoutError as exc:
            print("wait_for:", type(exc).__name__)
        async with session.get(base + "/drip") as resp:
            try:
                await asyncio.wait_for(resp.read(), 0.1)
            except asyncio.TimeoutError as exc:
                print("wait_for() around the body:", type(exc).__name__)
    await runner.cleanup()


asyncio.run(main())
