"""The CPython 3.13 ends of bench/bulk.bench.ts (what bench/_bulk-peer.ts ports), each run as a
process of its own: `recv` (a server: read(65536) until EOF, answer the byte count) or `send`
(request `run PORT BYTES CHUNK`: write + await drain() per chunk, write_eof, read the count;
answer the ms from connect to the count). READY/OK lines as in bench/_proc.ts."""

import asyncio
import sys
import time

from _proc import serve


async def receive(reader, writer):
    total = 0
    while True:
        data = await reader.read(65536)
        if not data:
            break
        total += len(data)
    writer.write(str(total).encode())
    await writer.drain()
    writer.close()
    await writer.wait_closed()


async def send(port, nbytes, chunk_size):
    chunk = b"a" * chunk_size
    t0 = time.perf_counter_ns()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    sent = 0
    while sent < nbytes:
        writer.write(chunk)
        await writer.drain()
        sent += chunk_size
    writer.write_eof()
    answer = await reader.read()
    ms = (time.perf_counter_ns() - t0) / 1e6
    writer.close()
    await writer.wait_closed()
    assert int(answer) == nbytes, (answer, nbytes)
    return ms


if sys.argv[1] == "recv":
    asyncio.run(serve(receive))
else:
    print("READY sender", flush=True)
    for line in sys.stdin:
        cmd, port, nbytes, chunk = line.split()
        print(f"OK {asyncio.run(send(int(port), int(nbytes), int(chunk)))}", flush=True)
