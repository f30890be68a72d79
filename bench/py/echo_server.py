"""The CPython 3.13 echo server of bench/echo.bench.ts (the program bench/_echo-server.ts ports).

python3 bench/py/echo_server.py SIZE: prints `READY <port>`, serves until its stdin ends.
"""

import asyncio
import os
import sys
import threading

SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else 1024


async def handle(reader, writer):
    try:
        while True:
            data = await reader.readexactly(SIZE)
            writer.write(data)
            await writer.drain()
    except asyncio.IncompleteReadError:
        pass
    writer.close()
    await writer.wait_closed()


def watch_stdin():
    for line in sys.stdin:
        print("OK", flush=True)
    os._exit(0)


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"READY {port}", flush=True)
    threading.Thread(target=watch_stdin, daemon=True).start()
    await server.serve_forever()


asyncio.run(main())
