"""The Python side of bench/_proc.ts: start a helper process (a server or the shared Node client),
wait for its `READY <info>` line, send it request lines and read `OK <answer>` lines; and, for a
Python helper process, `serve()`: the other end of that protocol."""

import asyncio
import os
import shutil
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def node():
    local = os.path.join(ROOT, "node_modules", ".bin", "node")
    return local if os.path.exists(local) else shutil.which("node") or "node"


class Service:
    def __init__(self, argv):
        self.proc = subprocess.Popen(
            argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
        )
        for line in self.proc.stdout:
            if line.startswith("READY"):
                self.info = line[len("READY") :].strip()
                break
        else:
            raise RuntimeError(f"{argv} exited before READY")

    def request(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer.startswith("OK"):
            raise RuntimeError(f"{answer.strip() or 'no answer'}")
        return answer[2:].strip()

    def cpu_ms(self):
        """User + system CPU time of the process so far, in ms (Linux /proc; None elsewhere)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().split(") ", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self):
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def python_service(script, *args):
    return Service([sys.executable, os.path.join(HERE, script), *map(str, args)])


def node_service(script, *args):
    return Service([node(), os.path.join(ROOT, "bench", script), *map(str, args)])


def _watch_stdin():
    for _ in sys.stdin:
        print("OK", flush=True)
    os._exit(0)


async def serve(handler):
    """Serve `handler` on 127.0.0.1 (a free port), print `READY <port>`, answer each request line
    with `OK`, and exit once stdin ends (the parent is done)."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    threading.Thread(target=_watch_stdin, daemon=True).start()
    await server.serve_forever()
