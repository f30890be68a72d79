# conformance: system-python
# Close codes, server side first: the handler closes with a code and a reason; the client's recv()
# raises ConnectionClosedOK (1000, 1001) or ConnectionClosedError (others), with the close frames
# received and sent (rcvd, sent, rcvd_then_sent) and websockets' message. Then the client closes
# and the server's async iteration ends normally, with the code and reason it received.
import asyncio
import websockets


async def main():
    seen = []

    async def handler(websocket):
        path_message = await websocket.recv()
        code, _, reason = path_message.partition(" ")
        if code == "client":
            async for message in websocket:
                seen.append(message)
            seen.append(("server saw", websocket.close_code, websocket.close_reason))
            return
        await websocket.close(int(code), reason)

    async with websockets.serve(handler, "127.0.0.1", 0) as server:
        uri = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        for code, reason in [(1000, ""), (1001, "shutting down"), (1008, "policy"), (4000, "custom"), (3001, "")]:
            async with websockets.connect(uri) as websocket:
                await websocket.send(f"{code} {reason}")
                try:
                    await websocket.recv()
                except websockets.ConnectionClosed as exc:
                    print(type(exc).__name__, isinstance(exc, websockets.ConnectionClosed))
                    print("  rcvd:", exc.rcvd.code, repr(exc.rcvd.reason), "sent:", exc.sent.code, repr(exc.sent.reason))
                    print("  rcvd_then_sent:", exc.rcvd_then_sent)
                    print("  str:", exc)
                    print("  close_code:", websocket.close_code, "close_reason:", repr(websocket.close_reason))
        async with websockets.connect(uri) as websocket:
            await websocket.send("client")
            await websocket.send("one")
            await websocket.send("two")
            await websocket.close(1000, "bye")
            print("client close_code:", websocket.close_code, repr(websocket.close_reason))
        while len(seen) < 3:
            await asyncio.sleep(0.01)
    print(seen)


asyncio.run(main())
