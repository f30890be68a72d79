# Pins a child's own exit code: a child that prints a line and exits with status 3 gives returncode 3 from wait()
# (its stdout sent to DEVNULL), and communicate() still returns what it printed. The child is this interpreter
# (the TypeScript twin runs node with an equivalent program).
import asyncio
import sys

EXIT3 = "import sys; print('exiting with 3'); sys.exit(3)"


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", EXIT3, stdout=asyncio.subprocess.DEVNULL
    )
    print("wait():", await proc.wait(), "returncode:", proc.returncode)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", EXIT3, stdout=asyncio.subprocess.PIPE)
    stdout, stderr = await proc.communicate()
    print("communicate():", stdout, stderr, "returncode:", proc.returncode)


asyncio.run(main())
