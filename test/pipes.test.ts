// Ports, by behaviour, the pipe cases of CPython 3.13 Lib/test/test_asyncio/test_events.py
// (test_read_pipe, test_read_pty_output, test_write_pipe, test_write_pipe_disconnect_on_close) and
// test_unix_events.py (UnixReadPipeTransportTests, UnixWritePipeTransportTests: pause/resume
// reading, close, abort, write_eof, broken pipe), over real pipes: a FIFO made with mkfifo (the
// two ends of an os.pipe()) and a child's stdout. Every test runs on the real loop under a 10 s
// asyncio timeout, and checks that no file descriptor is left open.
import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable, Writable } from "node:stream";
import * as asyncio from "../src/index.ts";
import { runNet, until } from "./helpers/net.ts";

function openFds(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

/** Wait until the open file descriptors are back to `base` (closing is asynchronous). */
async function noMoreFds(base: number): Promise<void> {
  await until(() => openFds() <= base, `the file descriptors are closed (${openFds()} open, ${base} before)`);
}

/** A FIFO: `[readFd, writeFd]`, the two ends of a pipe (Node has no os.pipe()). */
function fifo(t: TestContext): [number, number] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-fifo-"));
  t.after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const where = path.join(dir, "p");
  assert.equal(spawnSync("mkfifo", [where]).status, 0);
  const { O_RDONLY, O_WRONLY, O_NONBLOCK } = fs.constants;
  const r = fs.openSync(where, O_RDONLY | O_NONBLOCK);
  const w = fs.openSync(where, O_WRONLY | O_NONBLOCK);
  return [r, w];
}

/** A protocol that records every call (consecutive data as one "data"). */
class Recorder extends asyncio.Protocol {
  readonly calls: string[] = [];
  readonly received: Buffer[] = [];
  transport: asyncio.BaseTransport | null = null;
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  resumeSize = -1;
  override connectionMade(transport: asyncio.BaseTransport): void {
    this.calls.push("made");
    this.transport = transport;
  }
  override dataReceived(data: Buffer): void {
    if (this.calls.at(-1) !== "data") this.calls.push("data");
    this.received.push(data);
  }
  override eofReceived(): unknown {
    this.calls.push("eof");
    return true; // ignored by a read pipe, as CPython's
  }
  override pauseWriting(): void {
    this.calls.push("pause");
  }
  override resumeWriting(): void {
    this.calls.push("resume");
    this.resumeSize = (this.transport as asyncio.WriteTransport).getWriteBufferSize();
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push("lost");
    this.lost.setResult(exc);
  }
  text(): string {
    return Buffer.concat(this.received).toString();
  }
}

describe("loop.connectReadPipe", () => {
  it("reads a child's stdout: made, data, eof, lost; the pipe is closed after", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const child = spawn("sh", ["-c", "echo one; sleep 0.05; echo two"], {
        stdio: ["ignore", "pipe", "ignore"],
      });
      t.after(() => child.kill("SIGKILL"));
      const stdout = child.stdout;
      const [transport, protocol] = await loop.connectReadPipe(() => new Recorder(), stdout);
      assert.deepEqual(protocol.calls, ["made"]);
      assert.equal(protocol.transport, transport);
      assert.equal(transport.getExtraInfo("pipe"), stdout);
      assert.equal(transport.isReading(), true);
      assert.match(String(transport), /^<ReadPipeTransport fd=\d+ open>$/);
      assert.equal(await protocol.lost, null);
      assert.deepEqual(protocol.calls, ["made", "data", "eof", "lost"]);
      assert.equal(protocol.text(), "one\ntwo\n");
      // CPython: the transport is closing once the end of file is seen, whatever eofReceived returns.
      assert.equal(transport.isClosing(), true);
      assert.equal(transport.isReading(), false);
      assert.equal(String(transport), "<ReadPipeTransport closed fd=None closed>");
      assert.equal(stdout.destroyed, true);
      await new Promise((resolve) => child.once("close", resolve));
    }));

  it("reads a pipe's file descriptor, and closes it after connectionLost", (t) =>
    runNet(async () => {
      const base = openFds();
      const [r, w] = fifo(t);
      const [transport, protocol] = await asyncio.getRunningLoop().connectReadPipe(Recorder, r);
      assert.equal(transport.getExtraInfo("pipe"), r);
      fs.writeSync(w, "hello ");
      await until(() => protocol.text() === "hello ", "the first chunk arrived");
      fs.writeSync(w, "world");
      fs.closeSync(w);
      assert.equal(await protocol.lost, null);
      assert.equal(protocol.text(), "hello world");
      assert.deepEqual(protocol.calls, ["made", "data", "eof", "lost"]);
      await noMoreFds(base);
    }));

  it("pauseReading() holds the data until resumeReading()", (t) =>
    runNet(async () => {
      const base = openFds();
      const [r, w] = fifo(t);
      const [transport, protocol] = await asyncio.getRunningLoop().connectReadPipe(Recorder, r);
      transport.pauseReading();
      assert.equal(transport.isReading(), false);
      transport.pauseReading(); // twice is nothing
      fs.writeSync(w, "held");
      fs.closeSync(w);
      await asyncio.sleep(0.05);
      assert.deepEqual(protocol.calls, ["made"]);
      transport.resumeReading();
      assert.equal(transport.isReading(), true);
      assert.equal(await protocol.lost, null);
      assert.equal(protocol.text(), "held");
      assert.deepEqual(protocol.calls, ["made", "data", "eof", "lost"]);
      await noMoreFds(base);
    }));

  it("close() delivers no more data and calls connectionLost(null) without eofReceived", (t) =>
    runNet(async () => {
      const base = openFds();
      const [r, w] = fifo(t);
      const [transport, protocol] = await asyncio.getRunningLoop().connectReadPipe(Recorder, r);
      transport.close();
      assert.equal(transport.isClosing(), true);
      transport.close(); // twice is nothing
      fs.writeSync(w, "late");
      assert.equal(await protocol.lost, null);
      assert.deepEqual(protocol.calls, ["made", "lost"]);
      fs.closeSync(w);
      await noMoreFds(base);
    }));

  it("an error raised by dataReceived goes to the exception handler; reading goes on", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const errors: unknown[] = [];
      loop.setExceptionHandler((_l, ctx) => errors.push(ctx.exception));
      const [r, w] = fifo(t);
      class Failing extends Recorder {
        override dataReceived(data: Buffer): void {
          super.dataReceived(data);
          if (this.received.length === 1) throw new Error("boom");
        }
      }
      const [, protocol] = await loop.connectReadPipe(Failing, r);
      fs.writeSync(w, "a");
      await until(() => errors.length === 1, "the error was reported");
      fs.writeSync(w, "b");
      fs.closeSync(w);
      assert.equal(await protocol.lost, null);
      assert.equal(protocol.text(), "ab");
      assert.equal((errors[0] as Error).message, "boom");
      loop.setExceptionHandler(null);
    }));

  it("takes a BufferedProtocol too", (t) =>
    runNet(async () => {
      const [r, w] = fifo(t);
      const chunks: string[] = [];
      const done = asyncio.getRunningLoop().createFuture<null>();
      class Buffered extends asyncio.BufferedProtocol {
        readonly buf = Buffer.alloc(3);
        override getBuffer(): Uint8Array {
          return this.buf;
        }
        override bufferUpdated(n: number): void {
          chunks.push(this.buf.subarray(0, n).toString());
        }
        override connectionLost(): void {
          done.setResult(null);
        }
      }
      await asyncio.getRunningLoop().connectReadPipe(Buffered, r);
      fs.writeSync(w, "abcdefg");
      fs.closeSync(w);
      await done;
      assert.deepEqual(chunks, ["abc", "def", "g"]);
    }));

  it("bad pipes: a clear error saying what to pass; nothing is left open", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const base = openFds();
      await assert.rejects(loop.connectReadPipe(Recorder, "x" as unknown as number), {
        name: "TypeError",
        message:
          "connectReadPipe() pipe must be a file descriptor (a number), a net.Socket or a stream (process.stdin, a child's stdout, fs.createReadStream()), got 'x'",
      });
      await assert.rejects(loop.connectReadPipe(Recorder, -1), {
        name: "RangeError",
        message: "pipe must be a file descriptor >= 0, got -1",
      });
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-file-")), "f");
      t.after(() => {
        fs.rmSync(path.dirname(file), { recursive: true, force: true });
      });
      fs.writeFileSync(file, "x");
      const fd = fs.openSync(file, "r");
      // CPython 3.13's ValueError, word for word.
      await assert.rejects(loop.connectReadPipe(Recorder, fd), {
        name: "RangeError",
        message: "Pipe transport is for pipes/sockets only.",
      });
      await assert.rejects(loop.connectWritePipe(Recorder, fd), {
        name: "RangeError",
        message: "Pipe transport is only for pipes, sockets and character devices",
      });
      fs.closeSync(fd);
      await assert.rejects(
        loop.connectWritePipe(Recorder, Readable.from([]) as unknown as Writable),
        (e: unknown) =>
          e instanceof TypeError && /^connectWritePipe\(\) pipe must be a file descriptor/.test(e.message),
      );
      const child = spawn("cat", [], { stdio: ["pipe", "ignore", "ignore"] });
      t.after(() => child.kill("SIGKILL"));
      await assert.rejects(loop.connectReadPipe(Recorder, child.stdin as unknown as Readable), {
        name: "TypeError",
        message:
          "connectReadPipe() needs the read end of a pipe: this stream is not readable (a write end: pass it to connectWritePipe(); or it has ended)",
      });
      const gone = new PassThrough();
      gone.destroy();
      await assert.rejects(loop.connectReadPipe(Recorder, gone), {
        name: "RangeError",
        message: "connectReadPipe() pipe is already closed",
      });
      await assert.rejects(loop.connectReadPipe(42 as never, gone), {
        name: "TypeError",
        message: "protocolFactory must be a function returning a Protocol (or a protocol class), got 42",
      });
      child.stdin.end();
      await new Promise((resolve) => child.once("close", resolve));
      await noMoreFds(base);
    }));
});

describe("loop.connectWritePipe", () => {
  it("pauseWriting() when the buffer goes over the high mark, resumeWriting() at the low mark", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const base = openFds();
      const [r, w] = fifo(t);
      const [reader, readerProto] = await loop.connectReadPipe(Recorder, r);
      reader.pauseReading();
      const [writer, protocol] = await loop.connectWritePipe(Recorder, w);
      assert.deepEqual(writer.getWriteBufferLimits(), [16384, 65536]);
      writer.setWriteBufferLimits(8192);
      assert.deepEqual(writer.getWriteBufferLimits(), [2048, 8192]);
      assert.equal(writer.canWriteEof(), true);
      // A FIFO holds 64 KiB: fill it, then the next write stays in Node's buffer.
      const chunk = Buffer.alloc(4096, 120);
      let written = 0;
      while (writer.getWriteBufferSize() === 0 && written < 1 << 20) {
        writer.write(chunk);
        written += chunk.length;
      }
      assert.deepEqual(protocol.calls, ["made"]);
      // Over the high mark: pauseWriting() is called from inside the write() that crossed it.
      while (writer.getWriteBufferSize() <= 8192) {
        writer.write(chunk);
        written += chunk.length;
      }
      assert.deepEqual(protocol.calls, ["made", "pause"]);
      writer.write(chunk); // paused already: no second call
      written += chunk.length;
      assert.deepEqual(protocol.calls, ["made", "pause"]);
      reader.resumeReading();
      await until(() => protocol.calls.includes("resume"), "resumeWriting() was called");
      assert.ok(protocol.resumeSize <= 2048, `resumed at ${protocol.resumeSize} bytes`);
      writer.close();
      assert.equal(writer.isClosing(), true);
      assert.equal(await protocol.lost, null);
      assert.equal(await readerProto.lost, null);
      assert.equal(Buffer.concat(readerProto.received).length, written);
      assert.deepEqual(protocol.calls, ["made", "pause", "resume", "lost"]);
      await noMoreFds(base);
    }));

  it("writeEof() flushes the buffer, then the reader sees the end of file", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const base = openFds();
      const [r, w] = fifo(t);
      const [writer, protocol] = await loop.connectWritePipe(Recorder, w);
      writer.write(Buffer.alloc(200_000, 97)); // more than the pipe holds
      writer.writelines([Buffer.from("b"), Buffer.from("c")]);
      assert.ok(writer.getWriteBufferSize() > 0);
      writer.writeEof();
      writer.write(Buffer.from("dropped")); // after writeEof: dropped, as CPython's
      const [, readerProto] = await loop.connectReadPipe(Recorder, r);
      assert.equal(await readerProto.lost, null);
      assert.equal(await protocol.lost, null);
      const got = Buffer.concat(readerProto.received);
      assert.equal(got.length, 200_002);
      assert.equal(got.subarray(-2).toString(), "bc");
      await noMoreFds(base);
    }));

  it("abort() drops the buffer and calls connectionLost(null)", (t) =>
    runNet(async () => {
      const base = openFds();
      const [r, w] = fifo(t);
      const [writer, protocol] = await asyncio.getRunningLoop().connectWritePipe(Recorder, w);
      writer.write(Buffer.alloc(200_000));
      assert.ok(writer.getWriteBufferSize() > 0);
      writer.abort();
      assert.equal(writer.isClosing(), true);
      assert.equal(await protocol.lost, null);
      assert.equal(writer.getWriteBufferSize(), 0);
      assert.deepEqual(protocol.calls, ["made", "pause", "lost"]);
      fs.closeSync(r);
      await noMoreFds(base);
    }));

  it("differs: pipe transports — a FIFO reader that goes away is seen at the next write: EPIPE, connectionLost(err), not reported", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const errors: unknown[] = [];
      loop.setExceptionHandler((_l, ctx) => errors.push(ctx));
      const base = openFds();
      const [r, w] = fifo(t);
      const [writer, protocol] = await loop.connectWritePipe(Recorder, w);
      fs.closeSync(r);
      writer.write(Buffer.from("nobody reads this"));
      const exc = await protocol.lost;
      assert.ok(exc instanceof Error);
      assert.equal((exc as NodeJS.ErrnoException).code, "EPIPE");
      assert.equal(writer.isClosing(), true);
      writer.write(Buffer.from("dropped"));
      assert.deepEqual(errors, []);
      loop.setExceptionHandler(null);
      await noMoreFds(base);
    }));

  it("over a socket, the write pipe sees the reader close its end without writing (CPython's reader trick)", () =>
    runNet(async () => {
      const [a, b] = await asyncio.socketpair();
      const [writer, protocol] = await asyncio.getRunningLoop().connectWritePipe(Recorder, a);
      assert.equal(writer.getExtraInfo("pipe"), a);
      b.destroy();
      assert.equal(await protocol.lost, null);
      assert.deepEqual(protocol.calls, ["made", "lost"]);
      assert.equal(a.destroyed, true);
    }));

  it("a descriptor that is not open: Node's EBADF", () =>
    runNet(async () => {
      await assert.rejects(asyncio.getRunningLoop().connectWritePipe(Recorder, 987654), { code: "EBADF" });
    }));

  it("write() takes bytes only", (t) =>
    runNet(async () => {
      const [r, w] = fifo(t);
      const [writer, protocol] = await asyncio.getRunningLoop().connectWritePipe(Recorder, w);
      assert.throws(
        () => {
          writer.write("text" as unknown as Uint8Array);
        },
        {
          name: "TypeError",
          message: "data argument must be a bytes-like object, not 'str'",
        },
      );
      writer.close();
      await protocol.lost;
      fs.closeSync(r);
    }));
});
