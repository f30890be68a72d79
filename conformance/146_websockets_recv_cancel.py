# conformance: system-python
# Cancelling recv() loses no message (websockets documents it for 10.4 and 14): recv() bounded by
# wait_for() times out while nothing comes, a recv() task cancelled while it waits takes nothing,
# and the messages sent afterwards arrive in order, each once.
import asyncio
import websockets


async def handler(websocket):
    async for message in websocket:
        for i in range(int(message)):
            await websocket.send(f"reply {message}.{i}")


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        async with websockets.connect(uri) as websocket:
            try:
                await asyncio.wait_for(websocket.recv(), 0.05)
            except asyncio.TimeoutError:
                print("wait_for(recv(), 0.05) timed out")
            task = asyncio.create_task(websocket.recv())
            await asyncio.sleep(0)
            print("cancel a waiting recv():", task.cancel())
            try:
                await task
            except asyncio.CancelledError:
                print("the task was cancelled")
            await websocket.send("2")
            print(await websocket.recv())
            print(await websocket.recv())
            await websocket.send("3")
            got = []
            for _ in range(10000):
                if len(got) == 3:
                    break
                try:
                    got.append(await asyncio.wait_for(websocket.recv(), 0.01))
                except asyncio.TimeoutError:
                    pass
            print(got)


asyncio.run(main())
