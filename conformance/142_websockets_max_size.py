# conformance: system-python
# max_size: a message of exactly max_size bytes passes; one byte more fails the connection with
# close code 1009 (message too big) on the side that received it. The side that failed stops
# reading, so it never sees the close frame that answers its own.
import asyncio
import websockets


async def main():
    results = []

    async def handler(websocket):
        try:
            async for message in websocket:
                results.append(("server got", len(message)))
                await websocket.send(str(len(message)))
        except websockets.ConnectionClosedError as exc:
            results.append(("server", type(exc).__name__, exc.sent.code, exc.rcvd))

    async with websockets.serve(handler, "127.0.0.1", 0, max_size=1000) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with websockets.connect(uri) as websocket:
            await websocket.send("x" * 1000)
            print("echoed length:", await websocket.recv())
            await websocket.send(b"y" * 1001)
            try:
                await websocket.recv()
            except websockets.ConnectionClosedError as exc:
                print(type(exc).__name__, "rcvd:", exc.rcvd.code, "sent:", exc.sent.code, exc.rcvd_then_sent)
                print("close_code:", websocket.close_code)
        while len(results) < 2:
            await asyncio.sleep(0.01)
        print(results)

        # The client's own limit: the server sends more than the client accepts.
        async def big(websocket):
            await websocket.send("z" * 50)
            await websocket.wait_closed()

    async with websockets.serve(big, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with websockets.connect(uri, max_size=10) as websocket:
            try:
                await websocket.recv()
            except websockets.ConnectionClosedError as exc:
                print("client limit:", type(exc).__name__, "sent:", exc.sent.code, "rcvd:", exc.rcvd)


asyncio.run(main())
