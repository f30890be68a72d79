# conformance: system-python
# Fragmented messages: send() takes an iterable or an async iterable of str (one text message) or
# of bytes (one binary message); the receiver gets the whole message. Fragments of mixed types are
# a TypeError and fail the connection with 1011.
import asyncio
import websockets


server_saw = []


async def echo(websocket):
    try:
        async for message in websocket:
            await websocket.send(message)
    except websockets.ConnectionClosedError as exc:
        server_saw.append((type(exc).__name__, exc.rcvd.code))


async def parts():
    for word in ["async ", "frag", "ments"]:
        await asyncio.sleep(0)
        yield word


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with websockets.connect(uri) as websocket:
            await websocket.send(["Hel", "lo ", "world"])
            print(await websocket.recv())
            await websocket.send([b"\x01\x02", b"\x03"])
            print(await websocket.recv())
            await websocket.send(parts())
            print(await websocket.recv())
            try:
                await websocket.send(["text", b"bytes"])
            except TypeError:
                print("mixed fragments: TypeError")
            try:
                await websocket.recv()
            except websockets.ConnectionClosedError as exc:
                print("client:", type(exc).__name__, exc.sent.code)
        while not server_saw:
            await asyncio.sleep(0.01)
        print("server:", server_saw)


asyncio.run(main())
