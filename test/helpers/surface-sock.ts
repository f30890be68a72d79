// Scenario specs of the loop's socket methods (sockRecv, sockRecvInto, sockRecvfrom,
// sockRecvfromInto, sockSendall, sockSendto, sockConnect, sockAccept, sockSendfile, sendfile) for
// test/surface.test.ts: real sockets on 127.0.0.1. "Nothing consumed" is read from what the next
// call gets; "nothing leaked" from the handles the process holds.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as asyncio from "../../src/index.ts";
import type { Env, Fixture, LazySpec } from "./lazy-battery.ts";
import { b, HOST, Resources } from "./net.ts";
import { handles, quiet, until } from "./surface-io.ts";

function portOf(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}

/** A connected pair of plain sockets: `client` connected to `conn`, which was accepted by Node. */
async function rawPair(env: Env): Promise<{ client: net.Socket; conn: net.Socket; res: Resources }> {
  await quiet();
  const res = new Resources(env.t);
  let conn: net.Socket | null = null;
  const server = res.server(
    net.createServer({ allowHalfOpen: true }, (s) => {
      conn = res.socket(s);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const client = res.socket(net.connect({ port: portOf(server), host: HOST, allowHalfOpen: true }));
  await until(() => conn !== null && !client.connecting, "connected");
  server.close();
  return { client, conn: conn as unknown as net.Socket, res };
}

/** Everything the peer reads until `n` bytes have come. */
async function received(sock: net.Socket, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const onData = (chunk: Buffer): void => {
    chunks.push(chunk);
    got += chunk.length;
  };
  sock.on("data", onData);
  try {
    await until(() => got >= n, `the peer got ${n} bytes`);
  } finally {
    sock.off("data", onData);
  }
  return Buffer.concat(chunks);
}

function recvSpec(into: boolean): LazySpec {
  const fixture = async (env: Env, isReady: boolean): Promise<Fixture> => {
    const { client, conn } = await rawPair(env);
    if (isReady) {
      client.write("ready");
      await until(() => conn.readableLength === 5, "the data is buffered");
    }
    const buf = Buffer.alloc(100);
    const call = (): asyncio.Coroutine =>
      into ? env.loop.sockRecvInto(conn, buf) : env.loop.sockRecv(conn, 100);
    return {
      call,
      blocked: () => conn.listenerCount("readable") > 0,
      intact: async () => {
        assert.equal(conn.listenerCount("readable"), 0, "a listener is left");
        // Nothing was read: the next call gets every byte.
        if (!isReady) client.write("ready");
        const r = await call();
        assert.deepEqual(into ? buf.subarray(0, r as number) : r, b("ready"), "bytes were read");
      },
      completed: (r) => {
        assert.deepEqual(into ? buf.subarray(0, r as number) : r, b("ready"));
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, false), ready: (env) => fixture(env, true) };
}

/** Two bound UDP sockets on 127.0.0.1; `inbox`'s queue is started (by a sockSendto from it). */
async function udpPair(env: Env): Promise<{ inbox: dgram.Socket; peer: dgram.Socket }> {
  await until(() => handles("UDPWrap") === 0, "no UDP socket is open");
  const sockets = [dgram.createSocket("udp4"), dgram.createSocket("udp4")] as const;
  env.t.after(() => {
    for (const s of sockets) s.close();
  });
  for (const s of sockets) await new Promise<void>((resolve) => s.bind(0, HOST, resolve));
  const [inbox, peer] = sockets;
  await env.loop.sockSendto(inbox, b("hi"), [HOST, peer.address().port]);
  return { inbox, peer };
}

function recvfromSpec(into: boolean): LazySpec {
  const fixture = async (env: Env, isReady: boolean): Promise<Fixture> => {
    const { inbox, peer } = await udpPair(env);
    const to = (): void => {
      peer.send(b("ready"), inbox.address().port, HOST);
    };
    if (isReady) {
      to();
      await asyncio.sleep(0.03);
    }
    const buf = Buffer.alloc(100);
    const call = (): asyncio.Coroutine =>
      into ? env.loop.sockRecvfromInto(inbox, buf) : env.loop.sockRecvfrom(inbox, 100);
    const from: asyncio.DatagramAddress = [HOST, peer.address().port];
    const check = (r: unknown): void => {
      const [data, address] = r as [Buffer | number, asyncio.DatagramAddress];
      assert.deepEqual(typeof data === "number" ? buf.subarray(0, data) : data, b("ready"));
      assert.deepEqual(address, from);
    };
    return {
      call,
      intact: async () => {
        // No datagram was taken: the next call gets it.
        if (!isReady) to();
        check(await call());
      },
      completed: check,
    };
  };
  return { io: true, blocked: (env) => fixture(env, false), ready: (env) => fixture(env, true) };
}

function sendallSpec(): LazySpec {
  const fixture = async (env: Env): Promise<Fixture> => {
    const { client, conn } = await rawPair(env);
    return {
      call: () => env.loop.sockSendall(client, b("hello")),
      // Cancelled once it has written: the bytes are the kernel's (as in CPython, some may be sent).
      intact: async (started) => {
        if (!started) {
          await asyncio.sleep(0.02);
          assert.equal(conn.readableLength, 0, "bytes were sent");
        } else {
          assert.deepEqual(await received(conn, 5), b("hello"));
        }
      },
      completed: async (r) => {
        assert.equal(r, undefined);
        assert.deepEqual(await received(conn, 5), b("hello"));
      },
    };
  };
  return { io: true, blocked: null, starting: fixture, ready: fixture };
}

function sendtoSpec(): LazySpec {
  const fixture = async (env: Env): Promise<Fixture> => {
    const { inbox, peer } = await udpPair(env);
    let got = 0;
    peer.on("message", (msg: Buffer) => {
      if (msg.toString() === "hello") got++;
    });
    return {
      call: () => env.loop.sockSendto(inbox, b("hello"), [HOST, peer.address().port]),
      intact: async (started) => {
        await asyncio.sleep(0.03);
        // Cancelled once handed to Node, the datagram goes (CPython's sendto() returned already).
        assert.equal(got, started ? 1 : 0);
      },
      completed: async (r) => {
        assert.equal(r, 5);
        await until(() => got === 1, "the peer got the datagram");
      },
    };
  };
  return { io: true, blocked: null, starting: fixture, ready: fixture };
}

function connectSpec(): LazySpec {
  const fixture = async (env: Env): Promise<Fixture> => {
    await quiet();
    const res = new Resources(env.t);
    let accepted = 0;
    const server = res.server(
      net.createServer((s) => {
        accepted++;
        res.socket(s);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const sock = res.socket(new net.Socket());
    return {
      call: () => env.loop.sockConnect(sock, [HOST, portOf(server)]),
      // Cancelled while it connects: the socket is destroyed (Node cannot abandon a connect).
      intact: (started) => {
        assert.equal(sock.destroyed, started, "the socket's state");
        if (!started) assert.equal(sock.connecting, false);
      },
      completed: async () => {
        assert.equal(sock.remotePort, portOf(server));
        await until(() => accepted === 1, "the server accepted");
      },
    };
  };
  return { io: true, blocked: null, starting: fixture, ready: fixture };
}

function acceptSpec(): LazySpec {
  const fixture = async (env: Env, isReady: boolean): Promise<Fixture> => {
    await quiet();
    const res = new Resources(env.t);
    const server = res.server(net.createServer());
    await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
    const port = portOf(server);
    // Start the server's accept queue with a first connection.
    const first = asyncio.ensureFuture(env.loop.sockAccept(server));
    await asyncio.sleep(0);
    res.socket(net.connect(port, HOST));
    res.socket((await first)[0]);
    let waiting: net.Socket | null = null;
    if (isReady) {
      const c = res.socket(net.connect(port, HOST));
      await new Promise((resolve) => c.once("connect", resolve));
      await asyncio.sleep(0.02);
      waiting = c;
    }
    return {
      call: () => env.loop.sockAccept(server),
      intact: async () => {
        // No connection was taken: the next call gets it.
        const c = waiting ?? res.socket(net.connect(port, HOST));
        const [conn, address] = await env.loop.sockAccept(server);
        res.socket(conn);
        assert.deepEqual(address, [HOST, c.localPort]);
      },
      completed: (r) => {
        const [conn, address] = r as [net.Socket, asyncio.DatagramAddress];
        res.socket(conn);
        assert.deepEqual(address, [HOST, waiting?.localPort]);
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, false), ready: (env) => fixture(env, true) };
}

/** A temporary file of 100 kB, removed afterwards. */
function dataFile(env: Env): { fd: number; data: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-surface-sendfile-"));
  const where = path.join(dir, "f");
  const data = Buffer.alloc(100_000, "abcdefghij");
  fs.writeFileSync(where, data);
  const fd = fs.openSync(where, "r");
  env.t.after(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return { fd, data };
}

function sendfileSpec(onTransport: boolean): LazySpec {
  const fixture = async (env: Env): Promise<Fixture> => {
    const { client, conn } = await rawPair(env);
    const { fd, data } = dataFile(env);
    let transport: asyncio.SocketTransport | null = null;
    if (onTransport) [transport] = await env.loop.connectAcceptedSocket(asyncio.Protocol, client);
    return {
      call: () =>
        transport !== null
          ? env.loop.sendfile(transport, fd, 10, 50_000)
          : env.loop.sockSendfile(client, fd, 10, 50_000),
      intact: async () => {
        await asyncio.sleep(0.02);
        // Not started: nothing sent. Cancelled while it reads the file: nothing sent yet either.
        assert.equal(conn.readableLength, 0, "bytes were sent");
        if (transport !== null) {
          assert.ok(transport.getProtocol() instanceof asyncio.Protocol, "the protocol is restored");
          assert.equal(transport.isReading(), true);
        }
      },
      completed: async (r) => {
        assert.equal(r, 50_000);
        assert.ok((await received(conn, 50_000)).equals(data.subarray(10, 50_010)));
      },
    };
  };
  return { io: true, blocked: null, starting: fixture, ready: fixture };
}

/** The specs of the socket methods. */
export function sockSpecs() {
  return {
    "BaseEventLoop.sockRecv": recvSpec(false),
    "BaseEventLoop.sockRecvInto": recvSpec(true),
    "BaseEventLoop.sockRecvfrom": recvfromSpec(false),
    "BaseEventLoop.sockRecvfromInto": recvfromSpec(true),
    "BaseEventLoop.sockSendall": sendallSpec(),
    "BaseEventLoop.sockSendto": sendtoSpec(),
    "BaseEventLoop.sockConnect": connectSpec(),
    "BaseEventLoop.sockAccept": acceptSpec(),
    "BaseEventLoop.sockSendfile": sendfileSpec(false),
    "BaseEventLoop.sendfile": sendfileSpec(true),
  } satisfies Record<string, LazySpec>;
}
