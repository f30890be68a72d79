# Pins issue 8 for subprocesses: wait_for(create_subprocess_exec(...), 0) times out without starting anything;
# create_task(create_subprocess_exec(...)) spawns the child in a task of its own; wait_for(x, 0) around
# proc.wait(), proc.stdout.readline() and proc.communicate(input) never starts them, so no input is written, the
# pipe is not closed and nothing is read: the later communicate() sends its own input and gets the whole output.
# The child is this interpreter (the TypeScript twin runs node with an equivalent program): it upper-cases its
# stdin, then writes "bye".
import asyncio
import sys

CHILD = "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data.upper() + b'bye\\n')"


async def main():
    try:
        await asyncio.wait_for(asyncio.create_subprocess_exec(sys.executable, "-c", CHILD), 0)
    except TimeoutError as exc:
        print("wait_for(create_subprocess_exec(...), 0):", type(exc).__name__)

    task = asyncio.create_task(
        asyncio.create_subprocess_exec(
            sys.executable, "-c", CHILD, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
        )
    )
    print("done before its first step:", task.done())
    proc = await task
    print("task result:", type(proc).__name__, "returncode:", proc.returncode)

    for label, aw in [
        ("proc.wait()", proc.wait()),
        ("proc.stdout.readline()", proc.stdout.readline()),
        ("proc.communicate(b'lost\\n')", proc.communicate(b"lost\n")),
    ]:
        try:
            await asyncio.wait_for(aw, 0)
        except TimeoutError:
            print(f"wait_for({label}, 0) timed out; returncode:", proc.returncode)
    try:
        await asyncio.wait_for(proc.wait(), 0.05)
    except TimeoutError:
        print("wait_for(proc.wait(), 0.05) timed out: the child still waits for its stdin")

    stdout, stderr = await proc.communicate(b"hello\n")
    print("communicate():", stdout, stderr, "returncode:", proc.returncode)


asyncio.run(main())
