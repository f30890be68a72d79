"""Twin of bench/bulk.bench.ts: both ends CPython 3.13 asyncio (bench/py/bulk_peer.py), each in a
process of its own; n MiB in 64 KiB writes."""

import atexit

from _harness import main
from _proc import python_service

MIB = 1024 * 1024
CHUNK = 64 * 1024

receiver = python_service("bulk_peer.py", "recv")
sender = python_service("bulk_peer.py", "send")
atexit.register(sender.stop)
atexit.register(receiver.stop)


def contender(n):
    r0, s0 = receiver.cpu_ms(), sender.cpu_ms()
    ms = float(sender.request(f"run {receiver.info} {n * MIB} {CHUNK}"))
    r1, s1 = receiver.cpu_ms(), sender.cpu_ms()
    if None in (r0, s0, r1, s1):
        return {"time": ms}
    return {"time": ms, "cpu": r1 - r0 + s1 - s0, "recvCpu": r1 - r0}


main(contender)
