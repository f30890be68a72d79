# conformance: system-python
# ping(): the pong waiter completes with the latency when the matching pong comes back; several
# pings in flight are all answered; ping() on a closed connection raises ConnectionClosedOK.
import asyncio
import websockets


async def echo(websocket):
    async for message in websocket:
        await websocket.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0, ping_interval=None) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with websockets.connect(uri, ping_interval=None) as websocket:
            pong_waiter = await websocket.ping()
            latency = await pong_waiter
            print("latency is a number >= 0:", isinstance(latency, float) and latency >= 0)
            waiters = [await websocket.ping(f"ping {i}") for i in range(3)]
            latencies = await asyncio.gather(*waiters)
            print("three pongs:", len(latencies), all(lat >= 0 for lat in latencies))
            await websocket.send("still open")
            print(await websocket.recv())
        try:
            await websocket.ping()
        except websockets.ConnectionClosedOK as exc:
            print(type(exc).__name__, exc)


asyncio.run(main())
