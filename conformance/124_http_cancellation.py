# conformance: system-python
# Cancellation reaches the request: cancelling the task awaiting a response, cancelling the task reading a body,
# wait_for() expiring and a failing TaskGroup sibling each close the connection at once, which the server sees
# (its handler learns the client went away), and the pool goes on serving. Local aiohttp.web server on
# 127.0.0.1 port 0 (node:http in the twin).
import asyncio

import aiohttp
from aiohttp import web


async def start_server(started, gone):
    async def until_client_gone(request):
        # aiohttp 3.8's server does not cancel a handler whose client went away: watch the transport.
        while request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(0.005)
        gone.set()

    async def hang(request):
        started.set()
        await until_client_gone(request)
        return web.Response(text="never")

    async def stream(request):
        resp = web.StreamResponse()
        await resp.prepare(request)
        await resp.write(b"first line\n")
        started.set()
        await until_client_gone(request)
        return resp

    async def ok(request):
        return web.Response(text="still serving")

    app = web.Application()
    app.router.add_get("/hang", hang)
    app.router.add_get("/stream", stream)
    app.router.add_get("/ok", ok)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def main():
    started = asyncio.Event()
    gone = asyncio.Event()
    runner, base = await start_server(started, gone)
    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(session.get(base + "/hang"))
        await started.wait()
        print("server: request received")
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            print("client: request cancelled; task.cancelled():", task.cancelled())
        await gone.wait()
        print("server: the client went away")

        started.clear()
        gone.clear()
        resp = await session.get(base + "/stream")
        print("client: head", resp.status, await resp.content.readline())
        await started.wait()
        reader = asyncio.create_task(resp.read())
        await asyncio.sleep(0.01)
        reader.cancel()
        try:
            await reader
        except asyncio.CancelledError:
            print("client: body read cancelled")
        await gone.wait()
        print("server: the client went away mid-body")

        started.clear()
        gone.clear()
        try:
            await asyncio.wait_for(session.get(base + "/hang"), 0.1)
        except asyncio.TimeoutError:
            print("client: wait_for expired")
        await gone.wait()
        print("server: the client went away again")

        started.clear()
        gone.clear()

        async def fail_soon():
            await started.wait()
            raise ValueError("sibling failed")

        try:
            async with asyncio.TaskGroup() as tg:
                tg.create_task(session.get(base + "/hang"))
                tg.create_task(fail_soon())
        except* ValueError as eg:
            print("client: TaskGroup raised", [str(e) for e in eg.exceptions])
        await gone.wait()
        print("server: the TaskGroup's request went away too")

        async with session.get(base + "/ok") as resp:
            print("client: afterwards", await resp.text())
    await runner.cleanup()


asyncio.run(main())
