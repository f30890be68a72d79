"""The CPython 3.13 echo server of bench/echo.bench.ts (the program bench/_echo-server.ts ports).

python3 bench/py/echo_server.py SIZE: prints `READY <port>`, serves until its stdin ends.
"""

import asyncio
import sys

from _proc import serve

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


asyncio.run(serve(handle))
