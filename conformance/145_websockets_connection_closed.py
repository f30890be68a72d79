# conformance: system-python
# ConnectionClosed after a closing handshake the client starts: the client sent its close frame
# first (rcvd_then_sent False), the server received it first (True); recv(), send() and the
# async iterator all see it; the iterator ends quietly on 1000 and raises on 1011.
import asyncio
import websockets


async def main():
    server_excs = []

    async def handler(websocket):
        try:
            await websocket.recv()
        except websockets.ConnectionClosed as exc:
            server_excs.append(exc)

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        websocket = await websockets.connect(uri)
        await websocket.close(1000, "done")
        for name, call in [("recv", websocket.recv), ("send", lambda: websocket.send("late"))]:
            try:
                await call()
            except websockets.ConnectionClosed as exc:
                print(name, type(exc).__name__, exc, exc.rcvd_then_sent)
        count = 0
        async for _ in websocket:
            count += 1
        print("iteration ended quietly after", count, "messages")
        while not server_excs:
            await asyncio.sleep(0.01)
        exc = server_excs[0]
        print("server:", type(exc).__name__, exc, exc.rcvd_then_sent)

        websocket = await websockets.connect(uri)
        await websocket.close(1011, "broken")
        try:
            async for _ in websocket:
                pass
        except websockets.ConnectionClosedError as exc:
            print("iteration raised", type(exc).__name__, exc.sent.code, exc.rcvd.code)
        while len(server_excs) < 2:
            await asyncio.sleep(0.01)
        print("server:", type(server_excs[1]).__name__, server_excs[1].rcvd.code)


asyncio.run(main())
