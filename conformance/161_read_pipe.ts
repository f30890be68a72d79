// Pins loop.connectReadPipe() on the read end of a pipe: a child process's stdout (child_process.spawn with
// stdout "pipe"; the child writes two lines, 50 ms apart). The protocol gets connectionMade(), the data (chunking
// depends on the kernel, so only the whole is printed), eofReceived() (its return value is ignored by a pipe), then
// connectionLost(null); data is held while reading is paused. Then the bad pipe: a regular file's descriptor.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

class Reader extends asyncio.Protocol {
  readonly done: asyncio.Future<Buffer>;
  data = Buffer.alloc(0);
  constructor(done: asyncio.Future<Buffer>) {
    super();
    this.done = done;
  }

  override connectionMade(transport: asyncio.ReadPipeTransport): void {
    print("connection made: a ReadTransport:", transport instanceof asyncio.ReadTransport);
    print("reading:", transport.isReading(), "closing:", transport.isClosing());
  }

  override dataReceived(data: Buffer): void {
    this.data = Buffer.concat([this.data, data]);
  }

  override eofReceived(): boolean {
    print("eof received, data:", this.data);
    return true;
  }

  override connectionLost(exc: Error | null): void {
    print("connection lost", exc);
    this.done.setResult(this.data);
  }
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const proc = spawn("sh", ["-c", "echo hello; sleep 0.05; echo world"], {
    stdio: ["inherit", "pipe", "inherit"],
  });
  const stdout = proc.stdout;
  const done = loop.createFuture<Buffer>();
  const [transport, protocol] = await loop.connectReadPipe(() => new Reader(done), stdout);
  print("pipe is the child's stdout:", transport.getExtraInfo("pipe") === stdout);
  print("protocol:", protocol.constructor.name, transport.getProtocol() === protocol);
  transport.pauseReading();
  print("paused, reading:", transport.isReading());
  await asyncio.sleep(0.2);
  print("data while paused:", protocol.data);
  transport.resumeReading();
  print("resumed, reading:", transport.isReading());
  print("result:", await done);
  print("closing:", transport.isClosing(), "reading:", transport.isReading());
  const code = proc.exitCode ?? (await new Promise<number | null>((resolve) => proc.once("exit", resolve)));
  print("child returncode:", code);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "conformance-161-"));
  try {
    const file = path.join(tmp, "file");
    fs.writeFileSync(file, "x");
    const fd = fs.openSync(file, "r");
    try {
      await loop.connectReadPipe(asyncio.Protocol, fd);
    } catch (e) {
      print("a regular file:", typeName(e), (e as Error).message);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  print("done");
});

await asyncio.run(main());
