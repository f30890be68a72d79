"""Twin of bench/echo.bench.ts: the CPython 3.13 asyncio echo server (bench/py/echo_server.py),
in a process of its own, driven by the same Node client process (bench/_echo-client.ts)."""

import atexit

from _harness import main
from _proc import node_service, python_service

CONNS = 10
SIZE = 1024
WARMUP_ROUNDS = 500

server = python_service("echo_server.py", SIZE)
client = node_service("_echo-client.ts")
atexit.register(server.stop)
atexit.register(client.stop)
client.request(f"run {server.info} {CONNS} {WARMUP_ROUNDS} {SIZE}")


def contender(n):
    cpu0 = server.cpu_ms()
    ms = float(client.request(f"run {server.info} {CONNS} {round(n / CONNS)} {SIZE}"))
    cpu1 = server.cpu_ms()
    return {"time": ms} if cpu0 is None or cpu1 is None else {"time": ms, "cpu": cpu1 - cpu0}


main(contender)
