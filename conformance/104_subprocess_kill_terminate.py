# Pins Process.kill() and terminate(): a child that would sleep for 30 s is ended by SIGKILL, then another by
# SIGTERM; wait() returns the negated signal number, which returncode then holds. The child is this interpreter
# (the TypeScript twin runs node with an equivalent program).
import asyncio
import sys

SLEEPER = "import time; time.sleep(30)"


async def main():
    for how in ("kill", "terminate"):
        proc = await asyncio.create_subprocess_exec(sys.executable, "-c", SLEEPER)
        print(how, "returncode before:", proc.returncode)
        getattr(proc, how)()
        rc = await proc.wait()
        print(how, "wait():", rc, "returncode:", proc.returncode)


asyncio.run(main())
