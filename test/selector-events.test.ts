// The loop's socket methods (src/selector-events.ts) on real sockets on 127.0.0.1 (and ::1, and a
// Unix socket): ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_sock_lowlevel.py
// (test_sock_client_ops, test_sock_accept, test_recvfrom, test_recvfrom_into, test_sendto_blocking,
// test_cancel_sock_accept) and test_sendfile.py (SockSendfileMixin, SendfileMixin). Every test runs
// under a 10 s asyncio timeout, and t.after() destroys whatever a failing test left open.
import type { TestContext } from "node:test";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import * as asyncio from "../src/index.ts";
import { assertCancelled } from "./helpers/index.ts";
import { selfSignedCertificate } from "./helpers/tls.ts";
import { b, HOST, openHandles, runNet } from "./helpers/net.ts";

/** Records sockets, servers and files; t.after() closes them whatever the test did. */
class Res {
  readonly #closers: (() => void)[] = [];
  constructor(t: TestContext) {
    t.after(() => {
      for (const close of this.#closers.splice(0)) close();
    });
  }
  sock<S extends net.Socket>(s: S): S {
    this.#closers.push(() => s.destroy());
    return s;
  }
  server(s: net.Server): net.Server {
    this.#closers.push(() => s.close());
    return s;
  }
  udp(s: dgram.Socket): dgram.Socket {
    this.#closers.push(() => {
      try {
        s.close();
      } catch {
        // Closed already.
      }
    });
    return s;
  }
  /** A temporary file holding `data`, removed afterwards. */
  file(data: Buffer): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-sendfile-"));
    this.#closers.push(() => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const where = path.join(dir, "data.bin");
    fs.writeFileSync(where, data);
    return where;
  }
}

async function listening(
  res: Res,
  where: { port: number; host: string } | { path: string },
): Promise<net.Server> {
  const server = res.server(net.createServer({ allowHalfOpen: true }));
  await new Promise<void>((resolve) => server.listen(where, resolve));
  return server;
}

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** A connected pair made by sockConnect and sockAccept: [client, accepted, the client's address]. */
async function pair(res: Res): Promise<[net.Socket, net.Socket, asyncio.DatagramAddress | string]> {
  const loop = asyncio.getRunningLoop();
  const server = await listening(res, { host: HOST, port: 0 });
  const client = res.sock(new net.Socket({ allowHalfOpen: true }));
  const accepting = asyncio.ensureFuture(loop.sockAccept(server));
  // Let it start: the accept queue begins with the first sockAccept on a server.
  await asyncio.sleep(0);
  await loop.sockConnect(client, [HOST, portOf(server)]);
  const [conn, address] = await accepting;
  res.sock(conn);
  server.close();
  return [client, conn, address];
}

/** Wait (up to 2 s) until the process holds no more socket handles than `base`. */
async function noMoreHandles(base: number): Promise<void> {
  for (let i = 0; i < 200 && openHandles() > base; i++) await asyncio.sleep(0.01);
  assert.ok(openHandles() <= base, `leaked: ${process.getActiveResourcesInfo().join(", ")}`);
}

/** For assert.rejects(), which takes a Promise or a function: a task, awaited in a function. */
function settled(aw: PromiseLike<unknown>): () => Promise<void> {
  return async () => {
    await aw;
  };
}

function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "UDPWrap").length;
}

async function noUdp(): Promise<void> {
  for (let i = 0; i < 200 && udpHandles() > 0; i++) await asyncio.sleep(0.01);
  assert.equal(udpHandles(), 0, `leaked: ${process.getActiveResourcesInfo().join(", ")}`);
}

async function bound(res: Res, type: "udp4" | "udp6" = "udp4"): Promise<dgram.Socket> {
  const s = res.udp(dgram.createSocket(type));
  await new Promise<void>((resolve) => s.bind(0, type === "udp4" ? HOST : "::1", resolve));
  return s;
}

function codeIs(code: string, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.equal((e as NodeJS.ErrnoException).code, code, String(e));
    if (message !== undefined) assert.match((e as Error).message, message);
    return true;
  };
}

describe("sockAccept and sockConnect", () => {
  it("connect a pair; the address is the peer's [host, port]", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const base = openHandles();
      const [client, conn, address] = await pair(res);
      assert.deepEqual(address, [HOST, client.localPort]);
      assert.equal(conn.remotePort, client.localPort);
      client.destroy();
      conn.destroy();
      await noMoreHandles(base);
    }));

  it("connections that arrive before sockAccept are queued, in order", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const server = await listening(res, { host: HOST, port: 0 });
      // The queue starts with the first sockAccept: one that waits now.
      const first = asyncio.ensureFuture(loop.sockAccept(server));
      await asyncio.sleep(0);
      const clients = [0, 1, 2].map(() => res.sock(net.connect(portOf(server), HOST)));
      await Promise.all(clients.map((c) => new Promise((r) => c.once("connect", r))));
      const ports: number[] = [];
      const [c0] = await first;
      ports.push(res.sock(c0).remotePort ?? -1);
      await asyncio.sleep(0.05);
      for (let i = 1; i < 3; i++) {
        const [c] = await loop.sockAccept(server);
        ports.push(res.sock(c).remotePort ?? -1);
      }
      assert.deepEqual(
        ports,
        clients.map((c) => c.localPort),
      );
    }));

  it("a cancelled sockAccept takes no connection (CPython test_cancel_sock_accept)", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const server = await listening(res, { host: HOST, port: 0 });
      await assert.rejects(asyncio.waitFor(loop.sockAccept(server), 0.05), { name: "TimeoutError" });
      const client = res.sock(net.connect(portOf(server), HOST));
      const [conn, address] = await loop.sockAccept(server);
      res.sock(conn);
      assert.deepEqual(address, [HOST, client.localPort]);
    }));

  it("differs: connections still queued when the server closes are reset at once; sockAccept then raises EBADF", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const server = await listening(res, { host: HOST, port: 0 });
      // One accepted, one still queued when the server closes.
      const first = asyncio.ensureFuture(loop.sockAccept(server));
      await asyncio.sleep(0);
      const c1 = res.sock(net.connect(portOf(server), HOST));
      const [conn1] = await first;
      res.sock(conn1);
      assert.equal(conn1.remotePort, c1.localPort);
      const c2 = res.sock(net.connect(portOf(server), HOST));
      c2.on("error", () => {});
      const c2Closed = new Promise((r) => c2.once("close", r));
      await new Promise((r) => c2.once("connect", r));
      await asyncio.sleep(0.02);
      server.close();
      // The queued connection is reset at once, though conn1 keeps the server from emitting 'close'.
      await c2Closed;
      await assert.rejects(
        loop.sockAccept(server),
        codeIs("EBADF", /^\[Errno 9\] Bad file descriptor \(the net.Server is closed\)$/),
      );
      await loop.sockSendall(c1, b("still open"));
      assert.deepEqual(await loop.sockRecv(conn1, 100), b("still open"));
    }));

  it("a sockAccept waiting when the server closes raises EBADF", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const server = await listening(res, { host: HOST, port: 0 });
      const waiting = asyncio.ensureFuture(loop.sockAccept(server));
      await asyncio.sleep(0.01);
      server.close();
      await assert.rejects(
        settled(waiting),
        codeIs("EBADF", /^\[Errno 9\] Bad file descriptor \(the net.Server is closed\)$/),
      );
      await assert.rejects(loop.sockAccept(server), codeIs("EBADF"));
    }));

  it("sockAccept says what to pass", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      await assert.rejects(loop.sockAccept(5 as never), {
        name: "TypeError",
        message: /^sockAccept\(\) takes a listening net.Server, got 5$/,
      });
      await assert.rejects(
        loop.sockAccept(net.createServer()),
        codeIs(
          "EINVAL",
          /^\[Errno 22\] Invalid argument \(the net.Server is not listening: call server.listen\(\) first\)$/,
        ),
      );
      const owned = res.server(net.createServer(() => {}));
      await new Promise<void>((r) => owned.listen(0, HOST, r));
      await assert.rejects(loop.sockAccept(owned), {
        name: "RuntimeError",
        message: /^the net.Server has 'connection' listeners/,
      });
    }));

  it("sockConnect: ECONNREFUSED (the socket is destroyed), EISCONN, a Unix socket path", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const closed = await listening(res, { host: HOST, port: 0 });
      const port = portOf(closed);
      await new Promise((r) => closed.close(r));
      const s = res.sock(new net.Socket());
      await assert.rejects(loop.sockConnect(s, [HOST, port]), codeIs("ECONNREFUSED"));
      assert.equal(s.destroyed, true);

      const [client] = await pair(res);
      await assert.rejects(
        loop.sockConnect(client, [HOST, 1]),
        codeIs("EISCONN", /^\[Errno \d+\] Transport endpoint is already connected/),
      );

      const where = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-sock-")), "s");
      t.after(() => {
        fs.rmSync(path.dirname(where), { recursive: true, force: true });
      });
      const unix = await listening(res, { path: where });
      const accepting = asyncio.ensureFuture(loop.sockAccept(unix));
      const u = res.sock(new net.Socket());
      await loop.sockConnect(u, where);
      const [conn, address] = await accepting;
      res.sock(conn);
      assert.equal(address, "");
      await loop.sockSendall(u, b("over unix"));
      assert.deepEqual(await loop.sockRecv(conn, 100), b("over unix"));

      await assert.rejects(loop.sockConnect(new net.Socket(), "x"), (e: unknown) => {
        // A path that does not exist.
        assert.equal((e as NodeJS.ErrnoException).code, "ENOENT");
        return true;
      });
      await assert.rejects(loop.sockConnect(new net.Socket(), [HOST] as never), {
        name: "TypeError",
        message: /^address must be a \[host, port\] tuple, got \[ '127.0.0.1' \]$/,
      });
    }));

  it("differs: a cancelled sockConnect destroys the socket", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const s = res.sock(new net.Socket());
      // 192.0.2.1 (TEST-NET-1) does not answer: the connect is in progress when cancelled.
      await assert.rejects(asyncio.waitFor(loop.sockConnect(s, ["192.0.2.1", 9]), 0.02), (e: unknown) => {
        // Some sandboxes refuse the route at once (ENETUNREACH): either way the socket is destroyed.
        return (e as Error).name === "TimeoutError" || typeof (e as NodeJS.ErrnoException).code === "string";
      });
      assert.equal(s.destroyed, true);
    }));
});

describe("sockRecv, sockRecvInto, sockSendall", () => {
  it("sockRecv returns up to n bytes; the rest stays for the next call; b'' at EOF, every time", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      await loop.sockSendall(client, b("hello world"));
      await asyncio.sleep(0.02);
      assert.deepEqual(await loop.sockRecv(conn, 5), b("hello"));
      assert.deepEqual(await loop.sockRecv(conn, 0), b(""));
      assert.deepEqual(await loop.sockRecv(conn, 100), b(" world"));
      client.end();
      assert.deepEqual(await loop.sockRecv(conn, 100), b(""));
      assert.deepEqual(await loop.sockRecv(conn, 100), b(""));
      // Half-closed: the other way still works (allowHalfOpen), as with Python's shutdown(SHUT_WR).
      await loop.sockSendall(conn, b("reply"));
      assert.deepEqual(await loop.sockRecv(client, 100), b("reply"));
    }));

  it("sockRecv waits for data; a cancelled sockRecv reads nothing", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      await assert.rejects(asyncio.waitFor(loop.sockRecv(conn, 10), 0.03), { name: "TimeoutError" });
      const task = asyncio.createTask(loop.sockRecv(conn, 10));
      await asyncio.sleep(0.01);
      assert.equal(task.done(), false);
      client.write("abc");
      assert.deepEqual(await task, b("abc"));
      const waiting = asyncio.createTask(loop.sockRecv(conn, 10));
      await asyncio.sleep(0.01);
      waiting.cancel();
      await assertCancelled(waiting);
      client.write("def");
      await asyncio.sleep(0.02);
      assert.deepEqual(await loop.sockRecv(conn, 10), b("def"));
      assert.equal(conn.listenerCount("readable"), 0);
    }));

  it("sockRecvInto fills the buffer and returns the count; 0 at EOF", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      client.end("0123456789");
      const buf = Buffer.alloc(4);
      const got: string[] = [];
      for (;;) {
        const n = await loop.sockRecvInto(conn, buf);
        if (n === 0) break;
        got.push(buf.subarray(0, n).toString());
      }
      assert.equal(got.join(""), "0123456789");
      assert.ok(got.every((s) => s.length <= 4));
      const view = new DataView(new ArrayBuffer(8));
      assert.equal(await loop.sockRecvInto(conn, view), 0);
    }));

  it("sockSendall sends 4 MiB and resolves once all of it is handed to the kernel", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      const data = randomBytes(4 * 1024 * 1024);
      const reader = asyncio.createTask(async () => {
        const chunks: Buffer[] = [];
        for (;;) {
          const chunk = await loop.sockRecv(conn, 65536);
          if (chunk.length === 0) return Buffer.concat(chunks);
          chunks.push(chunk);
        }
      });
      await loop.sockSendall(client, data);
      assert.equal(client.writableLength, 0);
      client.end();
      assert.ok((await reader).equals(data));
    }));

  it("sockRecv raises the connection's error (ECONNRESET), and EBADF on a closed socket", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      const waiting = asyncio.createTask(loop.sockRecv(conn, 10));
      await asyncio.sleep(0.01);
      client.resetAndDestroy();
      await assert.rejects(settled(waiting), codeIs("ECONNRESET"));
      const [c2, conn2] = await pair(res);
      c2.destroy();
      conn2.destroy();
      await assert.rejects(
        loop.sockRecv(conn2, 1),
        codeIs("EBADF", /^\[Errno 9\] Bad file descriptor \(the socket is closed\)$/),
      );
      await assert.rejects(loop.sockSendall(conn2, b("x")), codeIs("EBADF"));
    }));

  it("sockSendall after the writing side was shut down raises EPIPE", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client] = await pair(res);
      client.end();
      await assert.rejects(loop.sockSendall(client, b("x")), codeIs("EPIPE", /^\[Errno 32\] Broken pipe/));
    }));

  it("bad input gets an error saying what to pass", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const [client, conn] = await pair(res);
      await assert.rejects(loop.sockRecv(5 as never, 1), {
        name: "TypeError",
        message: /^sockRecv\(\) takes a net.Socket, got 5$/,
      });
      const udp = res.udp(dgram.createSocket("udp4"));
      await assert.rejects(loop.sockSendall(udp as never, b("x")), {
        name: "TypeError",
        message:
          /^sockSendall\(\) takes a net.Socket, got <dgram.Socket>: for a dgram.Socket use sockRecvfrom\(\) and sockSendto\(\)$/,
      });
      await assert.rejects(loop.sockRecv(conn, -1), {
        name: "RangeError",
        message: /^negative buffersize in recv$/,
      });
      await assert.rejects(loop.sockRecv(conn, 1.5), {
        name: "TypeError",
        message: /^n must be an integer number of bytes, got 1.5$/,
      });
      await assert.rejects(loop.sockSendall(client, "text" as never), {
        name: "TypeError",
        message: /^a bytes-like object is required, not 'str': pass data as a Buffer or Uint8Array$/,
      });
      await assert.rejects(loop.sockRecvInto(conn, [1, 2] as never), {
        name: "TypeError",
        message: /^a bytes-like object is required, not 'Array': pass buf as a Buffer or Uint8Array$/,
      });
      // CPython 3.13 base_events.py _check_ssl_socket.
      const secure = res.sock(new tls.TLSSocket(new net.Socket()));
      await assert.rejects(loop.sockRecv(secure, 1), {
        name: "TypeError",
        message: /^Socket cannot be of type SSLSocket$/,
      });
      // A socket someone else reads ('data' listeners): CPython's _ensure_fd_no_transport.
      conn.on("data", () => {});
      await assert.rejects(loop.sockRecv(conn, 1), {
        name: "RuntimeError",
        message:
          /^the socket is flowing \(read by 'data' listeners, a transport or a stream\): pass a socket nobody else reads$/,
      });
    }));

  it("leaks nothing: every socket of a sockAccept/sockConnect exchange is gone after destroy", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const base = openHandles();
      const [client, conn] = await pair(res);
      await loop.sockSendall(client, b("x"));
      assert.deepEqual(await loop.sockRecv(conn, 1), b("x"));
      client.destroy();
      conn.destroy();
      await noMoreHandles(base);
    }));
});

describe("sockRecvfrom, sockRecvfromInto, sockSendto", () => {
  for (const type of ["udp4", "udp6"] as const) {
    it(`exchange datagrams on ${type === "udp4" ? "127.0.0.1" : "::1"} (CPython test_recvfrom)`, (t) =>
      runNet(async () => {
        const res = new Res(t);
        const loop = asyncio.getRunningLoop();
        const a = await bound(res, type);
        const bb = await bound(res, type);
        const host = type === "udp4" ? HOST : "::1";
        const addrA = type === "udp4" ? [HOST, a.address().port] : ["::1", a.address().port, 0, 0];
        assert.equal(await loop.sockSendto(a, b("ping"), [host, bb.address().port]), 4);
        const [data, from] = await loop.sockRecvfrom(bb, 100);
        assert.deepEqual(data, b("ping"));
        assert.deepEqual(from, addrA);
        const buf = Buffer.alloc(10);
        await loop.sockSendto(a, b("pong"), [host, bb.address().port]);
        const [n, from2] = await loop.sockRecvfromInto(bb, buf);
        assert.equal(n, 4);
        assert.deepEqual(buf.subarray(0, 4), b("pong"));
        assert.deepEqual(from2, addrA);
        a.close();
        bb.close();
        await noUdp();
      }));
  }

  it("differs: datagrams are queued from the first sockSendto/sockRecvfrom; truncated to bufsize; nbytes limits recvfromInto", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const a = await bound(res);
      const bb = await bound(res);
      const to: [string, number] = [HOST, bb.address().port];
      // Sending from bb adopts it: datagrams that come before any sockRecvfrom are kept.
      await loop.sockSendto(bb, b("hi"), [HOST, a.address().port]);
      for (const word of ["one", "two", "three"]) await loop.sockSendto(a, b(word), to);
      await asyncio.sleep(0.03);
      assert.deepEqual((await loop.sockRecvfrom(bb, 100))[0], b("one"));
      assert.deepEqual((await loop.sockRecvfrom(bb, 2))[0], b("tw"));
      const buf = Buffer.alloc(5);
      assert.equal((await loop.sockRecvfromInto(bb, buf, 3))[0], 3);
      assert.deepEqual(buf.subarray(0, 3), b("thr"));
      // A cancelled sockRecvfrom takes no datagram.
      await assert.rejects(asyncio.waitFor(loop.sockRecvfrom(bb, 100), 0.02), { name: "TimeoutError" });
      await loop.sockSendto(a, b("four"), to);
      assert.deepEqual((await loop.sockRecvfrom(bb, 100))[0], b("four"));
      assert.deepEqual((await loop.sockRecvfrom(a, 100))[0], b("hi"));
    }));

  it("a datagram over 65,507 bytes gives EMSGSIZE; a closed socket gives EBADF", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const a = await bound(res);
      await assert.rejects(
        loop.sockSendto(a, Buffer.alloc(65508), [HOST, a.address().port]),
        codeIs("EMSGSIZE"),
      );
      const waiting = asyncio.createTask(loop.sockRecvfrom(a, 10));
      await asyncio.sleep(0.01);
      a.close();
      await assert.rejects(
        settled(waiting),
        codeIs("EBADF", /^\[Errno 9\] Bad file descriptor \(the dgram.Socket is closed\)$/),
      );
      await noUdp();
    }));

  it("bad input gets an error saying what to pass", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const a = await bound(res);
      await assert.rejects(loop.sockRecvfrom(new net.Socket() as never, 1), {
        name: "TypeError",
        message:
          /^sockRecvfrom\(\) takes a dgram.Socket, got <net.Socket>: for a net.Socket use sockRecv\(\) and sockSendall\(\)$/,
      });
      await assert.rejects(loop.sockRecvfrom(a, -1), {
        name: "RangeError",
        message: /^negative buffersize in recvfrom$/,
      });
      await assert.rejects(loop.sockRecvfromInto(a, Buffer.alloc(2), 3), {
        name: "RangeError",
        message: /^nbytes is greater than the length of the buffer$/,
      });
      await assert.rejects(loop.sockSendto(a, b("x"), "127.0.0.1:9" as never), {
        name: "TypeError",
        message: /^address must be a \[host, port\] tuple, got '127.0.0.1:9'$/,
      });
      const owned = res.udp(dgram.createSocket("udp4", () => {}));
      await assert.rejects(loop.sockRecvfrom(owned, 1), {
        name: "RuntimeError",
        message: /^the dgram.Socket has 'message' listeners/,
      });
    }));
});

describe("sockSendfile and sendfile", () => {
  const DATA = randomBytes(600 * 1024 + 123);

  async function readAll(loop: asyncio.BaseEventLoop, conn: net.Socket): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for (;;) {
      const chunk = await loop.sockRecv(conn, 1 << 20);
      if (chunk.length === 0) return Buffer.concat(chunks);
      chunks.push(chunk);
    }
  }

  it("sockSendfile sends the whole file, or count bytes from offset (CPython test_sock_sendfile_*)", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const where = res.file(DATA);
      const fh = await fs.promises.open(where, "r");
      t.after(() => fh.close());
      for (const [offset, count] of [
        [0, null],
        [1000, 300_000],
        [DATA.length - 10, 1000],
        [DATA.length + 5, null],
      ] as const) {
        const [client, conn] = await pair(res);
        const reading = asyncio.createTask(() => readAll(loop, conn));
        const sent = await loop.sockSendfile(client, fh, offset, count);
        client.end();
        const expected = DATA.subarray(offset, count === null ? undefined : offset + count);
        assert.equal(sent, expected.length);
        assert.ok((await reading).equals(expected), `offset ${offset} count ${count}`);
        client.destroy();
        conn.destroy();
      }
      // A file descriptor works as well.
      const fd = fs.openSync(where, "r");
      t.after(() => {
        fs.closeSync(fd);
      });
      const [client, conn] = await pair(res);
      const reading = asyncio.createTask(() => readAll(loop, conn));
      assert.equal(await loop.sockSendfile(client, fd, 7, 10), 10);
      client.end();
      assert.deepEqual(await reading, DATA.subarray(7, 17));
    }));

  it("differs: sockSendfile has no native sendfile — fallback false raises SendfileNotAvailableError; CPython's argument errors", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const fd = fs.openSync(res.file(DATA), "r");
      t.after(() => {
        fs.closeSync(fd);
      });
      const [client] = await pair(res);
      await assert.rejects(loop.sockSendfile(client, fd, 0, null, { fallback: false }), (e: unknown) => {
        assert.ok(e instanceof asyncio.SendfileNotAvailableError);
        assert.match(e.message, /^os.sendfile\(\) is not available: Node has no sendfile\(2\) for sockets/);
        return true;
      });
      await assert.rejects(loop.sockSendfile(client, fd, 0, 0), {
        name: "RangeError",
        message: /^count must be a positive integer \(got 0\)$/,
      });
      await assert.rejects(loop.sockSendfile(client, fd, 0, 1.5), {
        name: "TypeError",
        message: /^count must be a positive integer \(got 1.5\)$/,
      });
      await assert.rejects(loop.sockSendfile(client, fd, -1), {
        name: "RangeError",
        message: /^offset must be a non-negative integer \(got -1\)$/,
      });
      await assert.rejects(loop.sockSendfile(client, "data.bin" as never), {
        name: "TypeError",
        message: /^file must be an fs.promises.FileHandle or a file descriptor, got 'data.bin'$/,
      });
      const udp = res.udp(dgram.createSocket("udp4"));
      await assert.rejects(loop.sockSendfile(udp as never, fd), {
        name: "RangeError",
        message: /^only SOCK_STREAM type sockets are supported$/,
      });
    }));

  /** A protocol that collects what it reads and records its calls. */
  class Collect extends asyncio.Protocol {
    readonly calls: string[] = [];
    data: Buffer[] = [];
    override dataReceived(data: Buffer): void {
      this.data.push(data);
    }
    override pauseWriting(): void {
      this.calls.push("pause");
    }
    override resumeWriting(): void {
      this.calls.push("resume");
    }
  }

  it("sendfile on a SocketTransport sends with flow control, then gives the protocol back (CPython test_sendfile)", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const fh = await fs.promises.open(res.file(DATA), "r");
      t.after(() => fh.close());
      const server = await listening(res, { host: HOST, port: 0 });
      const accepting = asyncio.ensureFuture(loop.sockAccept(server));
      const [transport, protocol] = await loop.createConnection(Collect, HOST, portOf(server));
      t.after(() => {
        transport.abort();
      });
      const [conn] = await accepting;
      res.sock(conn);
      transport.setWriteBufferLimits(1024);
      const reading = asyncio.createTask(() => readAll(loop, conn));
      assert.equal(await loop.sendfile(transport, fh, 100, 500_000), 500_000);
      assert.equal(transport.getProtocol(), protocol);
      assert.equal(transport.isReading(), true);
      // The protocol still hears about the buffer it fills after sendfile (CPython restores it).
      await loop.sockSendall(conn, b("after"));
      for (let i = 0; i < 100 && protocol.data.length === 0; i++) await asyncio.sleep(0.01);
      assert.deepEqual(Buffer.concat(protocol.data), b("after"));
      transport.close();
      assert.ok((await reading).equals(DATA.subarray(100, 500_100)));
      await assert.rejects(loop.sendfile(transport, fh), {
        name: "RuntimeError",
        message: /^Transport is closing$/,
      });
    }));

  it("sendfile on a StreamWriter's transport; fallback false and other transports raise RuntimeError", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const fh = await fs.promises.open(res.file(DATA), "r");
      t.after(() => fh.close());
      const server = await listening(res, { host: HOST, port: 0 });
      const accepting = asyncio.ensureFuture(loop.sockAccept(server));
      const [, writer] = await asyncio.openConnection(HOST, portOf(server));
      res.sock(writer.getExtraInfo("socket") as net.Socket);
      const [conn] = await accepting;
      res.sock(conn);
      const reading = asyncio.createTask(() => readAll(loop, conn));
      writer.write(b("head:"));
      assert.equal(await loop.sendfile(writer.transport, fh), DATA.length);
      writer.write(b(":tail"));
      writer.close();
      await writer.waitClosed();
      assert.ok((await reading).equals(Buffer.concat([b("head:"), DATA, b(":tail")])));

      const [udp] = await loop.createDatagramEndpoint(asyncio.DatagramProtocol, { localAddr: [HOST, 0] });
      t.after(() => {
        udp.close();
      });
      await assert.rejects(loop.sendfile(udp as never, fh), {
        name: "RuntimeError",
        message: /^sendfile is not supported for transport <DatagramSocketTransport/,
      });
      const [client] = await pair(res);
      await assert.rejects(loop.sendfile(client, fh, 0, null, { fallback: false }), {
        name: "RuntimeError",
        message: /^fallback is disabled and native sendfile is not supported for transport <net.Socket>$/,
      });
      udp.close();
    }));

  it("sendfile on a TLS StreamWriter's transport takes the fallback, as CPython's SSL transport", (t) =>
    runNet(async () => {
      const res = new Res(t);
      const loop = asyncio.getRunningLoop();
      const fh = await fs.promises.open(res.file(DATA), "r");
      t.after(() => fh.close());
      const { key, cert } = selfSignedCertificate("ec");
      const chunks: Buffer[] = [];
      const ended = loop.createFuture<null>();
      const server = tls.createServer({ key, cert }, (s) => {
        res.sock(s);
        s.on("data", (chunk: Buffer) => chunks.push(chunk));
        s.on("end", () => {
          if (!ended.done()) ended.setResult(null);
          s.end();
        });
        s.on("error", () => {});
      });
      res.server(server);
      await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
      const [, writer] = await asyncio.openConnection(HOST, portOf(server), {
        ssl: { ca: cert },
        serverHostname: "localhost",
      });
      res.sock(writer.getExtraInfo("socket") as net.Socket);
      assert.ok(writer.getExtraInfo("ssl_object") instanceof tls.TLSSocket);
      assert.equal(await loop.sendfile(writer.transport, fh, 5, 200_000), 200_000);
      writer.close();
      await writer.waitClosed();
      await ended;
      assert.ok(Buffer.concat(chunks).equals(DATA.subarray(5, 200_005)));
    }));
});
