// TLS on the protocol loop methods, by behaviour, after CPython 3.13 Lib/test/test_asyncio/test_sslproto.py
// (test_handshake_timeout, test_start_tls_client_reg_proto_1, test_start_tls_server_1,
// test_create_connection_ssl_failed_certificate, test_start_tls_wrong_args) and test_ssl.py
// (test_create_connection_ssl_1, test_create_server_ssl_1, test_shutdown_timeout_handler_*),
// over real `node:tls` sockets on 127.0.0.1 and a Unix socket, with a self-signed certificate for
// 127.0.0.1 and localhost. Every test runs on the real loop under a 10 s asyncio timeout, checks
// that no socket handle outlives it, and t.after() destroys whatever a failing test left open.
import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import * as asyncio from "../src/index.ts";
import { captureStderr } from "./helpers/loops.ts";
import { hasCode, HOST, openHandles, port, Resources, runNet, until } from "./helpers/net.ts";
import { selfSignedCertificate, type SelfSigned } from "./helpers/tls.ts";

let cert: SelfSigned;
before(() => {
  cert = selfSignedCertificate("ec");
});

const serverSsl = (): asyncio.SSLOptions => ({ key: cert.key, cert: cert.cert });
const clientSsl = (): asyncio.SSLOptions => ({ ca: cert.cert });

/** A protocol that records its calls (consecutive data as one "data") and what it received. */
class Recorder extends asyncio.Protocol {
  readonly calls: string[] = [];
  readonly received: Buffer[] = [];
  transport: asyncio.SocketTransport | null = null;
  keepOpen: unknown = undefined;
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  onMade: ((t: asyncio.SocketTransport) => void) | null = null;
  onData: ((data: Buffer) => void) | null = null;
  override connectionMade(transport: asyncio.SocketTransport): void {
    this.calls.push("made");
    this.transport = transport;
    this.onMade?.(transport);
  }
  override dataReceived(data: Buffer): void {
    if (this.calls.at(-1) !== "data") this.calls.push("data");
    this.received.push(data);
    this.onData?.(data);
  }
  override eofReceived(): unknown {
    this.calls.push("eof");
    return this.keepOpen;
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push("lost");
    this.lost.setResult(exc);
  }
  text(): string {
    return Buffer.concat(this.received).toString();
  }
}

/** An echo server over TLS whose protocols are Recorders. */
async function tlsEchoServer(
  res: Resources,
  options: asyncio.CreateServerOptions = {},
): Promise<[asyncio.Server, Recorder[]]> {
  const protocols: Recorder[] = [];
  const server = await asyncio.getRunningLoop().createServer(
    () => {
      const p = new Recorder();
      p.onData = (data) => p.transport?.write(Buffer.concat([Buffer.from("echo: "), data]));
      protocols.push(p);
      return p;
    },
    HOST,
    0,
    { ssl: serverSsl(), ...options },
  );
  return [res.server(server), protocols];
}

/** A plain TCP server that accepts and never answers (a TLS peer that never completes a handshake). */
async function silentServer(res: Resources): Promise<net.Server> {
  // Reading, so that it sees the client's close (and closes too).
  const server = res.server(
    net.createServer((s) =>
      res
        .socket(s)
        .on("error", () => {})
        .resume(),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return server;
}

async function closeServer(server: asyncio.Server): Promise<void> {
  server.close();
  server.closeClients();
  await server.waitClosed();
}

describe("ssl= on createConnection() and createServer()", () => {
  it("runs connectionMade after the handshake, echoes, and closes with connectionLost(null) on both sides", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await tlsEchoServer(res);
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server), {
        ssl: clientSsl(),
      });
      assert.deepEqual(client.calls, ["made"]);
      assert.equal(client.transport, transport);
      // What getExtraInfo() gives over TLS.
      assert.ok(transport.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
      assert.ok(transport.getExtraInfo("socket") instanceof net.Socket);
      assert.deepEqual(transport.getExtraInfo("peername"), [HOST, port(server)]);
      const cipher = transport.getExtraInfo("cipher");
      assert.ok(Array.isArray(cipher));
      assert.match(cipher[0], /^TLS_|AES|CHACHA/);
      assert.match(cipher[1], /^TLSv1\.[23]$/);
      assert.equal(transport.getExtraInfo("compression"), null);
      assert.equal(transport.getExtraInfo("peercert")?.subject.CN, "localhost");
      assert.equal(
        Object.getPrototypeOf(transport.getExtraInfo("sslcontext")),
        Object.getPrototypeOf(tls.createSecureContext()),
      );
      // CPython's _SSLProtocolTransport: no half-close.
      assert.equal(transport.canWriteEof(), false);
      assert.throws(
        () => {
          transport.writeEof();
        },
        { name: "NotImplementedError", message: "writeEof() is not supported by TLS transports" },
      );
      assert.match(String(transport), /^<SocketTransport tls peername=\('127\.0\.0\.1', \d+\)>$/);
      transport.write(Buffer.from("hello"));
      await until(() => client.text() === "echo: hello", "the echo came back");
      const sp = protocols[0] as Recorder;
      const st = sp.transport as asyncio.SocketTransport;
      assert.equal(st.getExtraInfo("peercert"), null, "the client sent no certificate");
      assert.equal(st.canWriteEof(), false);
      transport.close();
      assert.equal(await client.lost, null);
      // The close_notify reached the server: its protocol saw the end, then the loss. The
      // client, which closed, sees the server's close_notify as an end too (CPython 3.13 does).
      assert.equal(await sp.lost, null);
      assert.deepEqual(sp.calls, ["made", "data", "eof", "lost"]);
      assert.deepEqual(client.calls, ["made", "data", "eof", "lost"]);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("over a Unix socket, with serverHostname required", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-tls-unix-"));
      t.after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
      });
      const where = path.join(dir, "s");
      const protocols: Recorder[] = [];
      const server = res.server(
        await loop.createUnixServer(
          () => {
            const p = new Recorder();
            p.onMade = (tr) => {
              tr.write(Buffer.from("hi"));
            };
            protocols.push(p);
            return p;
          },
          where,
          { ssl: serverSsl() },
        ),
      );
      await assert.rejects(
        loop.createUnixConnection(() => new Recorder(), where, { ssl: clientSsl() }),
        {
          name: "RangeError",
          message: "you have to pass server_hostname when using ssl",
        },
      );
      const [transport, client] = await loop.createUnixConnection(() => new Recorder(), where, {
        ssl: clientSsl(),
        serverHostname: "localhost",
      });
      assert.equal(transport.getExtraInfo("peername"), where);
      await until(() => client.text() === "hi", "the greeting came");
      transport.close();
      assert.equal(await client.lost, null);
      assert.equal(await (protocols[0] as Recorder).lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("fails on an unverifiable certificate: no protocol is made on either side, nothing leaks", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await tlsEchoServer(res);
      let made = 0;
      const factory = (): Recorder => {
        made++;
        return new Recorder();
      };
      // ssl: true trusts Node's bundled roots only.
      await assert.rejects(
        loop.createConnection(factory, HOST, port(server), { ssl: true }),
        hasCode("DEPTH_ZERO_SELF_SIGNED_CERT"),
      );
      // The right CA but the wrong name.
      await assert.rejects(
        loop.createConnection(factory, HOST, port(server), {
          ssl: clientSsl(),
          serverHostname: "example.com",
        }),
        hasCode("ERR_TLS_CERT_ALTNAME_INVALID"),
      );
      // CPython makes the protocol before the handshake; its connectionMade never runs.
      assert.equal(made, 2);
      await asyncio.sleep(0.05);
      assert.ok(protocols.every((p) => p.calls.length === 0));
      // serverHostname "" skips the name check, not the chain's.
      const [transport, client] = await loop.createConnection(factory, HOST, port(server), {
        ssl: clientSsl(),
        serverHostname: "",
      });
      transport.close();
      assert.equal(await client.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("aborts a handshake that takes longer than sslHandshakeTimeout (client side)", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const silent = await silentServer(res);
      const { port: p } = silent.address() as net.AddressInfo;
      const started = loop.time();
      await assert.rejects(
        loop.createConnection(() => new Recorder(), HOST, p, { ssl: clientSsl(), sslHandshakeTimeout: 0.1 }),
        (e: unknown) => {
          assert.equal((e as NodeJS.ErrnoException).code, "ECONNABORTED");
          assert.equal(
            (e as Error).message,
            "SSL handshake is taking longer than 0.1 seconds: aborting the connection",
          );
          return true;
        },
      );
      assert.ok(loop.time() - started >= 0.09);
      silent.close();
      await res.noLeaks(base);
    }));

  it("closes a connection whose handshake takes longer than sslHandshakeTimeout (server side)", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const [server, protocols] = await tlsEchoServer(res, { sslHandshakeTimeout: 0.1 });
      // A client that connects and never says hello.
      const sock = res.socket(net.connect(port(server), HOST));
      sock.on("error", () => {});
      let closed = false;
      sock.on("close", () => (closed = true));
      await until(() => closed, "the server closed the silent connection");
      assert.equal(protocols.length, 1);
      assert.deepEqual((protocols[0] as Recorder).calls, []);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("runs a server's handshakes without tasks, and closeClients() ends those under way", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const [server, protocols] = await tlsEchoServer(res);
      const sock = res.socket(net.connect(port(server), HOST));
      sock.on("error", () => {});
      let closed = false;
      sock.on("close", () => (closed = true));
      await until(() => protocols.length === 1, "the server accepted");
      // CPython runs a server's handshakes in its SSLProtocol, not in tasks.
      assert.equal(asyncio.allTasks().size, 1);
      server.close();
      server.closeClients();
      await server.waitClosed();
      await until(() => closed, "the handshaking connection is closed");
      assert.deepEqual((protocols[0] as Recorder).calls, []);
      await res.noLeaks(base);
    }));

  it("closes on the peer's end even when eofReceived returns true, with CPython's warning", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server, protocols] = await tlsEchoServer(res);
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server), {
        ssl: clientSsl(),
      });
      client.keepOpen = true;
      await until(
        () => protocols.length === 1 && protocols[0]?.transport !== null,
        "the server side is made",
      );
      const records = await captureStderr(async () => {
        (protocols[0] as Recorder).transport?.close();
        assert.equal(await client.lost, null);
      });
      assert.deepEqual(client.calls, ["made", "eof", "lost"]);
      assert.equal(transport.isClosing(), true);
      assert.deepEqual(
        records.filter((r) => r.includes("eof_received")),
        ["returning true from eof_received() has no effect when using ssl"],
      );
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("connectAcceptedSocket(ssl=) runs the server side of the handshake", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const accepted = loop.createFuture<net.Socket>();
      const listener = res.server(
        net.createServer({ pauseOnConnect: true }, (s) => {
          accepted.setResult(res.socket(s));
        }),
      );
      await new Promise<void>((resolve) => listener.listen(0, HOST, resolve));
      const { port: p } = listener.address() as net.AddressInfo;
      const connecting = loop.createTask(
        loop.createConnection(() => new Recorder(), HOST, p, { ssl: clientSsl() }),
      );
      const [serverSide, sp] = await loop.connectAcceptedSocket(() => new Recorder(), await accepted, {
        ssl: serverSsl(),
      });
      const [transport, client] = await connecting;
      assert.deepEqual(sp.calls, ["made"]);
      assert.ok(serverSide.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
      transport.write(Buffer.from("over tls"));
      await until(() => sp.text() === "over tls", "the accepted side got the data");
      await assert.rejects(
        loop.connectAcceptedSocket(() => new Recorder(), new net.Socket(), { ssl: true as never }),
        {
          name: "TypeError",
          message: "ssl argument must be an SSLContext or None",
        },
      );
      serverSide.close();
      assert.equal(await client.lost, null);
      assert.equal(await sp.lost, null);
      listener.close();
      await res.noLeaks(base);
    }));

  it("close() gives up after sslShutdownTimeout when the peer does not read: TimeoutError", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const protocols: Recorder[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new Recorder();
            // Never reads: the client's data piles up in the kernel buffers.
            p.onMade = (tr) => {
              tr.pauseReading();
            };
            protocols.push(p);
            return p;
          },
          HOST,
          0,
          { ssl: serverSsl() },
        ),
      );
      const [transport, client] = await loop.createConnection(() => new Recorder(), HOST, port(server), {
        ssl: clientSsl(),
        sslShutdownTimeout: 0.2,
      });
      const chunk = Buffer.alloc(1 << 20, 0x61);
      for (let i = 0; i < 64 && transport.getWriteBufferSize() < 8 << 20; i++) {
        transport.write(chunk);
        await asyncio.sleep(0.005);
      }
      assert.ok(transport.getWriteBufferSize() > 0, "the writes were all taken");
      transport.close();
      const exc = await client.lost;
      assert.ok(exc instanceof asyncio.TimeoutError);
      assert.equal(exc.message, "SSL shutdown timed out");
      await closeServer(server);
      await res.noLeaks(base);
    }));
});

/** A STARTTLS server: plain lines until "STARTTLS\n", then "GO\n" and TLS, echoing. */
class StartTlsServer extends asyncio.Protocol {
  transport: asyncio.SocketTransport | null = null;
  old: asyncio.SocketTransport | null = null;
  plain = "";
  secure = "";
  readonly upgraded: asyncio.Future<asyncio.SocketTransport> = asyncio.getRunningLoop().createFuture();
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  override connectionMade(transport: asyncio.SocketTransport): void {
    this.transport = transport;
  }
  override dataReceived(data: Buffer): void {
    if (this.old !== null) {
      this.secure += data.toString();
      this.transport?.write(Buffer.from(`echo: ${data.toString()}`));
      return;
    }
    this.plain += data.toString();
    if (!this.plain.endsWith("STARTTLS\n")) return;
    const transport = this.transport as asyncio.SocketTransport;
    this.old = transport;
    transport.write(Buffer.from("GO\n"));
    const loop = asyncio.getRunningLoop();
    const task = loop.createTask(loop.startTls(transport, this, serverSsl(), { serverSide: true }));
    task.addDoneCallback(() => {
      if (task.cancelled()) return;
      const exc = task.exception();
      if (exc !== null) this.upgraded.setException(exc);
      else {
        this.transport = task.result();
        this.upgraded.setResult(task.result());
      }
    });
  }
  override connectionLost(exc: Error | null): void {
    this.lost.setResult(exc);
  }
}

describe("loop.startTls()", () => {
  it("upgrades a client and a server transport after a plaintext exchange (STARTTLS)", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const servers: StartTlsServer[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new StartTlsServer();
            servers.push(p);
            return p;
          },
          HOST,
          0,
        ),
      );
      const [plain, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      plain.write(Buffer.from("HELLO\nSTARTTLS\n"));
      await until(() => client.text() === "GO\n", "the server said GO");
      const secure = await loop.startTls(plain, client, clientSsl(), { serverHostname: HOST });
      // The old transport is done with, without a connectionLost; the protocol carries on.
      assert.notEqual(secure, plain);
      assert.equal(plain.isClosing(), true);
      assert.equal(secure.getProtocol(), client);
      assert.deepEqual(client.calls, ["made", "data"]);
      assert.equal(secure.canWriteEof(), false);
      assert.ok(secure.getExtraInfo("cipher") !== null);
      assert.equal(secure.getExtraInfo("peercert")?.subject.CN, "localhost");
      assert.equal(secure.getExtraInfo("socket"), plain.getExtraInfo("socket"));
      const sp = servers[0] as StartTlsServer;
      const serverSecure = await sp.upgraded;
      assert.equal(sp.plain, "HELLO\nSTARTTLS\n");
      assert.ok(serverSecure.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
      secure.write(Buffer.from("secret"));
      await until(() => client.text() === "GO\necho: secret", "the echo came back over TLS");
      assert.equal(sp.secure, "secret");
      // The TLS socket is the one on the wire: the server's plain socket saw ciphertext.
      assert.ok((serverSecure.getExtraInfo("socket") as net.Socket).bytesRead > 100);
      secure.close();
      assert.equal(await client.lost, null);
      assert.equal(await sp.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("upgrades a TLS transport again (TLS in TLS), as CPython 3.13's TLS transports allow", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const servers: StartTlsServer[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new StartTlsServer();
            servers.push(p);
            return p;
          },
          HOST,
          0,
          { ssl: serverSsl() },
        ),
      );
      const [outer, client] = await loop.createConnection(() => new Recorder(), HOST, port(server), {
        ssl: clientSsl(),
      });
      outer.write(Buffer.from("STARTTLS\n"));
      await until(() => client.text() === "GO\n", "the server said GO");
      const inner = await loop.startTls(outer, client, clientSsl(), { serverHostname: "localhost" });
      const sp = servers[0] as StartTlsServer;
      await sp.upgraded;
      inner.write(Buffer.from("nested"));
      await until(() => client.text() === "GO\necho: nested", "the echo came back through both layers");
      // Each layer has its own TLS socket; the `socket` is still the TCP one.
      assert.notEqual(inner.getExtraInfo("ssl_object"), outer.getExtraInfo("ssl_object"));
      assert.equal(inner.getExtraInfo("socket"), outer.getExtraInfo("socket"));
      // The server still holds the transport it made: closing its clients closes the upgrade.
      server.close();
      server.closeClients();
      assert.equal(await sp.lost, null);
      assert.equal(await client.lost, null);
      await server.waitClosed();
      await res.noLeaks(base);
    }));

  it("hands the handshake what arrived before startTls() was called (reading paused meanwhile)", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const servers: Recorder[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new Recorder();
            // On the command, stop reading: the ClientHello that follows waits for startTls().
            p.onData = () => {
              if (p.text() === "STARTTLS\n") p.transport?.pauseReading();
            };
            servers.push(p);
            return p;
          },
          HOST,
          0,
        ),
      );
      // The client does not wait for an answer: its ClientHello follows the command at once.
      const [plain, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      plain.write(Buffer.from("STARTTLS\n"));
      await until(() => servers[0]?.text() === "STARTTLS\n", "the server read the command");
      const sp = servers[0] as Recorder;
      const upgrading = loop.createTask(loop.startTls(plain, client, clientSsl(), { serverHostname: HOST }));
      // The ClientHello arrives while the server does not read.
      await asyncio.sleep(0.05);
      assert.equal(upgrading.done(), false);
      const serverSecure = await loop.startTls(sp.transport as asyncio.SocketTransport, sp, serverSsl(), {
        serverSide: true,
      });
      const secure = await upgrading;
      secure.write(Buffer.from("after"));
      await until(() => sp.text() === "STARTTLS\nafter", "the server got the data over TLS");
      assert.ok(serverSecure.getExtraInfo("cipher") !== null);
      secure.close();
      assert.equal(await client.lost, null);
      assert.equal(await sp.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("hands the handshake a ClientHello sent right behind a 64 KiB command, before startTls() runs", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const COMMAND = 1 << 16;
      const servers: Recorder[] = [];
      const upgrades: asyncio.Task<asyncio.SocketTransport>[] = [];
      const server = res.server(
        await loop.createServer(
          () => {
            const p = new Recorder();
            p.onData = () => {
              const size = Buffer.concat(p.received).length;
              if (size !== COMMAND || upgrades.length > 0) return;
              // CPython's start_tls pauses reading at once: what follows is for the handshake.
              const tr = p.transport as asyncio.SocketTransport;
              upgrades.push(loop.createTask(loop.startTls(tr, p, serverSsl(), { serverSide: true })));
            };
            servers.push(p);
            return p;
          },
          HOST,
          0,
        ),
      );
      // A 64 KiB command, then in the same tick the ClientHello (a plain node:tls client): it is
      // in the server's socket when the protocol sees the command and asks for startTls().
      const raw = res.socket(net.connect(port(server), HOST));
      raw.on("error", () => {});
      await new Promise<void>((resolve) => raw.once("connect", resolve));
      raw.write(Buffer.alloc(COMMAND, 0x41));
      const tc = res.socket(tls.connect({ socket: raw, ca: cert.cert }));
      tc.on("error", () => {});
      let echoed = "";
      tc.on("data", (chunk: Buffer) => {
        echoed += chunk.toString();
      });
      await until(() => upgrades.length === 1, "the server upgraded");
      const serverSecure = await (upgrades[0] as asyncio.Task<asyncio.SocketTransport>);
      const sp = servers[0] as Recorder;
      assert.equal(Buffer.concat(sp.received).length, COMMAND, "TLS bytes reached the protocol");
      tc.write("after");
      await until(
        () => Buffer.concat(sp.received).length === COMMAND + 5,
        "the server got the data over TLS",
      );
      serverSecure.write(Buffer.from("bye"));
      await until(() => echoed === "bye", "the client got the answer over TLS");
      tc.end();
      assert.equal(await sp.lost, null);
      await closeServer(server);
      await res.noLeaks(base);
    }));

  it("passes on the handshake's error and closes the connection; a cancelled startTls closes it too", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const silent = await silentServer(res);
      const { port: p } = silent.address() as net.AddressInfo;
      const [plain, client] = await loop.createConnection(() => new Recorder(), HOST, p);
      await assert.rejects(
        loop.startTls(plain, client, clientSsl(), { serverHostname: HOST, sslHandshakeTimeout: 0.05 }),
        hasCode(
          "ECONNABORTED",
          /^SSL handshake is taking longer than 0\.05 seconds: aborting the connection$/,
        ),
      );
      assert.equal(plain.isClosing(), true);
      const [plain2, client2] = await loop.createConnection(() => new Recorder(), HOST, p);
      const task = loop.createTask(loop.startTls(plain2, client2, clientSsl(), { serverHostname: HOST }));
      await asyncio.sleep(0.02);
      task.cancel();
      await assert.rejects(
        async () => {
          await task;
        },
        { name: "CancelledError" },
      );
      // Neither protocol hears of it: the caller got the error.
      assert.deepEqual(client.calls, ["made"]);
      assert.deepEqual(client2.calls, ["made"]);
      silent.close();
      await res.noLeaks(base);
    }));

  it("refuses bad arguments with CPython's errors", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const loop = asyncio.getRunningLoop();
      const [server] = await tlsEchoServer(res);
      const [plain, client] = await loop.createConnection(() => new Recorder(), HOST, port(server));
      await assert.rejects(loop.startTls(plain, client, null as never), {
        name: "TypeError",
        message:
          "sslcontext is expected to be an instance of ssl.SSLContext (a tls.SecureContext or SSLOptions), got None",
      });
      const [udp, proto] = await loop.createDatagramEndpoint(() => new asyncio.DatagramProtocol(), {
        localAddr: [HOST, 0],
      });
      await assert.rejects(loop.startTls(udp as never, proto as never, clientSsl()), {
        name: "TypeError",
        message: /^transport <.*> is not supported by start_tls\(\)$/,
      });
      udp.close();
      await assert.rejects(loop.startTls({} as never, client, clientSsl()), {
        name: "TypeError",
        message: /^transport .* is not supported by start_tls\(\)$/,
      });
      // A verifying client needs a name to check.
      await assert.rejects(loop.startTls(plain, client, clientSsl()), {
        name: "RangeError",
        message: "check_hostname requires server_hostname",
      });
      await assert.rejects(
        loop.startTls(plain, client, clientSsl(), { serverHostname: HOST, sslShutdownTimeout: 0 }),
        {
          name: "RangeError",
          message: "ssl_shutdown_timeout should be a positive number, got 0",
        },
      );
      await assert.rejects(
        loop.startTls(plain, client, clientSsl(), { serverHostname: HOST, sslHandshakeTimeout: -1 }),
        {
          name: "RangeError",
          message: "ssl_handshake_timeout should be a positive number, got -1",
        },
      );
      // None of these touched the transport.
      assert.equal(plain.isClosing(), false);
      plain.close();
      // A closed transport cannot be upgraded.
      await assert.rejects(
        loop.startTls(plain, client, clientSsl(), { serverHostname: HOST }),
        hasCode("ECONNRESET"),
      );
      assert.equal(await client.lost, null);
      // The loop methods' options.
      const f = (): Recorder => new Recorder();
      await assert.rejects(loop.createServer(f, HOST, 0, { ssl: true as never }), {
        name: "TypeError",
        message: "ssl argument must be an SSLContext or None",
      });
      await assert.rejects(loop.createServer(f, HOST, 0, { sslShutdownTimeout: 1 }), {
        name: "RangeError",
        message: "ssl_shutdown_timeout is only meaningful with ssl",
      });
      await assert.rejects(loop.createConnection(f, HOST, 1, { sslShutdownTimeout: 1 }), {
        name: "RangeError",
        message: "ssl_shutdown_timeout is only meaningful with ssl",
      });
      await assert.rejects(loop.createConnection(f, HOST, 1, { sslHandshakeTimeout: 1 }), {
        name: "RangeError",
        message: "ssl_handshake_timeout is only meaningful with ssl",
      });
      await assert.rejects(loop.createConnection(f, HOST, 1, { ssl: true, sslShutdownTimeout: -2 }), {
        name: "RangeError",
        message: "ssl_shutdown_timeout should be a positive number, got -2",
      });
      await assert.rejects(loop.createConnection(f, null, null, { ssl: true, sock: 0 }), {
        name: "RangeError",
        message: "You must set server_hostname when using ssl without a host",
      });
      await assert.rejects(loop.createConnection(f, HOST, 1, { ssl: 5 as never }), {
        name: "TypeError",
        message: /^ssl must be a tls\.SecureContext or an SSLOptions object/,
      });
      await closeServer(server);
      await res.noLeaks(base);
    }));
});

describe("the stream functions over the same TLS transport", () => {
  it("openConnection(ssl) against createServer(ssl): writer.transport is the TLS SocketTransport; close() waits for the peer's close_notify", (t) =>
    runNet(async () => {
      const base = openHandles();
      const res = new Resources(t);
      const [server, protocols] = await tlsEchoServer(res);
      const [reader, writer] = await asyncio.openConnection(HOST, port(server), { ssl: clientSsl() });
      res.writer(writer);
      assert.ok(writer.transport instanceof asyncio.Transport);
      assert.match(
        String(writer),
        /^<StreamWriter transport=<SocketTransport tls peername=\('127\.0\.0\.1', \d+\)> reader=/,
      );
      assert.equal(writer.canWriteEof(), false);
      writer.write(Buffer.from("hi"));
      assert.deepEqual(await reader.readexactly(8), Buffer.from("echo: hi"));
      writer.close();
      await writer.waitClosed();
      // The server's protocol had the close_notify (eofReceived) before the connection went.
      const [peer] = protocols;
      assert.ok(peer !== undefined);
      assert.equal(await peer.lost, null);
      assert.deepEqual(peer.calls, ["made", "data", "eof", "lost"]);
      await closeServer(server);
      await res.noLeaks(base);
    }));
});
