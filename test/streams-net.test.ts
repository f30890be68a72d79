// Ports, by behaviour, the socket cases of CPython 3.13 Lib/test/test_asyncio/test_streams.py
// (StreamTests: open_connection, start_server, unhandled exceptions, drain, wait_closed) and
// test_server.py (close_clients, wait_closed, serve_forever), over real `node:net` sockets on
// 127.0.0.1 and a Unix socket. Every test runs on the real loop under a 10 s asyncio timeout, and
// t.after() destroys whatever a failing test left open.
import { it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import * as asyncio from "../src/index.ts";
import {
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
  type StreamReader,
  type StreamWriter,
} from "../src/index.ts";
import { assertCancelled } from "./helpers/index.ts";
import { b, echoOnce, hasCode, HOST, port, Resources, runNet } from "./helpers/net.ts";

const execFileAsync = promisify(execFile);
const LISTENER_EVENTS = ["data", "end", "error", "drain", "close", "connect", "finish"] as const;
// A fresh net.Socket has Node's own 'end' listener and nothing else.
const BASELINE_LISTENERS = { data: 0, end: 1, error: 0, drain: 0, close: 0, connect: 0, finish: 0 };

/** How many bytes the reader buffers, from its repr. */
function buffered(stream: StreamReader): number {
  const m = /^<StreamReader (\d+) bytes/.exec(String(stream));
  return m === null ? 0 : Number(m[1]);
}

/** The `node:net` socket under a writer's transport. */
function socketOf(writer: StreamWriter): net.Socket {
  return writer.getExtraInfo("socket") as net.Socket;
}

function listeners(socket: net.Socket): Record<string, number> {
  return Object.fromEntries(LISTENER_EVENTS.map((e) => [e, socket.listenerCount(e)]));
}

it("open connection: echo over TCP", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer((r, w) => echoOnce(r, res.writer(w)), HOST, 0));
    assert.equal(server.isServing(), true);
    assert.equal(server.getLoop(), asyncio.getRunningLoop());
    assert.match(String(server), /^<Server sockets=\(\('127\.0\.0\.1', \d+\),\)>$/);
    const [reader, writer] = await res.connect(port(server));
    assert.deepEqual(writer.getExtraInfo("peername"), [HOST, port(server)]);
    const sockname = writer.getExtraInfo("sockname") as [string, number];
    assert.equal(sockname[0], HOST);
    // CPython: writer.transport is the transport; the node:net socket is the extra "socket".
    assert.ok(writer.transport instanceof asyncio.Transport);
    assert.equal(writer.transport.constructor.name, "SocketTransport");
    assert.equal(writer.transport.getExtraInfo("socket"), writer.getExtraInfo("socket"));
    assert.ok(writer.getExtraInfo("socket") instanceof net.Socket);
    assert.equal(writer.getExtraInfo("nope", "default"), "default");
    writer.writelines(["hello ", b("world"), "\n"]);
    await writer.drain();
    assert.deepEqual(await reader.readline(), b("hello world\n"));
    assert.deepEqual(await reader.read(), b(""));
    assert.equal(reader.atEof(), true);
    writer.close();
    assert.equal(writer.isClosing(), true);
    await writer.waitClosed();
    assert.deepEqual(listeners(socketOf(writer)), BASELINE_LISTENERS);
    server.close();
    await server.waitClosed();
  }));

it("open unix connection: echo over a Unix socket", (t) =>
  runNet(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-"));
    t.after(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const sock = path.join(dir, "echo.sock");
    const res = new Resources(t);
    let serverSide: unknown[] = [];
    const server = res.server(
      await startUnixServer(async (r, w) => {
        serverSide = [w.getExtraInfo("sockname"), w.getExtraInfo("peername")];
        await echoOnce(r, res.writer(w));
      }, sock),
    );
    assert.equal(server.sockets[0]?.getsockname(), sock);
    const [reader, writer] = await openUnixConnection(sock);
    res.writer(writer);
    assert.equal(writer.getExtraInfo("peername"), sock);
    writer.write("ping\n");
    assert.deepEqual(await reader.readline(), b("ping\n"));
    assert.deepEqual(serverSide, [sock, ""]);
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    assert.equal(server.isServing(), false);
    assert.equal(fs.existsSync(sock), false);
  }));

it("readline over TCP: lines, async iteration, a partial last line", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (_r, w) => {
          // Split writes: lines cross chunk boundaries.
          for (const part of ["line1\nli", "ne2\n", "line3\nline4\nrest"]) {
            w.write(part);
            await w.drain();
          }
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    assert.deepEqual(await reader.readline(), b("line1\n"));
    const lines: string[] = [];
    for await (const line of reader) lines.push(line.toString());
    assert.deepEqual(lines, ["line2\n", "line3\n", "line4\n", "rest"]);
    assert.deepEqual(await reader.readline(), b(""));
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }));

it("server close with active clients: waitClosed waits for closeClients", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const accepted: StreamWriter[] = [];
    const server = res.server(
      await startServer(
        async (r, w) => {
          accepted.push(res.writer(w));
          for (;;) {
            const line = await r.readline();
            if (line.length === 0) return;
            w.write(line);
          }
        },
        HOST,
        0,
      ),
    );
    const clients = [await res.connect(port(server)), await res.connect(port(server))];
    for (const [reader, writer] of clients) {
      writer.write("hi\n");
      assert.deepEqual(await reader.readline(), b("hi\n"));
    }
    const p = port(server);
    const waiting = asyncio.createTask(() => server.waitClosed());
    server.close();
    assert.equal(server.isServing(), false);
    assert.deepEqual(server.sockets, []);
    // The accepted connections outlive the listening socket.
    const first = clients[0];
    assert.ok(first !== undefined);
    const [reader0, writer0] = first;
    writer0.write("still\n");
    assert.deepEqual(await reader0.readline(), b("still\n"));
    await assert.rejects(res.connect(p), hasCode("ECONNREFUSED"));
    assert.equal(waiting.done(), false);
    assert.equal(accepted.length, 2);
    server.closeClients();
    await waiting;
    for (const [reader, writer] of clients) {
      assert.deepEqual(await reader.read(), b(""));
      writer.close();
      await writer.waitClosed();
    }
    // Once closed and empty, waitClosed returns at once.
    await server.waitClosed();
  }));

it("abort clients closes connections at once", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer(async (r) => r.read(), HOST, 0));
    const [reader, writer] = await res.connect(port(server));
    writer.write("x");
    await asyncio.sleep(0.01);
    server.close();
    server.abortClients();
    await server.waitClosed();
    assert.deepEqual(await reader.read(), b(""));
    writer.close();
    await writer.waitClosed();
  }));

it("serve forever: cancelling it closes the server", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer(() => undefined, HOST, 0));
    await server.startServing();
    const task = asyncio.createTask(() => server.serveForever());
    await asyncio.sleep(0);
    await assert.rejects(server.serveForever(), (e: unknown) => {
      assert.ok(e instanceof asyncio.RuntimeError);
      assert.match(
        e.message,
        /^server <Server sockets=\(.*\)> is already being awaited on serve_forever\(\)$/,
      );
      return true;
    });
    task.cancel();
    await assertCancelled(task);
    assert.equal(server.isServing(), false);
    await server.waitClosed();
    await assert.rejects(server.serveForever(), /^RuntimeError: server <Server sockets=\(\)> is closed$/);
  }));

it("open connection error keeps Node's code, errno and syscall", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer(() => undefined, HOST, 0));
    const p = port(server);
    server.close();
    await server.waitClosed();
    await assert.rejects(openConnection(HOST, p), (e: unknown) => {
      const err = e as NodeJS.ErrnoException;
      assert.equal(err.code, "ECONNREFUSED");
      assert.equal(err.syscall, "connect");
      assert.equal(typeof err.errno, "number");
      return true;
    });
  }));

it("open connection and start server without host and port: CPython's ValueError, as a RangeError", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const open = openConnection as (...args: unknown[]) => ReturnType<typeof openConnection>;
    const start = startServer as (...args: unknown[]) => ReturnType<typeof startServer>;
    // CPython 3.13 base_events.py create_connection and create_server, with no sock.
    for (const args of [[], [null, null], [undefined, undefined, {}]]) {
      await assert.rejects(open(...args), {
        name: "RangeError",
        message: /^host and port was not specified and no sock specified$/,
      });
      await assert.rejects(
        start(() => undefined, ...args),
        {
          name: "RangeError",
          message: /^Neither host\/port nor sock were specified$/,
        },
      );
    }
    // As in CPython a missing port is port 0: refused, for a client; any free port, for a server.
    await assert.rejects(open(HOST, null), hasCode("ECONNREFUSED"));
    const server = res.server(await start(() => undefined, HOST, null));
    assert.ok(port(server) > 0);
  }));

it("peer reset mid-read raises at the read", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          w.write("partial");
          await w.drain();
          await r.readline();
          socketOf(w).resetAndDestroy();
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    const read = asyncio.createTask(() => reader.readexactly(100));
    writer.write("go\n");
    await assert.rejects(async () => read, hasCode("ECONNRESET"));
    assert.equal((reader.exception() as NodeJS.ErrnoException).code, "ECONNRESET");
    await assert.rejects(writer.drain(), hasCode("ECONNRESET"));
    assert.equal(writer.isClosing(), true);
    await assert.rejects(writer.waitClosed(), hasCode("ECONNRESET"));
    assert.deepEqual(listeners(socketOf(writer)), BASELINE_LISTENERS);
    server.close();
    await server.waitClosed();
  }));

it("half-close: writeEof, then atEof on the other side, which still writes", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          const data = await r.read();
          assert.equal(r.atEof(), true);
          w.write(b(`got ${data.toString()}`));
          await w.drain();
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    assert.equal(writer.canWriteEof(), true);
    writer.write("hello");
    writer.writeEof();
    assert.throws(() => {
      writer.write("more");
    }, /^RuntimeError: Cannot call write\(\) after write_eof\(\)$/);
    assert.equal(writer.isClosing(), false);
    assert.deepEqual(await reader.read(), b("got hello"));
    assert.equal(reader.atEof(), true);
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }));

it("slow reader: drain blocks and the reader's buffer stays bounded", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const limit = 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const total = 200 * chunk.length;
    const bound = 2 * limit + 64 * 1024;
    let serverReader = null as StreamReader | null;
    const startReading = asyncio.createTask(() => new asyncio.Event().wait());
    const release = new asyncio.Event();
    let maxBuffered = 0;
    let received = 0;
    const done = asyncio.getRunningLoop().createFuture<number>();
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          serverReader = r;
          await release.wait();
          while (received < total) {
            maxBuffered = Math.max(maxBuffered, buffered(r));
            const data = await r.read(limit);
            if (data.length === 0) break;
            received += data.length;
          }
          done.setResult(received);
          w.close();
        },
        HOST,
        0,
        { limit },
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    let written = 0;
    const writing = asyncio.createTask(async () => {
      while (written < total) {
        writer.write(chunk);
        written += chunk.length;
        await writer.drain();
      }
    });
    // Give the socket buffers time to fill up: the writer must then be blocked in drain().
    await asyncio.sleep(0.3);
    assert.equal(writing.done(), false);
    assert.ok(written < total, `${written} bytes written`);
    assert.ok(serverReader !== null);
    assert.ok(buffered(serverReader) <= bound, `${buffered(serverReader)} bytes buffered`);
    assert.match(String(serverReader), / paused/);
    release.set();
    assert.equal(await done, total);
    await writing;
    assert.ok(maxBuffered <= bound, `${maxBuffered} bytes buffered`);
    assert.deepEqual(await reader.read(), b(""));
    writer.close();
    await writer.waitClosed();
    startReading.cancel();
    server.close();
    await server.waitClosed();
  }));

it("oversized line: readuntil raises LimitOverrunError, readline RangeError", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const results: unknown[] = [];
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          results.push((await r.readexactly(1)).toString());
          try {
            await r.readuntil("\n");
          } catch (e) {
            results.push(e instanceof asyncio.LimitOverrunError ? `${e.message} ${e.consumed}` : e);
          }
          try {
            await r.readline();
          } catch (e) {
            results.push(e instanceof RangeError ? e.message : e);
          }
          results.push((await r.readline()).toString());
          w.close();
        },
        HOST,
        0,
        { limit: 16 },
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    writer.write(b(`>${"x".repeat(40)}\nok\n`));
    assert.deepEqual(await reader.read(), b(""));
    assert.deepEqual(results, [
      ">",
      "Separator is found, but chunk is longer than limit 40",
      "Separator is found, but chunk is longer than limit",
      "ok\n",
    ]);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }));

it("cancel a task blocked in read: CancelledError there, the stream still closes", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer((r, w) => echoOnce(r, res.writer(w)), HOST, 0));
    const [reader, writer] = await res.connect(port(server));
    const read = asyncio.createTask(() => reader.readline());
    await asyncio.sleep(0.01);
    read.cancel();
    await assertCancelled(read);
    // The reader is usable again: a new read may wait.
    writer.write("after\n");
    assert.deepEqual(await reader.readline(), b("after\n"));
    writer.close();
    await writer.waitClosed();
    assert.deepEqual(listeners(socketOf(writer)), BASELINE_LISTENERS);
    server.close();
    await server.waitClosed();
  }));

it("cancel a task blocked in drain: CancelledError there, the stream still closes", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const release = new asyncio.Event();
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          await release.wait();
          await r.read();
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [, writer] = await res.connect(port(server));
    const chunk = Buffer.alloc(256 * 1024);
    const draining = asyncio.createTask(async () => {
      for (let i = 0; i < 1000; i++) {
        writer.write(chunk);
        await writer.drain();
      }
    });
    await asyncio.sleep(0.2);
    assert.equal(draining.done(), false);
    draining.cancel();
    await assertCancelled(draining);
    release.set();
    writer.close();
    await writer.waitClosed();
    assert.deepEqual(listeners(socketOf(writer)), BASELINE_LISTENERS);
    server.close();
    await server.waitClosed();
  }));

it("cancel a task blocked in readexactly, readuntil or waitClosed: CancelledError there, the stream stays usable", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const release = new asyncio.Event();
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          w.write("12345\n");
          await w.drain();
          // Stop reading until released: the client's writes back up and its close cannot finish.
          await release.wait();
          await r.read();
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    for (const read of [() => reader.readexactly(10), () => reader.readuntil("!")]) {
      const task = asyncio.createTask(read);
      await asyncio.sleep(0.05);
      task.cancel();
      await assertCancelled(task);
    }
    // Nothing was consumed by the cancelled reads.
    assert.deepEqual(await reader.readexactly(6), b("12345\n"));
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 500 && writer.transport.getWriteBufferSize() === 0; i++) {
      writer.write(chunk);
      await asyncio.sleep(0.01);
    }
    assert.ok(writer.transport.getWriteBufferSize() > 0, "the socket's buffer backed up");
    writer.close();
    const closing = asyncio.createTask(() => writer.waitClosed());
    await asyncio.sleep(0.05);
    assert.equal(closing.done(), false);
    closing.cancel();
    await assertCancelled(closing);
    release.set();
    await writer.waitClosed();
    assert.deepEqual(listeners(socketOf(writer)), BASELINE_LISTENERS);
    server.close();
    await server.waitClosed();
  }));

it("drain on a closing writer raises Connection lost", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          await r.read();
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [, writer] = await res.connect(port(server));
    writer.close();
    await assert.rejects(writer.drain(), (e: unknown) => {
      assert.equal((e as NodeJS.ErrnoException).code, "ECONNRESET");
      assert.equal((e as Error).message, "Connection lost");
      return true;
    });
    writer.write("dropped");
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }));

it("write after close is dropped, and from the fifth such write on each warns as CPython's transport does", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const received: Buffer[] = [];
    const server = res.server(
      await startServer(
        async (r, w) => {
          received.push(await r.read());
          w.close();
        },
        HOST,
        0,
      ),
    );
    const [, writer] = await res.connect(port(server));
    writer.write("sent");
    await writer.drain();
    writer.close();
    /** What each write() printed on stderr (the logger writes at once). */
    const logged = (data: string): string => {
      const lines: string[] = [];
      const write = process.stderr.write.bind(process.stderr);
      process.stderr.write = (chunk: string | Uint8Array) => {
        lines.push(String(chunk));
        return true;
      };
      try {
        writer.write(data);
      } finally {
        process.stderr.write = write;
      }
      return lines.join("");
    };
    // CPython 3.13 selector_events.py: LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5.
    const warning = "socket.send() raised exception.\n";
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((i) => logged(`dropped ${String(i)}`)),
      ["", "", "", "", warning, warning],
    );
    // An empty write sends nothing and is not counted, as in CPython.
    assert.equal(logged(""), "");
    await writer.waitClosed();
    assert.equal(logged("after waitClosed"), warning);
    server.close();
    await server.waitClosed();
    assert.deepEqual(received, [b("sent")]);
  }));

it("unhandled exception in the client callback is reported, and the connection closed", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const loop = asyncio.getRunningLoop();
    const contexts: asyncio.ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => contexts.push(context));
    const boom = new Error("boom");
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          await r.readline();
          throw boom;
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    writer.write("go\n");
    assert.deepEqual(await reader.read(), b(""));
    assert.equal(contexts.length, 1);
    const [context] = contexts;
    assert.ok(context !== undefined);
    assert.equal(context.message, "Unhandled exception in client_connected_cb");
    assert.equal(context.exception, boom);
    assert.ok(context.transport instanceof asyncio.Transport);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
  }));

it("a cancelled client callback closes the connection without a report", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const contexts: asyncio.ExceptionContext[] = [];
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => contexts.push(context));
    const server = res.server(
      await startServer(
        async (_r, w) => {
          res.writer(w);
          asyncio.currentTask()?.cancel();
          await asyncio.sleep(0);
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    assert.deepEqual(await reader.read(), b(""));
    assert.deepEqual(contexts, []);
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
  }));

for (const mode of ["normal", "debug"]) {
  it(`run() closes the servers and sockets a task left open, and the program exits (${mode} mode)`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-leftover-"));
    try {
      const sock = path.join(dir, "s.sock");
      const fixture = new URL("./fixtures/leftover-sockets.ts", import.meta.url);
      const { stdout, stderr } = await execFileAsync(process.execPath, [fileURLToPath(fixture), mode, sock], {
        timeout: 20_000,
      });
      assert.equal(stdout, "left open\nrun returned\n");
      if (mode === "debug") {
        // The listening TCP and Unix servers, the client's socket and the accepted one.
        assert.equal(stderr.match(/ResourceWarning: unclosed <Server /g)?.length, 2, stderr);
        assert.equal(stderr.match(/ResourceWarning: unclosed transport /g)?.length, 2, stderr);
      } else {
        assert.equal(stderr, "");
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

it("AbstractServer (CPython's asyncio.AbstractServer): Server extends it; a server of one's own gets with()", () =>
  runNet(async () => {
    const server = await asyncio.startServer(() => {}, HOST, 0);
    assert.ok(server instanceof asyncio.AbstractServer);
    const calls: string[] = [];
    class Mine extends asyncio.AbstractServer {
      #closed = false;
      close(): void {
        calls.push("close");
        this.#closed = true;
      }
      closeClients(): void {}
      abortClients(): void {}
      getLoop(): asyncio.BaseEventLoop {
        return asyncio.getRunningLoop();
      }
      isServing(): boolean {
        return !this.#closed;
      }
      startServing(): asyncio.Coroutine<void> {
        return asyncio.coroutine(async () => {})();
      }
      serveForever(): asyncio.Coroutine<never> {
        return asyncio.coroutine(async (): Promise<never> => {
          await asyncio.sleep(3600);
          throw new Error("unreachable");
        })();
      }
      waitClosed(): asyncio.Coroutine<void> {
        return asyncio.coroutine(async () => {
          calls.push("waitClosed");
        })();
      }
    }
    const mine = new Mine();
    // Python's `async with server:` — close() then `await wait_closed()` on the way out.
    assert.equal(
      await mine.with((s) => {
        calls.push(`body serving=${String(s.isServing())}`);
        return 7;
      }),
      7,
    );
    assert.deepEqual(calls, ["body serving=true", "close", "waitClosed"]);
    await server.with(() => {});
    assert.equal(server.isServing(), false);
  }));
