# conformance: system-python
# broadcast() sends one message to every open connection at once; a connection that closed is
# skipped. The server keeps its own set of connections, as websockets' docs show.
import asyncio
import websockets


async def main():
    connected = set()

    async def handler(websocket):
        connected.add(websocket)
        try:
            await websocket.wait_closed()
        finally:
            connected.remove(websocket)

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        clients = [await websockets.connect(uri) for _ in range(3)]
        while len(connected) < 3:
            await asyncio.sleep(0.01)
        websockets.broadcast(connected, "news 1")
        websockets.broadcast(connected, b"binary news")
        for i, client in enumerate(clients):
            print(i, await client.recv(), await client.recv())
        await clients[0].close()
        while len(connected) > 2:
            await asyncio.sleep(0.01)
        websockets.broadcast(connected, "news 2")
        for i, client in enumerate(clients[1:], 1):
            print(i, await client.recv())
        for client in clients[1:]:
            await client.close()
        print("close codes:", [client.close_code for client in clients])


asyncio.run(main())
