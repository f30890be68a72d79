// Ports, by behaviour, the datagram cases of CPython 3.13 Lib/test/test_asyncio/test_base_events.py
// (test_create_datagram_endpoint_*) and test_selector_events.py (SelectorDatagramTransportTests), over real
// `node:dgram` sockets on 127.0.0.1 and ::1. Every test runs on the real loop under a 10 s asyncio timeout, and
// t.after() closes whatever a failing test left open.
import type { TestContext } from "node:test";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import net from "node:net";
import * as asyncio from "../src/index.ts";
import { assertCancelled } from "./helpers/index.ts";
import { captureStderr } from "./helpers/loops.ts";
import { runNet, until } from "./helpers/net.ts";

/** How many UDP handles the process holds. */
function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === "UDPWrap").length;
}

/**
 * Wait (up to 2 s) until the process holds no UDP handle: at the start of a test, so that the sockets of earlier
 * tests (closing asynchronously) are gone; at its end, to show it leaked none.
 */
async function noLeaks(): Promise<void> {
  for (let i = 0; i < 200 && udpHandles() > 0; i++) await asyncio.sleep(0.01);
  assert.equal(udpHandles(), 0, `leaked: ${process.getActiveResourcesInfo().join(", ")}`);
}

/** A protocol that records every call, and resolves `lost` on connectionLost. */
class Recorder extends asyncio.DatagramProtocol {
  readonly calls: string[] = [];
  readonly datagrams: [Buffer, asyncio.DatagramAddress][] = [];
  readonly errors: Error[] = [];
  transport: asyncio.DatagramTransport | null = null;
  readonly lost: asyncio.Future<Error | null> = asyncio.getRunningLoop().createFuture();
  override connectionMade(transport: asyncio.DatagramTransport): void {
    this.calls.push("made");
    this.transport = transport;
  }
  override datagramReceived(data: Buffer, addr: asyncio.DatagramAddress): void {
    this.calls.push("datagram");
    this.datagrams.push([data, addr]);
  }
  override errorReceived(exc: Error): void {
    this.calls.push("error");
    this.errors.push(exc);
  }
  override pauseWriting(): void {
    this.calls.push("pause");
  }
  override resumeWriting(): void {
    this.calls.push("resume");
  }
  override connectionLost(exc: Error | null): void {
    this.calls.push("lost");
    this.lost.setResult(exc);
  }
}

/** Close `transport` at the end of the test, whatever happened. */
function owned<T extends asyncio.BaseTransport>(t: TestContext, transport: T): T {
  t.after(() => {
    if (!transport.isClosing()) transport.close();
  });
  return transport;
}

/** A UDP endpoint bound to `host`:0 with a Recorder. */
async function bound(
  t: TestContext,
  host = "127.0.0.1",
): Promise<[asyncio.DatagramSocketTransport, Recorder, number]> {
  const loop = asyncio.getRunningLoop();
  const [tr, proto] = await loop.createDatagramEndpoint(Recorder, { localAddr: [host, 0] });
  owned(t, tr);
  const port = tr.getExtraInfo("sockname")?.[1];
  assert.ok(typeof port === "number" && port > 0);
  return [tr, proto, port];
}

/** A port nobody listens on (bound then closed). */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => s.bind(0, "127.0.0.1", resolve));
  const { port } = s.address();
  await new Promise<void>((resolve) => s.close(resolve));
  return port;
}

describe("createDatagramEndpoint: UDP on real sockets", () => {
  for (const [family, host] of [
    ["IPv4", "127.0.0.1"],
    ["IPv6", "::1"],
  ] as const) {
    it(`echo over ${family} (${host}): addresses in Python's shapes, then nothing leaked`, (t) =>
      runNet(async () => {
        await noLeaks();
        const loop = asyncio.getRunningLoop();
        const [server, sp, port] = await bound(t, host);
        const [client, cp] = await loop.createDatagramEndpoint(() => new Recorder(), {
          remoteAddr: [host, port],
        });
        owned(t, client);
        const sockname = client.getExtraInfo("sockname");
        const peername = client.getExtraInfo("peername");
        if (family === "IPv4") {
          assert.deepEqual(peername, [host, port]);
          assert.equal(sockname?.length, 2);
        } else {
          // Python's AF_INET6 addresses are (host, port, flowinfo, scope_id).
          assert.deepEqual(peername, [host, port, 0, 0]);
          assert.equal(sockname?.length, 4);
        }
        assert.equal(server.getExtraInfo("peername"), null);
        assert.ok(client.getExtraInfo("socket") instanceof dgram.Socket);
        assert.equal(client.getExtraInfo("nothing", "default"), "default");
        assert.deepEqual(cp.calls, ["made"]);
        assert.equal(cp.transport, client);

        client.sendto(Buffer.from("ping"));
        await until(() => sp.datagrams.length === 1, "the server got the datagram");
        const [data, from] = sp.datagrams[0] as [Buffer, asyncio.DatagramAddress];
        assert.equal(data.toString(), "ping");
        assert.deepEqual(from, sockname);
        server.sendto(Buffer.from("pong"), from);
        if (family === "IPv4") {
          // A name is resolved (by node:dns) before the datagram goes out.
          server.sendto(Buffer.from("by name"), ["localhost", from[1]]);
          await until(() => cp.datagrams.length === 2, "the client got both");
          assert.equal(cp.datagrams[1]?.[0].toString(), "by name");
          cp.datagrams.pop();
          cp.calls.pop();
        }
        await until(() => cp.datagrams.length === 1, "the client got the echo");
        assert.equal(cp.datagrams[0]?.[0].toString(), "pong");
        assert.deepEqual(
          cp.datagrams.map(([, addr]) => addr),
          [peername],
        );

        client.close();
        server.close();
        assert.equal(client.isClosing(), true);
        assert.equal(await cp.lost, null);
        assert.equal(await sp.lost, null);
        assert.deepEqual(cp.calls, ["made", "datagram", "lost"]);
        await noLeaks();
      }));
  }

  it("a protocol factory may be a function or a protocol class; connectionMade runs before the await returns", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const [tr, proto] = await loop.createDatagramEndpoint(Recorder, { localAddr: ["127.0.0.1", 0] });
      owned(t, tr);
      assert.ok(proto instanceof Recorder);
      assert.deepEqual(proto.calls, ["made"]);
      const [tr2, proto2] = await loop.createDatagramEndpoint(() => new Recorder(), {
        family: asyncio.socket.AF_INET,
      });
      owned(t, tr2);
      assert.deepEqual(proto2.calls, ["made"]);
      // Without an address the socket is bound to a free port on all interfaces.
      assert.equal(tr2.getExtraInfo("sockname")?.[0], "0.0.0.0");
      tr.close();
      tr2.close();
      await proto.lost;
      await proto2.lost;
    }));

  it("addresses are resolved as getaddrinfo does; a local and a remote address of different families is CPython's error", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const [tr, proto] = await loop.createDatagramEndpoint(Recorder, {
        localAddr: ["localhost", 0],
        family: asyncio.socket.AF_INET,
      });
      owned(t, tr);
      assert.equal(tr.getExtraInfo("sockname")?.[0], "127.0.0.1");
      const [tr6, proto6] = await loop.createDatagramEndpoint(Recorder, { family: asyncio.socket.AF_INET6 });
      owned(t, tr6);
      assert.equal(tr6.getExtraInfo("sockname")?.[0], "::");
      await assert.rejects(
        loop.createDatagramEndpoint(Recorder, { localAddr: ["127.0.0.1", 0], remoteAddr: ["::1", 9] }),
        { name: "RangeError", message: "can not get address information" },
      );
      tr.close();
      tr6.close();
      await proto.lost;
      await proto6.lost;
    }));

  it("ECONNREFUSED on a connected endpoint reaches errorReceived, and the transport stays open", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const port = await closedPort();
      const [tr, proto] = await loop.createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, tr);
      tr.sendto(Buffer.from("ping"));
      await until(() => proto.errors.length === 1, "errorReceived was called");
      const exc = proto.errors[0] as NodeJS.ErrnoException;
      assert.equal(exc.code, "ECONNREFUSED");
      assert.equal(tr.isClosing(), false);
      tr.sendto(Buffer.from("again"));
      await until(() => proto.errors.length === 2, "errorReceived was called again");
      tr.close();
      assert.equal(await proto.lost, null);
      assert.deepEqual(proto.calls, ["made", "error", "error", "lost"]);
    }));

  it("a datagram over 65,507 bytes gets EMSGSIZE in errorReceived; 65,507 bytes arrive", (t) =>
    runNet(async () => {
      const [server, sp, port] = await bound(t);
      const [client, cp] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      client.sendto(Buffer.alloc(65508));
      await until(() => cp.errors.length === 1, "errorReceived was called");
      assert.equal((cp.errors[0] as NodeJS.ErrnoException).code, "EMSGSIZE");
      assert.equal(client.isClosing(), false);
      assert.equal(client.getWriteBufferSize(), 0);
      client.sendto(Buffer.alloc(65507, 1));
      await until(() => sp.datagrams.length === 1, "the largest datagram arrived");
      assert.equal(sp.datagrams[0]?.[0].length, 65507);
      client.close();
      server.close();
      await cp.lost;
      await sp.lost;
    }));

  it("sendto: CPython's errors for another address, non-bytes data, and no address at all", (t) =>
    runNet(async () => {
      const [server, , port] = await bound(t);
      const loop = asyncio.getRunningLoop();
      const [client] = await loop.createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      assert.throws(
        () => {
          client.sendto(Buffer.from("x"), ["127.0.0.1", port + 1]);
        },
        {
          name: "RangeError",
          message: `Invalid address: must be None or ('127.0.0.1', ${port})`,
        },
      );
      // The same address, or none, is fine.
      client.sendto(Buffer.from("x"), ["127.0.0.1", port]);
      client.sendto(new Uint8Array([1, 2]));
      assert.throws(
        () => {
          client.sendto("text" as unknown as Uint8Array);
        },
        {
          name: "TypeError",
          message: "data argument must be a bytes-like object, not 'str'",
        },
      );
      assert.throws(
        () => {
          server.sendto(Buffer.from("x"));
        },
        {
          name: "TypeError",
          message: "sendto() needs an address: this endpoint has no remoteAddr",
        },
      );
      assert.throws(
        () => {
          server.sendto(Buffer.from("x"), ["127.0.0.1"] as unknown as [string, number]);
        },
        {
          name: "TypeError",
          message: "addr must be a [host, port] tuple, got [ '127.0.0.1' ]",
        },
      );
      assert.throws(
        () => {
          server.sendto(Buffer.from("x"), ["127.0.0.1", 70000]);
        },
        {
          name: "RangeError",
          message: "port must be 0-65535, got 70000",
        },
      );
      // Node refuses port 0 before sending: its error, and nothing counted as in flight.
      assert.throws(
        () => {
          server.sendto(Buffer.from("x"), ["127.0.0.1", 0]);
        },
        { code: "ERR_SOCKET_BAD_PORT" },
      );
      assert.equal(server.getWriteBufferSize(), 0);
      client.close();
      server.close();
    }));

  it("bad arguments: CPython's errors, and no socket left open", (t) =>
    runNet(async () => {
      await noLeaks();
      const loop = asyncio.getRunningLoop();
      const factory = (): asyncio.DatagramProtocol => new asyncio.DatagramProtocol();
      await assert.rejects(
        loop.createDatagramEndpoint(factory, {
          localAddr: ["127.0.0.1", 0],
          reuseAddress: true,
        } as asyncio.DatagramEndpointOptions),
        {
          name: "TypeError",
          message:
            "BaseEventLoop.create_datagram_endpoint() got an unexpected keyword argument 'reuse_address'",
        },
      );
      await assert.rejects(loop.createDatagramEndpoint(factory), {
        name: "RangeError",
        message: "unexpected address family",
      });
      await assert.rejects(
        loop.createDatagramEndpoint(factory, { localAddr: "127.0.0.1" as unknown as [string, number] }),
        { name: "TypeError", message: "2-tuple is expected" },
      );
      await assert.rejects(
        loop.createDatagramEndpoint(factory, {
          localAddr: ["127.0.0.1", 0],
          family: asyncio.socket.AF_UNIX,
        }),
        {
          name: "RangeError",
          message: "family AF_UNIX is not supported: node:dgram has no Unix datagram sockets",
        },
      );
      await assert.rejects(
        loop.createDatagramEndpoint(factory, { localAddr: ["::1", 0], family: asyncio.socket.AF_INET }),
        { name: "gaierror", message: "[Errno -9] Address family for hostname not supported" },
      );
      await assert.rejects(
        loop.createDatagramEndpoint(42 as unknown as () => asyncio.DatagramProtocol, {
          localAddr: ["127.0.0.1", 0],
        }),
        {
          name: "TypeError",
          message:
            "protocolFactory must be a function returning a DatagramProtocol (or a protocol class), got 42",
        },
      );
      const sock = dgram.createSocket("udp4");
      t.after(() => {
        try {
          sock.close();
        } catch {
          // closed by the test
        }
      });
      await assert.rejects(loop.createDatagramEndpoint(factory, { sock, localAddr: ["127.0.0.1", 0] }), {
        name: "RangeError",
        message:
          "socket modifier keyword arguments can not be used when sock is specified. (local_addr=('127.0.0.1', 0))",
      });
      const tcp = new net.Socket();
      await assert.rejects(loop.createDatagramEndpoint(factory, { sock: tcp as unknown as dgram.Socket }), {
        name: "RangeError",
        message: "A datagram socket was expected, got <Socket>",
      });
      tcp.destroy();
      // A port in use: Node's EADDRINUSE, and the failed socket closed.
      const [first, proto, port] = await bound(t);
      await assert.rejects(loop.createDatagramEndpoint(factory, { localAddr: ["127.0.0.1", port] }), {
        code: "EADDRINUSE",
      });
      first.close();
      await proto.lost;
      sock.close();
      await noLeaks();
    }));

  it("sock=: an existing dgram.Socket, bound or not; closing the transport closes it", (t) =>
    runNet(async () => {
      await noLeaks();
      const loop = asyncio.getRunningLoop();
      const [server, sp, port] = await bound(t);
      const sock = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => sock.bind(0, "127.0.0.1", resolve));
      const [tr, proto] = await loop.createDatagramEndpoint(Recorder, { sock });
      owned(t, tr);
      assert.equal(tr.getExtraInfo("socket"), sock);
      assert.deepEqual(tr.getExtraInfo("sockname"), ["127.0.0.1", sock.address().port]);
      tr.sendto(Buffer.from("hi"), ["127.0.0.1", port]);
      await until(() => sp.datagrams.length === 1, "the server got it");
      const unbound = dgram.createSocket("udp4");
      const [tr2, proto2] = await loop.createDatagramEndpoint(Recorder, { sock: unbound });
      owned(t, tr2);
      assert.ok((tr2.getExtraInfo("sockname")?.[1] ?? 0) > 0);
      tr.close();
      tr2.close();
      server.close();
      await Promise.all([proto.lost, proto2.lost, sp.lost]);
      assert.throws(() => sock.address(), { code: "ERR_SOCKET_DGRAM_NOT_RUNNING" });
      await noLeaks();
    }));

  it("allowBroadcast with remoteAddr does not connect; reusePort lets two endpoints share a port", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const [server, sp, port] = await bound(t);
      const [tr, proto] = await loop.createDatagramEndpoint(Recorder, {
        remoteAddr: ["127.0.0.1", port],
        allowBroadcast: true,
      });
      owned(t, tr);
      assert.equal(tr.getExtraInfo("peername"), null);
      tr.sendto(Buffer.from("b"));
      await until(() => sp.datagrams.length === 1, "the server got it");
      const [a, pa] = await loop.createDatagramEndpoint(Recorder, {
        localAddr: ["127.0.0.1", 0],
        reusePort: true,
      });
      owned(t, a);
      const shared = a.getExtraInfo("sockname")?.[1] ?? 0;
      const [b, pb] = await loop.createDatagramEndpoint(Recorder, {
        localAddr: ["127.0.0.1", shared],
        reusePort: true,
      });
      owned(t, b);
      assert.equal(b.getExtraInfo("sockname")?.[1], shared);
      for (const x of [tr, server, a, b]) x.close();
      await Promise.all([proto.lost, sp.lost, pa.lost, pb.lost]);
    }));

  it("close() waits for the datagrams in flight, then connectionLost(null); sends after it are dropped", (t) =>
    runNet(async () => {
      const [server, sp, port] = await bound(t);
      const [client, cp] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      client.sendto(Buffer.from("one"));
      client.sendto(Buffer.from("two"));
      client.close();
      client.close(); // idempotent
      assert.equal(client.isClosing(), true);
      assert.equal(await cp.lost, null);
      assert.equal(client.getWriteBufferSize(), 0);
      await until(() => sp.datagrams.length === 2, "both datagrams arrived");
      assert.deepEqual(
        sp.datagrams.map(([d]) => d.toString()),
        ["one", "two"],
      );
      // CPython 3.13: dropped silently, then from the fifth on each logs a warning.
      const records = await captureStderr(async () => {
        for (let i = 0; i < 6; i++) client.sendto(Buffer.from("late"));
      });
      assert.deepEqual(records, ["socket.send() raised exception.", "socket.send() raised exception."]);
      await asyncio.sleep(0.02);
      assert.equal(sp.datagrams.length, 2);
      server.abort();
      assert.equal(await sp.lost, null);
      assert.equal(server.isClosing(), true);
    }));

  it("differs: datagram transport — a datagram counts in the write buffer until Node reports it sent; a send error reaches errorReceived from a loop callback", (t) =>
    runNet(async () => {
      const [server, sp, port] = await bound(t);
      const [client, cp] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      client.sendto(Buffer.alloc(10));
      // CPython: 0 here (the kernel took it); asyncio-ts: 10 + 8 until Node's callback.
      assert.equal(client.getWriteBufferSize(), 18);
      client.sendto(Buffer.alloc(65508));
      // CPython calls error_received() inside sendto(); asyncio-ts one callback later.
      assert.equal(cp.errors.length, 0);
      await until(() => cp.errors.length === 1 && client.getWriteBufferSize() === 0, "both sends completed");
      assert.equal((cp.errors[0] as NodeJS.ErrnoException).code, "EMSGSIZE");
      await until(() => sp.datagrams.length === 1, "the small one arrived");
      client.close();
      server.close();
      await cp.lost;
      await sp.lost;
    }));

  it("the transport's repr: CPython's, closing then closed", (t) =>
    runNet(async () => {
      const [tr, proto] = await bound(t);
      assert.equal(String(tr), "<DatagramSocketTransport read=polling write=<idle, bufsize=0>>");
      tr.close();
      assert.equal(String(tr), "<DatagramSocketTransport closing read=idle write=<idle, bufsize=0>>");
      await proto.lost;
      assert.equal(String(tr), "<DatagramSocketTransport closed read=idle write=<idle, bufsize=0>>");
    }));

  it("a transport left open is closed when its loop closes", async () => {
    await asyncio.run(noLeaks);
    const transport = await asyncio.run(async () => {
      const [tr] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(Recorder, { localAddr: ["127.0.0.1", 0] });
      return tr;
    });
    assert.equal(transport.isClosing(), false, "nobody closed it: the loop closed its socket");
    await asyncio.run(noLeaks);
  });

  it("cancelled while it binds: no socket is left open", () =>
    runNet(async () => {
      await noLeaks();
      const loop = asyncio.getRunningLoop();
      const task = asyncio.eagerTaskFactory(
        loop,
        loop.createDatagramEndpoint(Recorder, { localAddr: ["127.0.0.1", 0] }),
      );
      assert.equal(task.done(), false);
      task.cancel();
      await assertCancelled(task);
      await noLeaks();
    }));
});

describe("write flow control at CPython's marks", () => {
  it("defaults: high 64 KiB, low 16 KiB; setWriteBufferLimits checks as CPython", (t) =>
    runNet(async () => {
      const [tr, proto] = await bound(t);
      assert.deepEqual(tr.getWriteBufferLimits(), [16384, 65536]);
      tr.setWriteBufferLimits(2000);
      assert.deepEqual(tr.getWriteBufferLimits(), [500, 2000]);
      tr.setWriteBufferLimits(null, 100);
      assert.deepEqual(tr.getWriteBufferLimits(), [100, 400]);
      tr.setWriteBufferLimits(0);
      assert.deepEqual(tr.getWriteBufferLimits(), [0, 0]);
      assert.throws(
        () => {
          tr.setWriteBufferLimits(1, 2);
        },
        {
          name: "RangeError",
          message: "high (1) must be >= low (2) must be >= 0",
        },
      );
      assert.throws(
        () => {
          tr.setWriteBufferLimits(-1);
        },
        {
          name: "RangeError",
          message: "high (-1) must be >= low (-1) must be >= 0",
        },
      );
      assert.throws(
        () => {
          tr.setWriteBufferLimits("1" as unknown as number);
        },
        {
          name: "TypeError",
          message: "high must be a number of bytes or null, got string",
        },
      );
      assert.deepEqual(tr.getWriteBufferLimits(), [0, 0]);
      tr.close();
      await proto.lost;
    }));

  it("pauseWriting once when the buffer goes strictly over high, resumeWriting once at low", (t) =>
    runNet(async () => {
      const [server, sp, port] = await bound(t);
      const [client, cp] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(Recorder, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      // Each datagram counts its length plus 8 bytes, as CPython's buffer does.
      client.setWriteBufferLimits(2016, 0);
      client.sendto(Buffer.alloc(1000));
      assert.equal(client.getWriteBufferSize(), 1008);
      client.sendto(Buffer.alloc(1000));
      assert.equal(client.getWriteBufferSize(), 2016);
      assert.deepEqual(cp.calls, ["made"], "at the mark, not over it: no pause");
      client.sendto(Buffer.alloc(1000));
      assert.deepEqual(cp.calls, ["made", "pause"], "pauseWriting is called from inside sendto()");
      client.sendto(Buffer.alloc(1000));
      assert.deepEqual(cp.calls, ["made", "pause"], "paired: once");
      await until(() => client.getWriteBufferSize() === 0, "the datagrams are sent");
      assert.deepEqual(cp.calls, ["made", "pause", "resume"]);
      await until(() => sp.datagrams.length === 4, "all four arrived");
      // Lowering the high mark under the buffered size pauses at once.
      client.sendto(Buffer.alloc(10));
      client.setWriteBufferLimits(0);
      assert.deepEqual(cp.calls, ["made", "pause", "resume", "pause"]);
      await until(() => cp.calls.length === 5, "resumed");
      assert.equal(cp.calls[4], "resume");
      client.close();
      server.close();
      await cp.lost;
      await sp.lost;
    }));

  it("an error in pauseWriting/resumeWriting goes to the loop's exception handler", (t) =>
    runNet(async () => {
      const loop = asyncio.getRunningLoop();
      const contexts: asyncio.ExceptionContext[] = [];
      loop.setExceptionHandler((_l, ctx) => contexts.push(ctx));
      t.after(() => {
        loop.setExceptionHandler(null);
      });
      class Failing extends Recorder {
        override pauseWriting(): void {
          throw new Error("pause boom");
        }
        override resumeWriting(): void {
          throw new Error("resume boom");
        }
      }
      const [server, sp, port] = await bound(t);
      const [client, cp] = await loop.createDatagramEndpoint(Failing, { remoteAddr: ["127.0.0.1", port] });
      owned(t, client);
      client.setWriteBufferLimits(0);
      client.sendto(Buffer.from("x"));
      await until(() => contexts.length === 2, "both failures were reported");
      assert.deepEqual(
        contexts.map((c) => [
          c.message,
          (c.exception as Error).message,
          c.transport === client,
          c.protocol === cp,
        ]),
        [
          ["protocol.pause_writing() failed", "pause boom", true, true],
          ["protocol.resume_writing() failed", "resume boom", true, true],
        ],
      );
      client.close();
      server.close();
      await cp.lost;
      await sp.lost;
    }));
});
