// Pins the asyncio docs' "loop.subprocess_exec() and SubprocessProtocol" example (asyncio-protocol.rst), adapted the
// same way on both sides: the child is `sh -c "echo 2026-12-07 08:00:00.000000"` instead of Python printing
// datetime.now(), so that the output is deterministic. Only stdout is piped (stdin: null, stderr: null); the protocol
// collects it and resolves its future once both processExited() and pipeConnectionLost() have been called, in
// whichever order they come. Then the transport's returncode, and the ProcessLookupError (ESRCH) after the end.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

class DateProtocol extends asyncio.SubprocessProtocol {
  readonly exitFuture: asyncio.Future<boolean>;
  output: Buffer[] = [];
  pipeClosed = false;
  exited = false;
  constructor(exitFuture: asyncio.Future<boolean>) {
    super();
    this.exitFuture = exitFuture;
  }

  override pipeConnectionLost(): void {
    this.pipeClosed = true;
    this.checkForExit();
  }

  override pipeDataReceived(_fd: number, data: Buffer): void {
    this.output.push(data);
  }

  override processExited(): void {
    this.exited = true;
    // processExited() can be called before pipeConnectionLost(): wait until both are called.
    this.checkForExit();
  }

  checkForExit(): void {
    if (this.pipeClosed && this.exited) this.exitFuture.setResult(true);
  }
}

const getDate = asyncio.coroutine(async () => {
  // Get a reference to the event loop as we plan to use low-level APIs.
  const loop = asyncio.getRunningLoop();

  const code = "echo 2026-12-07 08:00:00.000000";
  const exitFuture = loop.createFuture<boolean>();

  // Create the subprocess controlled by DateProtocol; redirect the standard output into a pipe.
  const [transport, protocol] = await loop.subprocessExec(
    () => new DateProtocol(exitFuture),
    "sh",
    "-c",
    code,
    {
      stdin: null,
      stderr: null,
    },
  );
  print(
    "pipes:",
    [0, 1, 2].map((fd) => transport.getPipeTransport(fd) !== null),
  );

  // Wait for the subprocess exit using the processExited() method of the protocol.
  await exitFuture;
  print("returncode:", transport.getReturncode());

  // Close the stdout pipe.
  transport.close();
  print("closing:", transport.isClosing());
  await asyncio.sleep(0.1);
  try {
    transport.kill();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH") print("kill after the end: ProcessLookupError");
  }

  // Read the output which was collected by the pipeDataReceived() method of the protocol.
  return Buffer.concat(protocol.output).toString("ascii").trimEnd();
});

const date = await asyncio.run(getDate());
print(`Current date: ${date}`);
