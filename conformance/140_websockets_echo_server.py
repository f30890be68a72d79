# conformance: system-python
# Seed 001's websockets echo server, adapted as the pairs' rule says: echo(websocket, path) takes one
# argument; run_forever() becomes serving until the program's last client is done; the program
# serves on 127.0.0.1, port 0, and connects its own client. Text comes back as str, bytes as bytes.
import asyncio
import websockets


async def echo(websocket):
    async for message in websocket:
        print(f"Received: {message}")
        await websocket.send(f"Echo: {message}")


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        async with websockets.connect(f"ws://127.0.0.1:{port}") as websocket:
            for text in ["Hello", "World", "asyncio"]:
                await websocket.send(text)
                print(await websocket.recv())
            await websocket.send(b"\x00\x01bytes")
            print(await websocket.recv())
        print("client done")
    print("server closed")


asyncio.run(main())
