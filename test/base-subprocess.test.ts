// Ports, by behaviour, the protocol cases of CPython 3.13 Lib/test/test_asyncio/test_subprocess.py
// and test_events.py (SubprocessTestsMixin: test_subprocess_exec, test_subprocess_interactive,
// test_subprocess_shell, test_subprocess_exitcode, test_subprocess_close_after_finish,
// test_subprocess_kill, test_subprocess_terminate, test_subprocess_send_signal,
// test_subprocess_stderr_redirect_to_stdout, test_subprocess_close_client_stream,
// test_subprocess_wait_no_same_group) with real child processes. Every test runs on the real loop
// under a 10 s asyncio timeout and checks that no child and no file descriptor is left.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import * as asyncio from "../src/index.ts";
import { runNet, until } from "./helpers/net.ts";

function openFds(): number {
  return fs.readdirSync("/proc/self/fd").length;
}

function children(): number {
  return process.getActiveResourcesInfo().filter((n) => n === "ProcessWrap").length;
}

/** Nothing left: no child process handle, and the file descriptors back to `base`. */
async function nothingLeft(base: number): Promise<void> {
  await until(() => children() === 0, "no child process is left");
  await until(() => openFds() <= base, `the file descriptors are closed (${openFds()} open, ${base} before)`);
}

/** CPython's test protocol (test_events.py MySubprocessProtocol): records every call. */
class Recorder extends asyncio.SubprocessProtocol {
  readonly calls: string[] = [];
  readonly data = new Map<number, Buffer[]>();
  readonly lostExc = new Map<number, Error | null>();
  transport: asyncio.SubprocessTransport | null = null;
  readonly exited: asyncio.Future<null> = asyncio.getRunningLoop().createFuture();
  readonly completed: asyncio.Future<null> = asyncio.getRunningLoop().createFuture();
  override connectionMade(transport: asyncio.SubprocessTransport): void {
    this.calls.push("made");
    this.transport = transport;
  }
  override pipeDataReceived(fd: number, data: Buffer): void {
    if (this.calls.at(-1) !== `data ${fd}`) this.calls.push(`data ${fd}`);
    const got = this.data.get(fd) ?? [];
    got.push(data);
    this.data.set(fd, got);
  }
  override pipeConnectionLost(fd: number, exc: Error | null): void {
    this.calls.push(`pipe lost ${fd}`);
    this.lostExc.set(fd, exc);
  }
  override pauseWriting(): void {
    this.calls.push("pause");
  }
  override resumeWriting(): void {
    this.calls.push("resume");
  }
  override processExited(): void {
    this.calls.push("exited");
    this.exited.setResult(null);
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push("lost");
    assert.equal(exc, null);
    this.completed.setResult(null);
  }
  text(fd: number): string {
    return Buffer.concat(this.data.get(fd) ?? []).toString();
  }
}

describe("loop.subprocessExec and loop.subprocessShell", () => {
  it("calls the protocol in CPython's order: made, data and pipe losses, exited, then lost", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessExec(
        () => new Recorder(),
        "sh",
        "-c",
        "echo out; echo err >&2",
      );
      assert.deepEqual(protocol.calls, ["made"]);
      assert.equal(protocol.transport, transport);
      assert.ok(transport.getPid() > 0);
      assert.equal(transport.getReturncode(), null);
      assert.equal(transport.getExtraInfo("subprocess")?.pid, transport.getPid());
      // All three piped by default, as CPython's subprocess_exec.
      assert.match(String(transport.getPipeTransport(0)), /^<WritePipeTransport fd=\d+ open bufsize=0>$/);
      assert.match(String(transport.getPipeTransport(1)), /^<ReadPipeTransport fd=\d+ open>$/);
      assert.match(String(transport.getPipeTransport(2)), /^<ReadPipeTransport fd=\d+ open>$/);
      assert.equal(transport.getPipeTransport(3), null);
      assert.match(String(transport), /^<BaseSubprocessTransport pid=\d+ running stdin=<WritePipeTransport /);
      await protocol.completed;
      assert.equal(transport.getReturncode(), 0);
      assert.equal(protocol.text(1), "out\n");
      assert.equal(protocol.text(2), "err\n");
      const calls = protocol.calls;
      assert.equal(calls[0], "made");
      assert.equal(calls.at(-1), "lost");
      for (const fd of [1, 2]) {
        assert.ok(calls.indexOf(`data ${fd}`) < calls.indexOf(`pipe lost ${fd}`), calls.join(", "));
      }
      assert.deepEqual(calls.filter((c) => c.startsWith("pipe lost")).sort(), [
        "pipe lost 0",
        "pipe lost 1",
        "pipe lost 2",
      ]);
      assert.equal(calls.filter((c) => c === "exited").length, 1);
      assert.deepEqual([...protocol.lostExc.values()], [null, null, null]);
      // CPython 3.13: once connection_lost() has run, send_signal() raises ProcessLookupError.
      assert.throws(
        () => {
          transport.sendSignal("SIGTERM");
        },
        { code: "ESRCH", message: "no such process" },
      );
      assert.throws(
        () => {
          transport.kill();
        },
        { code: "ESRCH" },
      );
      assert.throws(
        () => {
          transport.terminate();
        },
        { code: "ESRCH" },
      );
      assert.equal(transport.isClosing(), false);
      transport.close();
      assert.equal(transport.isClosing(), true);
      assert.match(String(transport), /^<BaseSubprocessTransport closed pid=\d+ returncode=0 stdin=/);
      await nothingLeft(base);
    }));

  it("talks to the child through getPipeTransport(0): write, writeEof, then the echo", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessExec(Recorder, "cat", { stderr: asyncio.DEVNULL });
      assert.equal(transport.getPipeTransport(2), null);
      const stdin = transport.getPipeTransport(0) as asyncio.WritePipeTransport;
      stdin.write(Buffer.from("hello "));
      stdin.writelines([Buffer.from("world")]);
      stdin.writeEof();
      await protocol.completed;
      assert.equal(protocol.text(1), "hello world");
      assert.equal(transport.getReturncode(), 0);
      assert.ok(protocol.calls.indexOf("pipe lost 0") < protocol.calls.indexOf("lost"));
      transport.close();
      await nothingLeft(base);
    }));

  it("the stdin pipe's flow control reaches the subprocess protocol's pauseWriting/resumeWriting", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessShell(Recorder, "sleep 0.1; cat >/dev/null", {
        stdout: asyncio.DEVNULL,
        stderr: asyncio.DEVNULL,
      });
      const stdin = transport.getPipeTransport(0) as asyncio.WritePipeTransport;
      stdin.write(Buffer.alloc(1 << 20));
      assert.ok(stdin.getWriteBufferSize() > 65536);
      assert.deepEqual(protocol.calls, ["made", "pause"]);
      await until(() => protocol.calls.includes("resume"), "resumeWriting() was called");
      stdin.close();
      await protocol.completed;
      assert.equal(transport.getReturncode(), 0);
      transport.close();
      await nothingLeft(base);
    }));

  it("subprocessShell runs the command through the shell; the exit code is the returncode", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessShell(Recorder, "echo $((6 * 7)); exit 7", {
        stdin: null,
      });
      assert.equal(transport.getPipeTransport(0), null);
      await protocol.completed;
      assert.equal(protocol.text(1), "42\n");
      assert.equal(transport.getReturncode(), 7);
      transport.close();
      await nothingLeft(base);
    }));

  it("stderr=STDOUT: both reach pipeDataReceived(1, ...); there is no pipe 2", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessShell(Recorder, "echo a; sleep 0.05; echo b >&2", {
        stdin: asyncio.DEVNULL,
        stderr: asyncio.STDOUT,
      });
      assert.equal(transport.getPipeTransport(2), null);
      await protocol.completed;
      assert.equal(protocol.text(1), "a\nb\n");
      assert.equal(protocol.data.has(2), false);
      assert.deepEqual(
        protocol.calls.filter((c) => c.startsWith("pipe lost")),
        ["pipe lost 1"],
      );
      transport.close();
      await nothingLeft(base);
    }));

  for (const [how, signal] of [
    ["kill", -9],
    ["terminate", -15],
    ["sendSignal", -2],
  ] as const) {
    it(`${how}() stops the child: returncode ${signal}`, () =>
      runNet(async () => {
        const base = openFds();
        const loop = asyncio.getRunningLoop();
        const [transport, protocol] = await loop.subprocessExec(Recorder, "sleep", "30");
        if (how === "sendSignal") transport.sendSignal("SIGINT");
        else transport[how]();
        await protocol.exited;
        assert.equal(transport.getReturncode(), signal);
        await protocol.completed;
        transport.close();
        await nothingLeft(base);
      }));
  }

  it("close() on a running child kills it; the protocol still gets every call", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessExec(Recorder, "sleep", "30");
      transport.close();
      await protocol.completed;
      assert.equal(transport.getReturncode(), -9);
      assert.deepEqual(protocol.calls.slice(-2), ["exited", "lost"]);
      await nothingLeft(base);
    }));

  it("a child still running when the loop closes is killed", async () => {
    let pid = 0;
    await asyncio.run(async () => {
      const [transport] = await asyncio.getRunningLoop().subprocessExec(Recorder, "sleep", "30");
      pid = transport.getPid();
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
  });

  it("the stdin pipe of a child that exits without reading it is lost with EPIPE", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const [transport, protocol] = await loop.subprocessShell(Recorder, "exec 0<&-; sleep 0.05", {
        stdout: asyncio.DEVNULL,
        stderr: asyncio.DEVNULL,
      });
      (transport.getPipeTransport(0) as asyncio.WritePipeTransport).write(Buffer.alloc(1 << 20));
      await protocol.completed;
      assert.equal((protocol.lostExc.get(0) as NodeJS.ErrnoException | null)?.code, "EPIPE");
      transport.close();
      await nothingLeft(base);
    }));

  it("bad arguments: clear errors, and no child is started", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      await assert.rejects(loop.subprocessExec(Recorder, "no-such-program-asyncio-ts"), { code: "ENOENT" });
      await assert.rejects(loop.subprocessExec(Recorder, "echo", null as unknown as string), {
        name: "TypeError",
        message: "subprocessExec() args must be strings, got null (argument 2)",
      });
      await assert.rejects(loop.subprocessExec(Recorder, 42 as unknown as string), {
        name: "TypeError",
        message: "subprocessExec() program must be a string, got number",
      });
      await assert.rejects(loop.subprocessExec(Recorder, "echo", { text: true }), {
        name: "RangeError",
        message: "text must be False",
      });
      await assert.rejects(loop.subprocessExec(Recorder, "echo", { shell: true }), {
        name: "RangeError",
        message: "shell must be False",
      });
      await assert.rejects(loop.subprocessShell(Recorder, "echo", { shell: false }), {
        name: "RangeError",
        message: "shell must be True",
      });
      await assert.rejects(loop.subprocessShell(Recorder, ["echo"] as unknown as string), {
        name: "RangeError",
        message: "cmd must be a string",
      });
      await assert.rejects(loop.subprocessShell(Recorder, "echo", 3 as never), {
        name: "TypeError",
        message: "subprocessShell() options must be an object, got number",
      });
      await assert.rejects(loop.subprocessExec(Recorder, "echo", { stdin: asyncio.STDOUT }), {
        name: "RangeError",
        message: "STDOUT can only be used for stderr, not stdin",
      });
      await assert.rejects(loop.subprocessExec("P" as never, "echo"), {
        name: "TypeError",
        message: "protocolFactory must be a function returning a Protocol (or a protocol class), got 'P'",
      });
      await nothingLeft(base);
    }));

  it("cancelled while it starts: the child is killed and waited for", () =>
    runNet(async () => {
      const base = openFds();
      const loop = asyncio.getRunningLoop();
      const made: Recorder[] = [];
      const task = asyncio.createTask(
        loop.subprocessExec(
          () => {
            const p = new Recorder();
            made.push(p);
            return p;
          },
          "sleep",
          "30",
        ),
      );
      await asyncio.sleep(0);
      task.cancel();
      await assert.rejects(
        async () => {
          await task;
        },
        { name: "CancelledError" },
      );
      assert.equal(made.length, 1);
      assert.deepEqual(made[0]?.calls, []);
      await nothingLeft(base);
    }));
});
