// Ports, by behaviour, the stream-socket cases of CPython 3.13 Lib/test/test_asyncio/test_events.py
// (test_create_connection*, test_create_server*, test_create_unix_*, test_connect_accepted_socket) and
// test_selector_events.py (SelectorSocketTransportTests: eof/half-close, pause/resume reading, write flow control,
// close vs abort), over real `node:net` sockets on 127.0.0.1 and a Unix socket. Every test runs on the real loop
// under a 10 s asyncio timeout; Resources' t.after() closes whatever a failing test left open.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as asyncio from "../src/index.ts";
import { HOST, openHandles, port, Resources, runNet, until } from "./helpers/net.ts";

/** A protocol that records every call (consecutive data as one "data"), and resolves `lost`. */
class Recorder extends asyncio.Protocol {
  readonly calls: string[] = [];
  readonly received: Buffer[] = [];
  transport: asyncio.SocketTransport | null = null;
  keepOpen: unknown = undefined;
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  onMade: ((t: asyncio.SocketTransport) => void) | null = null;
  onEof: ((t: asyncio.SocketTransport) => void) | null = null;
  resumeSize = -1;
  override connectionMade(transport: asyncio.SocketTransport): void {
    this.calls.push("made");
    this.transport = transport;
    this.onMade?.(transport);
  }
  override dataReceived(data: Buffer): void {
    if (this.calls.at(-1) !== "data") this.calls.push("data");
    this.received.push(data);
  }
  override eofReceived(): unknown {
    this.calls.push("eof");
    if (this.transport !== null) this.onEof?.(this.transport);
    return this.keepOpen;
  }
  override pauseWriting(): void {
    this.calls.push("pause");
  }
  override resumeWriting(): void {
    this.calls.push("resume");
    this.resumeSize = this.transport?.getWriteBufferSize() ?? -1;
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push("lost");
    this.lost.setResult(exc);
  }
  text(): string {
    return Buffer.concat(this.received).toString();
  }
}

/** A server whose protocols are Recorders, kept in `protocols`. */
async function recordingServer(
  res: Resources,
  setup: (p: Recorder) => void = () => undefined,
): Promise<[asyncio.Server, Recorder[]]> {
  const protocols: Recorder[] = [];
  const server = await asyncio.getRunningLoop().createServer(
    () => {
      const p = new Recorder();
      setup(p);
      protocols.push(p);
      return p;
    },
    HOST,
    0,
  );
  return [res.server(server), protocols];
}

async function closeServer(server: asyncio.Server): Promise<void> {
  server.close();
  await server.waitClosed();
}

describe("loop.createConnection() and loop.createServer()", () => {
  it("calls connectionMade, dataReceived, eofReceived, connectionLost(null) in order on both sides", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await recordingServer(res);
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      // Awaited after connectionMade, as CPython's waiter.
      assert.deepEqual(client.calls, ["made"]);
      assert.equal(client.transport, transport);
      assert.deepEqual(transport.getExtraInfo("peername"), [HOST, port(server)]);
      assert.equal((transport.getExtraInfo("sockname") as [string, number])[0], HOST);
      assert.ok(transport.getExtraInfo("socket") instanceof net.Socket);
      assert.equal(transport.getExtraInfo("nothing", "default"), "default");
      assert.ok(transport.isReading());
      assert.ok(transport.canWriteEof());
      transport.writelines([Buffer.from("hello "), Buffer.from("world")]);
      transport.writeEof();
      await until(() => protocols[0]?.calls.includes("lost") === true, "the server side is lost");
      const sp = protocols[0] as Recorder;
      // eofReceived returned undefined: the server's transport closed itself.
      assert.deepEqual(sp.calls, ["made", "data", "eof", "lost"]);
      assert.equal(sp.text(), "hello world");
      assert.equal(await sp.lost, null);
      assert.equal(await client.lost, null);
      assert.deepEqual(client.calls, ["made", "eof", "lost"]);
      assert.ok(transport.isClosing());
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("keeps a half-closed connection open when eofReceived returns true, and writes after the peer's EOF", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await recordingServer(res, (p) => {
        p.keepOpen = true;
        p.onEof = (tr) => {
          // Still open: answer, then close.
          assert.equal(tr.isClosing(), false);
          tr.write(Buffer.from(`got ${p.text()}`));
          tr.close();
        };
      });
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      transport.write(Buffer.from("question"));
      transport.writeEof();
      assert.throws(() => {
        transport.write(Buffer.from("more"));
      }, /Cannot call write\(\) after write_eof\(\)/);
      assert.equal(await client.lost, null);
      assert.equal(client.text(), "got question");
      assert.deepEqual(client.calls, ["made", "data", "eof", "lost"]);
      assert.deepEqual(protocols[0]?.calls, ["made", "data", "eof", "lost"]);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("calls pauseWriting over the high-water mark and resumeWriting at the low one, with a peer that does not read", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      // A peer that reads nothing until told to.
      const peers: net.Socket[] = [];
      const raw = res.server(
        net.createServer({ pauseOnConnect: true }, (s) => {
          peers.push(res.socket(s));
        }),
      );
      await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
      const rawPort = (raw.address() as net.AddressInfo).port;
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, rawPort);
      assert.deepEqual(transport.getWriteBufferLimits(), [16384, 65536]);
      transport.setWriteBufferLimits(32768);
      assert.deepEqual(transport.getWriteBufferLimits(), [8192, 32768]);
      assert.throws(() => {
        transport.setWriteBufferLimits(1, 2);
      }, /high \(1\) must be >= low \(2\) must be >= 0/);
      const chunk = Buffer.alloc(16384, 0x61);
      let sizeAtPause = -1;
      for (let i = 0; i < 4096 && !client.calls.includes("pause"); i++) {
        transport.write(chunk);
        sizeAtPause = transport.getWriteBufferSize();
        // Let the kernel take what it can: the buffer grows only once its socket buffers are full.
        if (i % 16 === 0) await asyncio.sleep(0);
      }
      assert.deepEqual(client.calls, ["made", "pause"]);
      assert.ok(sizeAtPause > 32768, `paused at ${sizeAtPause} bytes`);
      // Paused and resumed calls are paired: more writes do not pause again.
      transport.write(chunk);
      assert.deepEqual(client.calls, ["made", "pause"]);
      await until(() => peers.length === 1, "the peer is accepted");
      peers[0]?.resume();
      await until(() => client.calls.includes("resume"), "resumeWriting is called");
      assert.ok(client.resumeSize <= 8192, `resumed at ${client.resumeSize} bytes`);
      assert.deepEqual(client.calls, ["made", "pause", "resume"]);
      transport.abort();
      assert.equal(await client.lost, null);
      peers[0]?.destroy();
      raw.close();
      await res.noLeaks(base);
    }));

  it("delivers no data while reading is paused, and all of it after resumeReading()", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await recordingServer(res, (p) => {
        p.onMade = (tr) => {
          tr.pauseReading();
        };
      });
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      transport.write(Buffer.from("abc"));
      transport.writeEof();
      await until(() => protocols.length === 1, "the server accepted");
      const sp = protocols[0] as Recorder;
      await asyncio.sleep(0.05);
      assert.deepEqual(sp.calls, ["made"]);
      const st = sp.transport;
      assert.ok(st !== null);
      assert.equal(st.isReading(), false);
      st.resumeReading();
      assert.equal(st.isReading(), true);
      assert.equal(await sp.lost, null);
      assert.deepEqual(sp.calls, ["made", "data", "eof", "lost"]);
      assert.equal(sp.text(), "abc");
      await client.lost;
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("delivers data and EOF held by pauseReading() before connectionLost, when both ends have ended", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await recordingServer(res, (p) => {
        p.onMade = (tr) => {
          tr.writeEof();
        };
      });
      const [transport, client] = await loop.createConnection(
        () => {
          const r = new Recorder();
          r.keepOpen = true;
          return r;
        },
        HOST,
        port(server),
      );
      await until(() => client.calls.includes("eof"), "the client got the server's EOF");
      await until(() => protocols.length === 1, "accepted");
      const sp = protocols[0] as Recorder;
      const paused = sp.transport;
      assert.ok(paused !== null);
      paused.pauseReading();
      transport.write(Buffer.from("abc"));
      transport.writeEof();
      await asyncio.sleep(0.05);
      assert.deepEqual(sp.calls, ["made"]);
      paused.resumeReading();
      assert.equal(await sp.lost, null);
      assert.deepEqual(sp.calls, ["made", "data", "eof", "lost"]);
      assert.equal(sp.text(), "abc");
      await client.lost;
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("close() flushes the buffer before connectionLost; abort() drops it", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await recordingServer(res, (p) => {
        p.keepOpen = true;
      });
      const big = Buffer.alloc(4 * 1024 * 1024, 0x62);
      const [t1, c1] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      t1.write(big);
      t1.close();
      assert.ok(t1.isClosing());
      assert.equal(t1.isReading(), false);
      t1.close(); // a second close is a no-op
      assert.equal(await c1.lost, null);
      await until(() => protocols[0]?.calls.includes("eof") === true, "the server got everything");
      assert.equal(Buffer.concat(protocols[0]?.received ?? []).length, big.length);
      protocols[0]?.transport?.close();

      const [t2, c2] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      t2.write(big);
      t2.abort();
      assert.ok(t2.isClosing());
      assert.equal(await c2.lost, null);
      assert.deepEqual(c2.calls, ["made", "pause", "lost"]);
      // Writes after the loss are dropped silently.
      t2.write(Buffer.from("x"));
      // The peer sees the connection end (what the kernel had taken before the abort still arrives).
      await until(() => protocols[1]?.calls.includes("eof") === true, "the server saw the abort");
      protocols[1]?.transport?.close();
      assert.equal(await protocols[1]?.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("rejects with ECONNREFUSED when nothing listens, leaking nothing", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server] = await recordingServer(res);
      const p = port(server);
      await closeServer(server);
      let made = 0;
      await assert.rejects(
        loop.createConnection(
          () => {
            made++;
            return new Recorder();
          },
          HOST,
          p,
        ),
        (e: NodeJS.ErrnoException) => e.code === "ECONNREFUSED",
      );
      assert.equal(made, 0);
      await res.noLeaks(base);
    }));

  it("refuses bad arguments with clear errors", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      await assert.rejects(
        loop.createConnection(42 as never, HOST, 1),
        /protocolFactory must be a function returning a Protocol \(or a protocol class\), got 42/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder()),
        /host and port was not specified and no sock specified/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder(), HOST, 1, { sock: new net.Socket() }),
        /host\/port and sock can not be specified at the same time/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder(), HOST, 1, { serverHostname: "x" }),
        /server_hostname is only meaningful with ssl/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder(), HOST, 1, { ssl: true, sslHandshakeTimeout: 0 }),
        /^RangeError: ssl_handshake_timeout should be a positive number, got 0$/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder(), null, null, { sock: "nope" as never }),
        /A Stream Socket was expected, got 'nope'/,
      );
      await assert.rejects(
        loop.createConnection(() => new Recorder(), HOST, 1, { family: 99 }),
        /family must be socket.AF_INET, socket.AF_INET6 or 0, got 99/,
      );
      await assert.rejects(
        loop.createServer(() => new Recorder(), HOST, 0, { reuseAddress: false }),
        /reuseAddress=false is not supported/,
      );
      await assert.rejects(
        loop.createServer(() => new Recorder(), HOST, 0, { ssl: true as never }),
        /ssl argument must be an SSLContext or None/,
      );
      await assert.rejects(
        loop.createUnixConnection(() => new Recorder()),
        /no path and sock were specified/,
      );
      const [server] = await recordingServer(res);
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      assert.throws(() => {
        transport.write("text" as never);
      }, /data argument must be a bytes-like object, not 'str'/);
      transport.close();
      await client.lost;
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("feeds a BufferedProtocol through getBuffer/bufferUpdated", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      class Collect extends asyncio.BufferedProtocol {
        readonly buf = Buffer.alloc(7);
        readonly got: Buffer[] = [];
        readonly calls: string[] = [];
        readonly lost = loop.createFuture<null>();
        override getBuffer(sizehint: number): Uint8Array {
          assert.ok(sizehint > 0);
          return this.buf;
        }
        override bufferUpdated(nbytes: number): void {
          this.got.push(Buffer.from(this.buf.subarray(0, nbytes)));
        }
        override eofReceived(): unknown {
          this.calls.push("eof");
          return undefined;
        }
        override connectionLost(): void {
          this.lost.setResult(null);
        }
      }
      const collectors: Collect[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const c = new Collect();
            collectors.push(c);
            return c;
          },
          HOST,
          0,
        ),
      );
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      const data = Buffer.from("0123456789abcdefghijklmnopqrstuvwxyz".repeat(100));
      transport.write(data);
      transport.writeEof();
      await until(() => collectors.length === 1, "accepted");
      await collectors[0]?.lost;
      assert.deepEqual(Buffer.concat(collectors[0]?.got ?? []), data);
      assert.ok((collectors[0]?.got ?? []).every((b) => b.length <= 7));
      assert.deepEqual(collectors[0]?.calls, ["eof"]);
      await client.lost;
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("takes an existing socket: createConnection(sock), connectAcceptedSocket, createServer(sock)", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const raw = res.server(net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
      await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
      const server = res.server(await loop.createServer(() => new Recorder(), null, null, { sock: raw }));
      assert.ok(server.isServing());
      const sock = res.socket(
        net.connect({ host: HOST, port: (raw.address() as net.AddressInfo).port, allowHalfOpen: true }),
      );
      const [transport, client] = await loop.createConnection(() => new Recorder(), null, null, { sock });
      assert.equal(transport.getExtraInfo("socket"), sock);
      transport.close();
      assert.equal(await client.lost, null);
      await closeServer(server);
      assert.equal(raw.listening, false);

      // connectAcceptedSocket: a connection accepted by a plain node:net server.
      const accepted: net.Socket[] = [];
      const plain = res.server(
        net.createServer({ allowHalfOpen: true }, (s) => accepted.push(res.socket(s))),
      );
      await new Promise<void>((resolve) => plain.listen(0, HOST, resolve));
      const [ct, cp] = await loop.createConnection(
        () => new Recorder(),
        HOST,
        (plain.address() as net.AddressInfo).port,
      );
      await until(() => accepted.length === 1, "accepted");
      const [st, sp] = await loop.connectAcceptedSocket(() => new Recorder(), accepted[0] as net.Socket);
      assert.deepEqual(sp.calls, ["made"]);
      ct.write(Buffer.from("over"));
      ct.writeEof();
      assert.equal(await sp.lost, null);
      assert.equal(sp.text(), "over");
      assert.ok(st.isClosing());
      await cp.lost;
      plain.close();
      await res.noLeaks(base);
    }));

  it("holds connections until startServing() with startServing: false", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const protocols: Recorder[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new Recorder();
            protocols.push(p);
            return p;
          },
          HOST,
          0,
          { startServing: false },
        ),
      );
      assert.equal(server.isServing(), false);
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      transport.write(Buffer.from("early"));
      await asyncio.sleep(0.05);
      assert.equal(protocols.length, 0);
      await server.startServing();
      assert.ok(server.isServing());
      await until(() => protocols[0]?.text() === "early", "the held connection is served");
      server.closeClients();
      assert.equal(await client.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));
});

describe("loop.createUnixConnection() and loop.createUnixServer()", () => {
  it("echoes over a Unix socket; the names are the path on one side and '' on the other", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-"));
      t.after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
      });
      const sockPath = path.join(dir, "s.sock");
      const protocols: Recorder[] = [];
      const server = res.server(
        await loop.createUnixServer(() => {
          const p = new Recorder();
          p.keepOpen = true;
          p.onEof = (tr) => {
            tr.write(Buffer.from(p.text().toUpperCase()));
            tr.close();
          };
          protocols.push(p);
          return p;
        }, sockPath),
      );
      assert.equal(server.sockets[0]?.getsockname(), sockPath);
      const [transport, client] = await loop.createUnixConnection(() => new Recorder(), sockPath);
      assert.equal(transport.getExtraInfo("peername"), sockPath);
      assert.equal(transport.getExtraInfo("sockname"), "");
      transport.write(Buffer.from("unix"));
      transport.writeEof();
      assert.equal(await client.lost, null);
      assert.equal(client.text(), "UNIX");
      assert.equal(protocols[0]?.transport?.getExtraInfo("sockname"), sockPath);
      await closeServer(server);
      await res.noLeaks(base);
    }));
});

describe("sock= for the stream functions, and socketpair()", () => {
  it("differs: socketpair — a coroutine over a temporary Unix socket it removes; openConnection(sock) and startServer(sock) take existing sockets", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const pairDirs = (): string[] =>
        fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith("asyncio-ts-pair-"));
      const dirsBefore = pairDirs().length;
      const [a, b] = await asyncio.socketpair();
      assert.ok(pairDirs().length <= dirsBefore, "the temporary directory is removed");
      res.socket(a);
      res.socket(b);
      const [reader, writer] = await asyncio.openConnection(null, null, { sock: a });
      assert.equal(writer.getExtraInfo("peername"), "");
      assert.equal(writer.getExtraInfo("socket"), a);
      b.write("line\n");
      assert.equal((await reader.readline()).toString(), "line\n");
      writer.write("back");
      writer.close();
      await writer.waitClosed();
      const chunks: Buffer[] = [];
      b.on("data", (c: Buffer) => chunks.push(c));
      await until(() => b.readableEnded, "the pair's other end sees the end");
      assert.equal(Buffer.concat(chunks).toString(), "back");
      b.destroy();

      const raw = res.server(net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
      await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
      const server = res.server(
        await asyncio.startServer(
          async (r, w) => {
            w.write(await r.readline());
            w.close();
          },
          null,
          null,
          { sock: raw },
        ),
      );
      const [r2, w2] = await res.connect((raw.address() as net.AddressInfo).port);
      w2.write("echo\n");
      assert.equal((await r2.read()).toString(), "echo\n");
      w2.close();
      await w2.waitClosed();
      await closeServer(server);
      await assert.rejects(
        asyncio.openConnection(HOST, 1, { sock: new net.Socket() }),
        /host\/port and sock can not be specified at the same time/,
      );
      await assert.rejects(
        asyncio.startServer(() => undefined, HOST, 0, { sock: new net.Server() }),
        /host\/port and sock can not be specified at the same time/,
      );
      await assert.rejects(
        asyncio.startServer(() => undefined, null, null, { sock: new net.Server() }),
        /sock must be a listening net.Server/,
      );
      await res.noLeaks(base);
    }));
});

describe("sock= takes a file descriptor", () => {
  for (const mode of ["open", "create"] as const) {
    it(`${mode === "open" ? "openConnection" : "loop.createConnection"}({ sock: fd }) in a child given a connected socket as fd 3`, (t) =>
      runNet(async () => {
        const res = new Resources(t);
        const lines: string[] = [];
        const server = res.server(
          net.createServer((s) => {
            res.socket(s);
            s.setEncoding("latin1");
            s.on("data", (chunk: string) => {
              lines.push(chunk);
              s.write("reply\n");
            });
            s.on("error", () => {});
          }),
        );
        await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
        const client = res.socket(net.connect((server.address() as net.AddressInfo).port, HOST));
        await new Promise((resolve) => client.once("connect", resolve));
        // Node duplicates the socket's descriptor into the child as its fd 3; ours is closed then.
        const child = spawn(
          process.execPath,
          [fileURLToPath(new URL("./fixtures/sock-fd.ts", import.meta.url)), mode],
          {
            stdio: ["ignore", "pipe", "inherit", client],
          },
        );
        t.after(() => child.kill());
        client.destroy();
        let out = "";
        const stdout = child.stdout;
        assert.ok(stdout !== null);
        stdout.setEncoding("utf8");
        stdout.on("data", (chunk: string) => {
          out += chunk;
        });
        const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
        assert.equal(code, 0);
        assert.equal(out, "reply\n");
        assert.deepEqual(lines, [
          `hello from fd 3 (${mode === "open" ? "openConnection" : "createConnection"})\n`,
        ]);
      }));
  }
});
