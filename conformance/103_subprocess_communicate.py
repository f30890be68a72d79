# Pins create_subprocess_exec() with pipes and communicate(): the input goes to the child's stdin, which is then
# closed; communicate() returns (stdout, stderr) as bytes, or None for a stream that is not a pipe; returncode is
# None until the child is waited for. The child is this interpreter (the TypeScript twin runs node with an
# equivalent program): it upper-cases its stdin and reports the byte count on stderr.
import asyncio
import sys

UPPER = (
    "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data.upper()); "
    "sys.stderr.buffer.write(b'read %d bytes' % len(data))"
)
HELLO = "print('hi from the child')"


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        UPPER,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    print("returncode before:", proc.returncode)
    stdout, stderr = await proc.communicate(b"hello\nworld\n")
    print("stdout:", stdout)
    print("stderr:", stderr)
    print("returncode after:", proc.returncode, "wait():", await proc.wait())

    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", HELLO, stdout=asyncio.subprocess.PIPE)
    print("only stdout piped:", await proc.communicate(), proc.returncode)

    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", HELLO, stdout=asyncio.subprocess.PIPE)
    print("readline():", await proc.stdout.readline())
    print("then read():", await proc.stdout.read(), "wait():", await proc.wait())


asyncio.run(main())
