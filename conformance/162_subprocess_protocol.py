# Pins the asyncio docs' "loop.subprocess_exec() and SubprocessProtocol" example (asyncio-protocol.rst), adapted the
# same way on both sides: the child is `sh -c "echo 2026-12-07 08:00:00.000000"` instead of Python printing
# datetime.now(), so that the output is deterministic. Only stdout is piped (stdin=None, stderr=None); the protocol
# collects it and resolves its future once both process_exited() and pipe_connection_lost() have been called, in
# whichever order they come. Then the transport's returncode, and CPython 3.13's ProcessLookupError after the end.
import asyncio


class DateProtocol(asyncio.SubprocessProtocol):
    def __init__(self, exit_future):
        self.exit_future = exit_future
        self.output = bytearray()
        self.pipe_closed = False
        self.exited = False

    def pipe_connection_lost(self, fd, exc):
        self.pipe_closed = True
        self.check_for_exit()

    def pipe_data_received(self, fd, data):
        self.output.extend(data)

    def process_exited(self):
        self.exited = True
        # process_exited() method can be called before
        # pipe_connection_lost() method: wait until both methods are
        # called.
        self.check_for_exit()

    def check_for_exit(self):
        if self.pipe_closed and self.exited:
            self.exit_future.set_result(True)


async def get_date():
    # Get a reference to the event loop as we plan to use
    # low-level APIs.
    loop = asyncio.get_running_loop()

    code = "echo 2026-12-07 08:00:00.000000"
    exit_future = asyncio.Future(loop=loop)

    # Create the subprocess controlled by DateProtocol;
    # redirect the standard output into a pipe.
    transport, protocol = await loop.subprocess_exec(
        lambda: DateProtocol(exit_future),
        "sh", "-c", code,
        stdin=None, stderr=None)
    print("pipes:", [transport.get_pipe_transport(fd) is not None for fd in (0, 1, 2)])

    # Wait for the subprocess exit using the process_exited()
    # method of the protocol.
    await exit_future
    print("returncode:", transport.get_returncode())

    # Close the stdout pipe.
    transport.close()
    print("closing:", transport.is_closing())
    await asyncio.sleep(0.1)
    try:
        transport.kill()
    except ProcessLookupError:
        print("kill after the end: ProcessLookupError")

    # Read the output which was collected by the
    # pipe_data_received() method of the protocol.
    data = bytes(protocol.output)
    return data.decode('ascii').rstrip()

date = asyncio.run(get_date())
print(f"Current date: {date}")
