# Pins loop.connect_read_pipe() on the read end of a pipe: a child process's stdout (subprocess.Popen with
# stdout=PIPE; the child writes two lines, 50 ms apart). The protocol gets connection_made(), the data (chunking
# depends on the kernel, so only the whole is printed), eof_received() (its return value is ignored by a pipe), then
# connection_lost(None); data is held while reading is paused. Then the bad pipe: a regular file's descriptor.
import asyncio
import os
import subprocess
import tempfile


class Reader(asyncio.Protocol):
    def __init__(self, done):
        self.done = done
        self.data = bytearray()

    def connection_made(self, transport):
        print("connection made: a ReadTransport:", isinstance(transport, asyncio.ReadTransport))
        print("reading:", transport.is_reading(), "closing:", transport.is_closing())

    def data_received(self, data):
        self.data += data

    def eof_received(self):
        print("eof received, data:", bytes(self.data))
        return True

    def connection_lost(self, exc):
        print("connection lost", exc)
        self.done.set_result(bytes(self.data))


async def main():
    loop = asyncio.get_running_loop()
    proc = subprocess.Popen(["sh", "-c", "echo hello; sleep 0.05; echo world"], stdout=subprocess.PIPE)
    done = loop.create_future()
    transport, protocol = await loop.connect_read_pipe(lambda: Reader(done), proc.stdout)
    print("pipe is the child's stdout:", transport.get_extra_info("pipe") is proc.stdout)
    print("protocol:", type(protocol).__name__, transport.get_protocol() is protocol)
    transport.pause_reading()
    print("paused, reading:", transport.is_reading())
    await asyncio.sleep(0.2)
    print("data while paused:", bytes(protocol.data))
    transport.resume_reading()
    print("resumed, reading:", transport.is_reading())
    print("result:", await done)
    print("closing:", transport.is_closing(), "reading:", transport.is_reading())
    print("child returncode:", proc.wait())

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "file")
        with open(path, "w") as f:
            f.write("x")
        with open(path, "rb") as f:
            try:
                await loop.connect_read_pipe(asyncio.Protocol, f)
            except ValueError as e:
                print("a regular file:", type(e).__name__, e)
    print("done")


asyncio.run(main())
