// TLS over streams, by behaviour, after CPython 3.13 Lib/test/test_asyncio/test_streams.py
// (test_open_connection_no_loop_ssl, test_start_tls) and test_sslproto.py (handshake timeout,
// failed handshakes, start_tls), over real `node:tls` sockets on 127.0.0.1. A throwaway CA, a
// server certificate it signs (for IP:127.0.0.1 and DNS:localhost) and a self-signed one are made
// once with the openssl CLI. Every test runs on the real loop under a 10 s asyncio timeout, checks
// that no socket handle outlives it, and t.after() destroys whatever a failing test left open.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import * as asyncio from "../src/index.ts";
import {
  openConnection,
  openUnixConnection,
  startServer,
  startUnixServer,
  type Server,
  type SSLOptions,
} from "../src/index.ts";
import { assertCancelled } from "./helpers/index.ts";
import { b, echoOnce, hasCode, HOST, openHandles, port, Resources, runNet } from "./helpers/net.ts";

let dir = "";
let ca: Buffer;
let serverSsl: SSLOptions;
let selfSignedSsl: SSLOptions;
let selfSignedCert: Buffer;
// The handles open before any test: stdio pipes and the like.
let baseHandles = 0;

function openssl(...args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
}

before(() => {
  baseHandles = openHandles();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-tls-"));
  const subj = (cn: string): string[] => ["-subj", `/CN=${cn}`];
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    ...subj("asyncio-ts test CA"),
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    ...subj("localhost"),
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
  );
  fs.writeFileSync(path.join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    "san.cnf",
    "-out",
    "server.pem",
  );
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    ...subj("localhost"),
    "-addext",
    "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout",
    "self.key",
    "-out",
    "self.pem",
  );
  const read = (name: string): Buffer => fs.readFileSync(path.join(dir, name));
  ca = read("ca.pem");
  serverSsl = { key: read("server.key"), cert: read("server.pem") };
  selfSignedCert = read("self.pem");
  selfSignedSsl = { key: read("self.key"), cert: selfSignedCert };
});

after(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A TLS echo server; `calls` counts its client callbacks. */
async function echoServer(res: Resources, ssl: SSLOptions = serverSsl) {
  const state = { calls: 0, server: null as unknown as Server };
  state.server = res.server(
    await startServer(
      (r, w) => {
        state.calls++;
        return echoOnce(r, res.writer(w));
      },
      HOST,
      0,
      { ssl },
    ),
  );
  return state;
}

it("tls echo: the client verifies the server against the CA; extra info", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const serverInfo: unknown[] = [];
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          serverInfo.push(w.getExtraInfo("peercert"), w.getExtraInfo("cipher"), w.canWriteEof());
          await echoOnce(r, w);
        },
        HOST,
        0,
        { ssl: serverSsl },
      ),
    );
    const [reader, writer] = await res.connect(port(server), { ssl: { ca } });
    // CPython: writer.transport is the transport; the TLS socket is the extra "ssl_object".
    assert.ok(writer.transport instanceof asyncio.Transport);
    const sslObject = writer.getExtraInfo("ssl_object");
    assert.ok(sslObject instanceof tls.TLSSocket);
    assert.ok(writer.getExtraInfo("socket") instanceof net.Socket);
    assert.notEqual(writer.getExtraInfo("socket"), sslObject);
    assert.deepEqual(writer.getExtraInfo("peername"), [HOST, port(server)]);
    const peercert = writer.getExtraInfo("peercert") as tls.PeerCertificate;
    assert.equal(peercert.subject.CN, "localhost");
    assert.equal(peercert.subjectaltname, "IP Address:127.0.0.1, DNS:localhost");
    const cipher = writer.getExtraInfo("cipher") as [string, string, number | null];
    assert.equal(cipher.length, 3);
    assert.equal(cipher[0], sslObject.getCipher().name);
    assert.match(cipher[1], /^TLSv1/);
    assert.ok(cipher[2] === 128 || cipher[2] === 256, String(cipher[2]));
    assert.equal(writer.getExtraInfo("compression"), null);
    const context = writer.getExtraInfo("sslcontext") as tls.SecureContext;
    assert.equal(typeof context.context, "object");
    assert.match(
      String(writer),
      /^<StreamWriter transport=<SocketTransport tls peername=\('127\.0\.0\.1', \d+\)> reader=<StreamReader/,
    );

    writer.write("hello tls\n");
    await writer.drain();
    assert.deepEqual(await reader.readline(), b("hello tls\n"));
    assert.deepEqual(await reader.read(), b(""));
    assert.equal(reader.atEof(), true);
    // The server saw no client certificate, the same cipher, and no half-close.
    assert.deepEqual(serverInfo, [null, cipher, false]);
    writer.close();
    await writer.waitClosed();
    assert.equal((writer.getExtraInfo("socket") as net.Socket).destroyed, true);
    server.close();
    await server.waitClosed();
    await res.noLeaks(baseHandles);
  }));

it("plain sockets have no TLS extra info and can write EOF", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(await startServer((r, w) => echoOnce(r, res.writer(w)), HOST, 0));
    const [reader, writer] = await res.connect(port(server));
    for (const name of ["sslcontext", "peercert", "cipher", "compression", "ssl_object"]) {
      assert.equal(writer.getExtraInfo(name), null, name);
    }
    assert.equal(writer.canWriteEof(), true);
    writer.write("x\n");
    writer.writeEof();
    assert.deepEqual(await reader.read(), b("x\n"));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("differs: tls-streams: writeEof over TLS throws RuntimeError, canWriteEof is false", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const { server } = await echoServer(res);
    const [reader, writer] = await res.connect(port(server), { ssl: { ca } });
    assert.equal(writer.canWriteEof(), false);
    assert.throws(
      () => {
        writer.writeEof();
      },
      (e: unknown) => {
        assert.ok(e instanceof asyncio.RuntimeError);
        assert.equal(e.message, "writeEof() is not supported by TLS transports");
        return true;
      },
    );
    writer.write("still open\n");
    assert.deepEqual(await reader.readline(), b("still open\n"));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("back-pressure over TLS: a slow reader with a small limit gets every byte, in order", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const payload = Buffer.alloc(512 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
    const server = res.server(
      await startServer(
        async (_r, w) => {
          res.writer(w);
          for (let i = 0; i < payload.length; i += 64 * 1024) {
            w.write(payload.subarray(i, i + 64 * 1024));
            await w.drain();
          }
          w.close();
          await w.waitClosed();
        },
        HOST,
        0,
        { ssl: serverSsl },
      ),
    );
    const [reader, writer] = await res.connect(port(server), { ssl: { ca }, limit: 1024 });
    await asyncio.sleep(0.05);
    // Paused at twice the limit: far less than what was sent is buffered.
    const m = /^<StreamReader (\d+) bytes/.exec(String(reader));
    assert.ok(m !== null && Number(m[1]) < 128 * 1024, String(reader));
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = await reader.read(4096);
      if (chunk.length === 0) break;
      chunks.push(chunk);
    }
    assert.ok(Buffer.concat(chunks).equals(payload));
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("the server's EOF ends the client's stream and closes the TLS transport", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (_r, w) => {
          res.writer(w);
          w.write("bye\n");
          w.close();
          await w.waitClosed();
        },
        HOST,
        0,
        { ssl: serverSsl },
      ),
    );
    const [reader, writer] = await res.connect(port(server), { ssl: { ca } });
    assert.deepEqual(await reader.read(), b("bye\n"));
    assert.equal(reader.atEof(), true);
    // CPython 3.13 sslproto: no half-close over TLS, the transport shuts down after EOF.
    await writer.waitClosed();
    assert.equal(writer.isClosing(), true);
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("hostname mismatch: the handshake fails with Node's ERR_TLS_CERT_ALTNAME_INVALID", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const state = await echoServer(res);
    await assert.rejects(
      openConnection(HOST, port(state.server), { ssl: { ca }, serverHostname: "example.com" }),
      hasCode(
        "ERR_TLS_CERT_ALTNAME_INVALID",
        /^Hostname\/IP does not match certificate's altnames: Host: example\.com\. is not in the cert's altnames: IP Address:127\.0\.0\.1, DNS:localhost$/,
      ),
    );
    // The name in the certificate, or none at all (only the chain is checked), pass.
    for (const serverHostname of ["localhost", ""]) {
      const [reader, writer] = await res.connect(port(state.server), { ssl: { ca }, serverHostname });
      writer.write(`${serverHostname}!\n`);
      assert.deepEqual(await reader.readline(), b(`${serverHostname}!\n`));
      writer.close();
      await writer.waitClosed();
    }
    state.server.close();
    await state.server.waitClosed();
    // The rejected handshake never reached the server's callback.
    assert.equal(state.calls, 2);
    await res.noLeaks(baseHandles);
  }));

it("untrusted certificate: a client trusting another root fails verification", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const state = await echoServer(res);
    await assert.rejects(
      openConnection(HOST, port(state.server), { ssl: { ca: selfSignedCert } }),
      hasCode("UNABLE_TO_VERIFY_LEAF_SIGNATURE"),
    );
    // rejectUnauthorized: false is Python's CERT_NONE: the handshake succeeds unverified.
    const [reader, writer] = await res.connect(port(state.server), {
      ssl: { ca: selfSignedCert, rejectUnauthorized: false },
    });
    writer.write("unverified\n");
    assert.deepEqual(await reader.readline(), b("unverified\n"));
    writer.close();
    await writer.waitClosed();
    await state.server.with(() => undefined);
    assert.equal(state.calls, 1);
    await res.noLeaks(baseHandles);
  }));

it("ssl: true verifies against the default roots: a self-signed server fails", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const state = await echoServer(res, selfSignedSsl);
    await assert.rejects(
      openConnection(HOST, port(state.server), { ssl: true }),
      hasCode("DEPTH_ZERO_SELF_SIGNED_CERT", /^self-signed certificate/),
    );
    // Trusting the certificate itself, through a ready-made SecureContext, passes.
    const [reader, writer] = await res.connect(port(state.server), {
      ssl: tls.createSecureContext({ ca: selfSignedCert }),
      serverHostname: "localhost",
    });
    writer.write("self\n");
    assert.deepEqual(await reader.readline(), b("self\n"));
    writer.close();
    await writer.waitClosed();
    await state.server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("ssl option errors, as CPython's create_connection and create_server raise them", () =>
  runNet(async () => {
    const rangeError = (message: string) => (e: unknown) => {
      assert.ok(e instanceof RangeError, String(e));
      assert.equal(e.message, message);
      return true;
    };
    await assert.rejects(
      openConnection(HOST, 1, { serverHostname: "localhost" }),
      rangeError("server_hostname is only meaningful with ssl"),
    );
    await assert.rejects(
      openConnection(HOST, 1, { ssl: false, serverHostname: "localhost" }),
      rangeError("server_hostname is only meaningful with ssl"),
    );
    await assert.rejects(
      openConnection(HOST, 1, { sslHandshakeTimeout: 1 }),
      rangeError("ssl_handshake_timeout is only meaningful with ssl"),
    );
    await assert.rejects(
      openConnection(HOST, 1, { ssl: true, sslHandshakeTimeout: 0 }),
      rangeError("ssl_handshake_timeout should be a positive number, got 0"),
    );
    await assert.rejects(
      openConnection(HOST, 1, { happyEyeballsDelay: -1 }),
      rangeError("happyEyeballsDelay must be >= 0 seconds"),
    );
    await assert.rejects(
      openUnixConnection("/nonexistent", { ssl: true }),
      rangeError("you have to pass server_hostname when using ssl"),
    );
    await assert.rejects(
      startServer(() => undefined, HOST, 0, { sslHandshakeTimeout: 1 }),
      rangeError("ssl_handshake_timeout is only meaningful with ssl"),
    );
    await assert.rejects(
      startServer(() => undefined, HOST, 0, { reuseAddress: false }),
      rangeError("reuseAddress=false is not supported: libuv always sets SO_REUSEADDR"),
    );
    await assert.rejects(
      startServer(() => undefined, HOST, 0, { ssl: true as unknown as SSLOptions }),
      (e: unknown) => {
        assert.ok(e instanceof TypeError);
        assert.equal(e.message, "ssl argument must be an SSLContext or None");
        return true;
      },
    );
  }));

it("happyEyeballsDelay and reuseAddress: true connect and listen as usual", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer((r, w) => echoOnce(r, res.writer(w)), "localhost", 0, { reuseAddress: true }),
    );
    const [reader, writer] = await openConnection("localhost", port(server), { happyEyeballsDelay: 0.25 });
    res.writer(writer);
    writer.write("eyeballs\n");
    assert.deepEqual(await reader.readline(), b("eyeballs\n"));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("reusePort lets two servers listen on one port", { skip: process.platform !== "linux" }, (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const first = res.server(await startServer(() => undefined, HOST, 0, { reusePort: true }));
    const second = res.server(await startServer(() => undefined, HOST, port(first), { reusePort: true }));
    assert.equal(port(second), port(first));
    await first.with(() => undefined);
    await second.with(() => undefined);
    await res.noLeaks(baseHandles);
  }),
);

it("start tls: a plain connection upgrades; bytes already buffered stay in the reader", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    // A STARTTLS server in plain Node: answer in plaintext, then turn the socket into TLS.
    const serverSide: string[] = [];
    const raw = res.server(
      net.createServer((socket) => {
        res.socket(socket);
        socket.once("data", (data) => {
          serverSide.push(String(data));
          socket.write("OK\nplain tail\n", () => {
            const secure = res.socket(
              new tls.TLSSocket(socket, {
                isServer: true,
                secureContext: tls.createSecureContext(serverSsl),
              }),
            );
            secure.on("data", (d) => {
              secure.end(`pong ${String(d)}`);
            });
            secure.on("error", () => undefined);
          });
        });
      }),
    );
    await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
    const rawPort = (raw.address() as net.AddressInfo).port;
    const [reader, writer] = await res.connect(rawPort);
    writer.write("STARTTLS\n");
    assert.deepEqual(await reader.readline(), b("OK\n"));
    // Let the plaintext tail arrive before the upgrade.
    await asyncio.sleep(0.05);
    const plain = writer.getExtraInfo("socket");
    const transport = writer.transport;
    assert.equal(writer.getExtraInfo("ssl_object"), null);
    await writer.startTls({ ca });
    res.writer(writer);
    // The same transport, now over a TLS socket (CPython makes a new transport).
    assert.equal(writer.transport, transport);
    assert.ok(writer.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
    assert.equal(writer.getExtraInfo("socket"), plain);
    assert.equal((writer.getExtraInfo("peercert") as tls.PeerCertificate).subject.CN, "localhost");
    assert.equal(writer.canWriteEof(), false);
    assert.deepEqual(await reader.readline(), b("plain tail\n"));
    writer.write("ping\n");
    assert.deepEqual(await reader.read(), b("pong ping\n"));
    await writer.waitClosed();
    assert.deepEqual(serverSide, ["STARTTLS\n"]);
    // A second upgrade is refused, as CPython refuses an SSL transport.
    await assert.rejects(writer.startTls({ ca }), (e: unknown) => {
      assert.ok(e instanceof TypeError);
      assert.match(
        e.message,
        /^transport <SocketTransport closed tls peername=.*> is not supported by start_tls\(\)$/,
      );
      return true;
    });
    await new Promise((resolve) => raw.close(resolve));
    await res.noLeaks(baseHandles);
  }));

it("start tls: plaintext the paused socket still held reaches the reader, in order", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const raw = res.server(
      net.createServer((socket) => {
        res.socket(socket);
        socket.once("data", () => {
          // Enough to pause the client's reader (limit 1000), then more while it is paused.
          socket.write(`OK\n${"x".repeat(3000)}`);
          setTimeout(() => {
            socket.write("y".repeat(3000), () => {
              const secure = res.socket(
                new tls.TLSSocket(socket, {
                  isServer: true,
                  secureContext: tls.createSecureContext(serverSsl),
                }),
              );
              secure.on("data", (d) => {
                secure.end(`pong ${String(d)}`);
              });
              secure.on("error", () => undefined);
            });
          }, 50);
        });
      }),
    );
    await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
    const rawPort = (raw.address() as net.AddressInfo).port;
    const [reader, writer] = await res.connect(rawPort, { limit: 1000 });
    writer.write("STARTTLS\n");
    assert.deepEqual(await reader.readline(), b("OK\n"));
    await asyncio.sleep(0.2);
    await writer.startTls({ ca });
    res.writer(writer);
    assert.deepEqual(await reader.readexactly(6000), b("x".repeat(3000) + "y".repeat(3000)));
    writer.write("ping");
    assert.deepEqual(await reader.read(), b("pong ping"));
    await writer.waitClosed();
    await new Promise((resolve) => raw.close(resolve));
    await res.noLeaks(baseHandles);
  }));

it("start tls on both ends: the server's writer upgrades as the TLS server", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          assert.deepEqual(await r.readline(), b("STARTTLS\n"));
          w.write("OK\n");
          await w.startTls(serverSsl);
          res.writer(w);
          assert.ok(w.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
          await echoOnce(r, w);
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    writer.write("STARTTLS\n");
    assert.deepEqual(await reader.readline(), b("OK\n"));
    // The client checks the host it connected to (the certificate has IP:127.0.0.1) by default.
    await writer.startTls({ ca });
    res.writer(writer);
    writer.write("secret\n");
    assert.deepEqual(await reader.readline(), b("secret\n"));
    assert.deepEqual(await reader.read(), b(""));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("start tls on the server side: a plain Node client upgrading at once is served", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          assert.deepEqual(await r.readline(), b("STARTTLS\n"));
          w.write("OK\n");
          await w.startTls(serverSsl);
          res.writer(w);
          await echoOnce(r, w);
        },
        HOST,
        0,
      ),
    );
    const loop = asyncio.getRunningLoop();
    const reply = loop.createFuture<string>();
    const plain = res.socket(net.connect(port(server), HOST));
    plain.on("error", () => undefined);
    plain.write("STARTTLS\n");
    plain.once("data", () => {
      // The ClientHello leaves as soon as the OK arrives.
      const secure = res.socket(tls.connect({ socket: plain, ca, servername: "localhost" }));
      secure.on("error", (e) =>
        loop.callSoon(() => {
          if (!reply.done()) reply.setException(e);
        }),
      );
      secure.write("hi\n");
      let text = "";
      secure.on("data", (d) => (text += String(d)));
      secure.on("end", () =>
        loop.callSoon(() => {
          if (!reply.done()) reply.setResult(text);
        }),
      );
    });
    assert.equal(await reply, "hi\n");
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("start tls: a failed upgrade raises the handshake error and closes the stream", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          await r.readline();
          w.write("OK\n");
          await w.startTls(serverSsl).catch(() => undefined);
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    writer.write("STARTTLS\n");
    assert.deepEqual(await reader.readline(), b("OK\n"));
    const check = hasCode("ERR_TLS_CERT_ALTNAME_INVALID");
    await assert.rejects(writer.startTls({ ca }, { serverHostname: "example.com" }), check);
    assert.equal(writer.isClosing(), true);
    await assert.rejects(writer.waitClosed(), check);
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));

it("cancel during the handshake: the socket is destroyed, nothing leaks", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    // Accepts TCP and never says a word of TLS.
    const accepted: net.Socket[] = [];
    const closed = new asyncio.Event();
    const loop = asyncio.getRunningLoop();
    const silent = res.server(
      net.createServer((socket) => {
        accepted.push(res.socket(socket));
        socket.on("data", () => undefined);
        socket.on("close", () => {
          if (!loop.isClosed())
            loop.callSoon(() => {
              closed.set();
            });
        });
      }),
    );
    await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const connecting = asyncio.createTask(() => openConnection(HOST, silentPort, { ssl: { ca } }));
    await asyncio.sleep(0.1);
    assert.equal(accepted.length, 1);
    assert.equal(connecting.done(), false);
    connecting.cancel();
    await assertCancelled(connecting);
    await closed.wait();

    // The same through a timeout.
    closed.clear();
    await assert.rejects(
      asyncio.timeout(0.1).with(() => openConnection(HOST, silentPort, { ssl: { ca } })),
      (e: unknown) => e instanceof asyncio.TimeoutError,
    );
    await closed.wait();

    // And the handshake's own timeout: CPython's ConnectionAbortedError.
    closed.clear();
    await assert.rejects(
      openConnection(HOST, silentPort, { ssl: { ca }, sslHandshakeTimeout: 0.1 }),
      hasCode("ECONNABORTED", /^SSL handshake is taking longer than 0\.1 seconds: aborting the connection$/),
    );
    await closed.wait();
    assert.equal(accepted.length, 3);
    await new Promise((resolve) => silent.close(resolve));
    await res.noLeaks(baseHandles);
  }));

it("server close with active TLS clients: waitClosed waits for closeClients", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const connected = new asyncio.Event();
    let clients = 0;
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          if (++clients === 2) connected.set();
          await r.read();
        },
        HOST,
        0,
        { ssl: serverSsl },
      ),
    );
    const streams = [
      await res.connect(port(server), { ssl: { ca } }),
      await res.connect(port(server), { ssl: { ca } }),
    ];
    await connected.wait();
    server.close();
    assert.equal(server.isServing(), false);
    const waiting = asyncio.createTask(() => server.waitClosed());
    await asyncio.sleep(0.05);
    assert.equal(waiting.done(), false);
    server.closeClients();
    await waiting;
    for (const [reader, writer] of streams) {
      assert.deepEqual(await reader.read(), b(""));
      await writer.waitClosed();
    }
    await res.noLeaks(baseHandles);
  }));

it("garbage instead of a handshake: no callback, no report, the server keeps serving", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const contexts: asyncio.ExceptionContext[] = [];
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => contexts.push(context));
    const state = await echoServer(res);
    // A plain client speaking HTTP to the TLS server, and one hanging up at once.
    for (const data of ["GET / HTTP/1.0\r\n\r\n", ""]) {
      const [reader, writer] = await res.connect(port(state.server));
      writer.write(data);
      if (data === "") writer.writeEof();
      await reader.read().catch((e: unknown) => e);
      writer.close();
      await writer.waitClosed().catch(() => undefined);
    }
    const [reader, writer] = await res.connect(port(state.server), { ssl: { ca } });
    writer.write("still serving\n");
    assert.deepEqual(await reader.readline(), b("still serving\n"));
    writer.close();
    await writer.waitClosed();
    await state.server.with(() => undefined);
    assert.equal(state.calls, 1);
    assert.deepEqual(contexts, []);
    await res.noLeaks(baseHandles);
  }));

it("server handshake timeout: a silent client is dropped without a callback", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    let calls = 0;
    const server = res.server(
      await startServer(
        () => {
          calls++;
        },
        HOST,
        0,
        { ssl: serverSsl, sslHandshakeTimeout: 0.1 },
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    assert.deepEqual(await reader.read(), b(""));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    assert.equal(calls, 0);
    await res.noLeaks(baseHandles);
  }));

it("client certificates: requestCert refuses a client without one", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const peercerts: unknown[] = [];
    const server = res.server(
      await startServer(
        async (r, w) => {
          res.writer(w);
          peercerts.push((w.getExtraInfo("peercert") as tls.PeerCertificate).subject.CN);
          await echoOnce(r, w);
        },
        HOST,
        0,
        { ssl: { ...serverSsl, ca, requestCert: true } },
      ),
    );
    // TLS 1.3: the client's handshake ends before the server refuses; the refusal comes as an error.
    const [r1, w1] = await res.connect(port(server), { ssl: { ca } });
    await assert.rejects(r1.read(), hasCode("ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED"));
    w1.close();
    await w1.waitClosed().catch(() => undefined);
    const [r2, w2] = await res.connect(port(server), { ssl: { ca, ...serverSsl } });
    w2.write("with cert\n");
    assert.deepEqual(await r2.readline(), b("with cert\n"));
    w2.close();
    await w2.waitClosed();
    await server.with(() => undefined);
    assert.deepEqual(peercerts, ["localhost"]);
    await res.noLeaks(baseHandles);
  }));

it("tls over a Unix socket: serverHostname names the certificate", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const sock = path.join(dir, "tls.sock");
    const server = res.server(
      await startUnixServer((r, w) => echoOnce(r, res.writer(w)), sock, { ssl: serverSsl }),
    );
    const [reader, writer] = await openUnixConnection(sock, { ssl: { ca }, serverHostname: "localhost" });
    res.writer(writer);
    assert.equal(writer.getExtraInfo("peername"), sock);
    writer.write("unix tls\n");
    assert.deepEqual(await reader.readline(), b("unix tls\n"));
    writer.close();
    await writer.waitClosed();
    await server.with(() => undefined);
    await res.noLeaks(baseHandles);
  }));
