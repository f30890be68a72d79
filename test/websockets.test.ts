// asyncio-ts/websockets against itself on 127.0.0.1: the behaviours websockets 14's asyncio API
// documents and its tests pin (tests/asyncio/test_connection.py, test_server.py, test_client.py):
// echo, message types, async iteration, close codes and ConnectionClosed's rcvd/sent and message,
// max size, fragmentation, back-pressure, ping/pong and keepalive, broadcast, processRequest,
// server close with 1001, URI checks, open timeout. Every test runs on the real loop under an
// asyncio timeout and checks that no socket handle outlives it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import http from "node:http";
import net from "node:net";
import { WebSocket as RawWebSocket } from "ws";
import * as asyncio from "../src/index.ts";
import {
  broadcast,
  Close,
  connect,
  ConnectionClosed,
  ConnectionClosedError,
  ConnectionClosedOK,
  InvalidStatus,
  InvalidURI,
  ProtocolError,
  serve,
  State,
  type ServerConnection,
} from "../src/websockets/index.ts";
import { accepted, HOST, runWs, until, wsPort, wsUri } from "./helpers/websockets.ts";

const echo = async (ws: ServerConnection): Promise<void> => {
  for await (const message of ws) await ws.send(message);
};

/** Run `fn` and return what it threw. */
async function thrown(fn: () => PromiseLike<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an exception");
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: HOST, port, path, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => {
          resolve({ status: res.statusCode ?? 0, body });
        });
      })
      .on("error", reject);
  });
}

describe("websockets: messages", () => {
  it("echoes text as string and binary as bytes; request, addresses, id", () =>
    runWs(async () => {
      let seen: ServerConnection | null = null;
      const handler = async (ws: ServerConnection): Promise<void> => {
        seen = ws;
        await echo(ws);
      };
      await serve(handler, HOST, 0).with(async (server) => {
        const ws = await connect(wsUri(server, "/chat?room=1"), { additionalHeaders: { "X-Test": "yes" } });
        await ws.send("héllo");
        const text = await ws.recv();
        assert.equal(text, "héllo");
        await ws.send(new Uint8Array([0, 1, 255]));
        const bytes = await ws.recv();
        assert.ok(Buffer.isBuffer(bytes));
        assert.deepEqual([...bytes], [0, 1, 255]);
        // text=True sends bytes in a text frame; text=False a string in a binary frame.
        await ws.send(Buffer.from("abc"), { text: true });
        assert.equal(await ws.recv(), "abc");
        await ws.send("xyz", { text: false });
        assert.deepEqual(await ws.recv(), Buffer.from("xyz"));
        // decode: recv(false) gives a text frame's bytes, recv(true) decodes a binary frame.
        await ws.send("tx");
        assert.deepEqual(await ws.recv(false), Buffer.from("tx"));
        await ws.send(Buffer.from("bin"));
        assert.equal(await ws.recv(true), "bin");
        const conn = seen;
        assert.ok(conn !== null);
        assert.equal(conn.request?.path, "/chat?room=1");
        assert.equal(conn.request.headers.get("x-test"), "yes");
        assert.deepEqual(conn.remoteAddress, ws.localAddress);
        assert.deepEqual(conn.localAddress, [HOST, wsPort(server)]);
        assert.match(conn.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.notEqual(conn.id, ws.id);
        assert.equal(ws.response?.statusCode, 101);
        assert.equal(ws.request?.path, "/chat?room=1");
        assert.equal(ws.state, State.OPEN);
        assert.equal(ws.closeCode, null);
        await ws.close();
        assert.equal(ws.state, State.CLOSED);
        assert.equal(ws.closeCode, 1000);
        assert.equal(ws.closeReason, "");
      });
    }));

  it("async iteration ends on a normal close and yields every message before it", () =>
    runWs(async () => {
      const got: unknown[] = [];
      let ended = false;
      const handler = async (ws: ServerConnection): Promise<void> => {
        for await (const m of ws) got.push(m);
        ended = true;
      };
      await serve(handler, HOST, 0).with(async (server) => {
        await connect(wsUri(server)).with(async (ws) => {
          for (let i = 0; i < 5; i++) await ws.send(`m${String(i)}`);
        });
        await until(() => ended);
      });
      assert.deepEqual(got, ["m0", "m1", "m2", "m3", "m4"]);
    }));

  it("async iteration throws ConnectionClosedError after an error close code", () =>
    runWs(async (reports) => {
      await serve(
        async (ws) => {
          await ws.close(1011, "oops");
        },
        HOST,
        0,
      ).with(async (server) => {
        const ws = await connect(wsUri(server));
        const got: unknown[] = [];
        const e = await thrown(async () => {
          for await (const m of ws) got.push(m);
        });
        assert.ok(e instanceof ConnectionClosedError);
        assert.equal(e.message, "received 1011 (internal error) oops; then sent 1011 (internal error) oops");
        assert.deepEqual(got, []);
      });
      assert.equal(reports.length, 0);
    }));

  it("fragmented messages from an iterable and an async iterable arrive whole", () =>
    runWs(async () => {
      await serve(echo, HOST, 0).with(async (server) => {
        await connect(wsUri(server)).with(async (ws) => {
          await ws.send(["Hel", "lo"]);
          assert.equal(await ws.recv(), "Hello");
          await ws.send([Buffer.from([1]), new Uint8Array([2, 3])]);
          assert.deepEqual(await ws.recv(), Buffer.from([1, 2, 3]));
          async function* parts(): AsyncGenerator<string> {
            yield "a";
            await asyncio.sleep(0.01);
            yield "b";
          }
          // A message sent meanwhile waits for the fragmented one.
          const other = asyncio.createTask(ws.send("after"));
          await ws.send(parts());
          await other;
          assert.equal(await ws.recv(), "ab");
          assert.equal(await ws.recv(), "after");
          await ws.send([]);
          await ws.send("end");
          assert.equal(await ws.recv(), "end");
        });
      });
    }));

  it("bad messages: TypeError with websockets' words; mixed fragments close with 1011", () =>
    runWs(async () => {
      await serve(echo, HOST, 0).with(async (server) => {
        const ws = await connect(wsUri(server));
        await assert.rejects(ws.send(42 as unknown as string), {
          name: "TypeError",
          message: "data must be str, bytes, iterable, or async iterable",
        });
        await assert.rejects(ws.send(new Map() as unknown as string), {
          name: "TypeError",
          message: "data is a dict-like object",
        });
        await assert.rejects(ws.send(["a", Buffer.from("b")]), {
          name: "TypeError",
          message: "iterable must contain uniform types",
        });
        assert.equal(ws.state, State.CLOSED);
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedError);
        assert.deepEqual([e.sent?.code, e.sent?.reason], [1011, "error in fragmented message"]);
        // A first fragment of another type fails the connection too.
        const ws2 = await connect(wsUri(server));
        await assert.rejects(ws2.send([1] as unknown as string[]), {
          name: "TypeError",
          message: "iterable must contain bytes or str",
        });
        assert.equal(ws2.state, State.CLOSED);
      });
    }));
});

describe("websockets: closing", () => {
  it("close(): ConnectionClosedOK with rcvd/sent and their order on both sides", () =>
    runWs(async () => {
      let serverExc: unknown = null;
      await serve(
        async (ws) => {
          try {
            await ws.recv();
          } catch (e) {
            serverExc = e;
          }
        },
        HOST,
        0,
      ).with(async (server) => {
        const ws = await connect(wsUri(server));
        await ws.close(1000, "done");
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedOK);
        assert.ok(e instanceof ConnectionClosed);
        assert.equal(e.name, "ConnectionClosedOK");
        assert.equal(e.message, "sent 1000 (OK) done; then received 1000 (OK) done");
        assert.deepEqual(e.sent, new Close(1000, "done"));
        assert.equal(e.rcvdThenSent, false);
        await until(() => serverExc !== null);
        assert.ok(serverExc instanceof ConnectionClosedOK);
        assert.equal((serverExc as Error).message, "received 1000 (OK) done; then sent 1000 (OK) done");
        assert.equal(serverExc.rcvdThenSent, true);
        // close() is idempotent; send() and ping() on a closed connection raise.
        await ws.close();
        await assert.rejects(ws.send("x"), ConnectionClosedOK);
        await assert.rejects(ws.ping(), ConnectionClosedOK);
        assert.equal(ws.closeReason, "done");
      });
    }));

  it("close codes: private-use codes are errors; an invalid code is a ProtocolError", () =>
    runWs(async () => {
      await serve(echo, HOST, 0).with(async (server) => {
        const ws = await connect(wsUri(server));
        await assert.rejects(ws.close(1006), { name: "ProtocolError", message: "invalid status code" });
        await assert.rejects(ws.close(999), ProtocolError);
        await assert.rejects(ws.close(1000, "x".repeat(124)), {
          name: "ProtocolError",
          message: "control frame too long",
        });
        assert.equal(ws.state, State.OPEN);
        await ws.close(4123, "app");
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedError);
        assert.equal(e.message, "sent 4123 (private use) app; then received 4123 (private use) app");
        assert.equal(String(new Close(3000, "")), "3000 (registered)");
        assert.equal(String(new Close(1001, "bye")), "1001 (going away) bye");
        assert.equal(String(new Close(2999, "")), "2999 (unknown)");
      });
    }));

  it("a dropped TCP connection: ConnectionClosedError, no close frame, code 1006", () =>
    runWs(async () => {
      let sockets = new Set<net.Socket>();
      await serve(
        async (ws) => {
          // Abort the TCP connection under the WebSocket.
          for (const s of sockets) s.destroy();
          await ws.waitClosed();
        },
        HOST,
        0,
      ).with(async (server) => {
        sockets = accepted(server);
        const ws = await connect(wsUri(server));
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedError);
        assert.equal(e.message, "no close frame received or sent");
        assert.equal(e.rcvd, null);
        assert.equal(e.sent, null);
        assert.equal(ws.closeCode, 1006);
        assert.equal(ws.closeReason, "");
      });
    }));

  it("a message over maxSize closes with 1009 (message too big)", () =>
    runWs(async () => {
      let serverExc: unknown = null;
      await serve(
        async (ws) => {
          try {
            await ws.recv();
          } catch (e) {
            serverExc = e;
          }
        },
        HOST,
        0,
        { maxSize: 1000 },
      ).with(async (server) => {
        const ws = await connect(wsUri(server));
        await ws.send("x".repeat(1001));
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedError);
        assert.equal(e.rcvd?.code, 1009);
        assert.equal(ws.closeCode, 1009);
        await until(() => serverExc !== null);
        assert.ok(serverExc instanceof ConnectionClosedError);
        // The failing side stops reading at once: it never sees the close frame that answers its own.
        assert.equal((serverExc as Error).message, "sent 1009 (message too big); no close frame received");
        assert.equal(serverExc.rcvd, null);
        assert.equal(e.message, "received 1009 (message too big); then sent 1009 (message too big)");
      });
      // The default limit is 2**20: a message of exactly that size passes, one byte more does not.
      await serve(echo, HOST, 0).with(async (server) => {
        const ws = await connect(wsUri(server), { maxSize: null });
        await ws.send(Buffer.alloc(2 ** 20));
        assert.equal(((await ws.recv()) as Buffer).length, 2 ** 20);
        await ws.send(Buffer.alloc(2 ** 20 + 1));
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedError);
        assert.equal(e.rcvd?.code, 1009);
      });
    }));

  it("server.close() closes connections with 1001 and waits for their handlers", () =>
    runWs(async () => {
      const finished: string[] = [];
      const server = await serve(
        async (ws) => {
          try {
            await ws.recv();
          } catch (e) {
            assert.ok(e instanceof ConnectionClosedOK);
          }
          await asyncio.sleep(0.05);
          finished.push(ws.request?.path ?? "");
        },
        HOST,
        0,
      );
      const a = await connect(wsUri(server, "/a"));
      const b = await connect(wsUri(server, "/b"));
      await until(() => server.connections.size === 2);
      server.close();
      await server.waitClosed();
      assert.deepEqual(finished.sort(), ["/a", "/b"]);
      assert.equal(server.isServing(), false);
      assert.deepEqual(server.sockets, []);
      for (const ws of [a, b]) {
        const e = await thrown(() => ws.recv());
        assert.ok(e instanceof ConnectionClosedOK);
        assert.equal(e.message, "received 1001 (going away); then sent 1001 (going away)");
        assert.equal(ws.closeCode, 1001);
      }
    }));

  it("serveForever() cancelled closes the server; a handler's exception is reported and closes with 1011", () =>
    runWs(async (reports) => {
      const server = await serve(
        async (ws) => {
          if (ws.request?.path === "/boom") throw new Error("boom");
          await ws.waitClosed();
        },
        HOST,
        0,
      );
      const forever = asyncio.createTask(server.serveForever());
      await asyncio.sleep(0);
      const boom = await connect(wsUri(server, "/boom"));
      const e = await thrown(() => boom.recv());
      assert.ok(e instanceof ConnectionClosedError);
      assert.equal(e.rcvd?.code, 1011);
      assert.equal(reports.length, 1);
      assert.equal(reports[0]?.message, "connection handler failed");
      assert.equal((reports[0].exception as Error).message, "boom");
      const ws = await connect(wsUri(server));
      forever.cancel();
      assert.ok((await thrown(() => forever)) instanceof asyncio.CancelledError);
      assert.equal(server.isServing(), false);
      const e2 = await thrown(() => ws.recv());
      assert.ok(e2 instanceof ConnectionClosedOK);
      assert.equal(e2.rcvd?.code, 1001);
    }));
});

describe("websockets: receiving", () => {
  it("two tasks in recv() at once: ConcurrencyError", () =>
    runWs(async () => {
      await serve(echo, HOST, 0).with(async (server) => {
        await connect(wsUri(server)).with(async (ws) => {
          const first = asyncio.createTask(ws.recv());
          await asyncio.sleep(0);
          await assert.rejects(ws.recv(), {
            name: "ConcurrencyError",
            message: "cannot call recv while another coroutine is already running recv or recv_streaming",
          });
          await ws.send("one");
          assert.equal(await first, "one");
        });
      });
    }));

  it("recv() bounded by waitFor() takes nothing when it times out", () =>
    runWs(async () => {
      await serve(echo, HOST, 0).with(async (server) => {
        await connect(wsUri(server)).with(async (ws) => {
          await assert.rejects(asyncio.waitFor(ws.recv(), 0.02), asyncio.TimeoutError);
          await ws.send("kept");
          await until(() => true);
          await assert.rejects(asyncio.waitFor(ws.recv(), 0), asyncio.TimeoutError);
          assert.equal(await ws.recv(), "kept");
        });
      });
    }));

  it("maxQueue pauses reading; send() waits above writeLimit and goes on when the peer reads", () =>
    runWs(async () => {
      let reading = false;
      let received = 0;
      const handler = async (ws: ServerConnection): Promise<void> => {
        await until(() => reading, 8);
        for await (const m of ws) received += (m as Buffer).length;
      };
      await serve(handler, HOST, 0, { maxQueue: 2, maxSize: null }).with(async (server) => {
        // Uncompressed: zeros deflate to nothing and would never fill a buffer.
        const ws = await connect(wsUri(server), { writeLimit: 2 ** 16, compression: null });
        const chunk = Buffer.alloc(2 ** 16);
        let sent = 0;
        let blocked = false;
        // The peer stops reading after two messages: the kernel buffers fill, then send() waits.
        while (sent < 4000) {
          try {
            await asyncio.waitFor(ws.send(chunk), 0.2);
          } catch (e) {
            if (!(e instanceof asyncio.TimeoutError)) throw e;
            blocked = true;
            break;
          }
          sent++;
        }
        assert.ok(blocked, `send() never waited in ${String(sent)} messages`);
        reading = true;
        await ws.send(chunk);
        await ws.close();
        await until(() => received >= (sent + 1) * chunk.length, 8);
      });
    }));
});

describe("websockets: ping", () => {
  it("ping() resolves with the latency when the pong comes; same payload twice is a ConcurrencyError", () =>
    runWs(async () => {
      await serve(echo, HOST, 0, { pingInterval: null }).with(async (server) => {
        await connect(wsUri(server), { pingInterval: null }).with(async (ws) => {
          assert.equal(ws.latency, 0);
          const latency = await ws.ping();
          assert.equal(typeof latency, "number");
          assert.ok(latency >= 0 && latency < 5);
          assert.equal(ws.latency, latency);
          const t = asyncio.createTask(ws.ping("same"));
          await asyncio.sleep(0);
          await assert.rejects(ws.ping("same"), {
            name: "ConcurrencyError",
            message: "already waiting for a pong with the same data",
          });
          assert.ok((await t) >= 0);
          await assert.rejects(ws.ping(5 as unknown as string), {
            name: "TypeError",
            message: "data must be str or bytes-like",
          });
          await ws.pong("unsolicited");
        });
      });
    }));

  it("keepalive: no pong within pingTimeout fails the connection with 1011", () =>
    runWs(async () => {
      let serverExc: unknown = null;
      await serve(
        async (ws) => {
          try {
            await ws.recv();
          } catch (e) {
            serverExc = e;
          }
        },
        HOST,
        0,
        { pingInterval: 0.05, pingTimeout: 0.05 },
      ).with(async (server) => {
        // A raw ws client that never answers pings.
        const raw = new RawWebSocket(wsUri(server), { autoPong: false });
        await until(() => serverExc !== null, 5);
        raw.terminate();
        assert.ok(serverExc instanceof ConnectionClosedError);
        assert.deepEqual(serverExc.sent, new Close(1011, "keepalive ping timeout"));
      });
      // With pongs, keepalive measures the latency and keeps the connection open.
      await serve(echo, HOST, 0, { pingInterval: 0.02, pingTimeout: 0.5 }).with(async (server) => {
        await connect(wsUri(server), { pingInterval: null }).with(async (ws) => {
          await asyncio.sleep(0.15);
          assert.equal(ws.state, State.OPEN);
          await ws.send("alive");
          assert.equal(await ws.recv(), "alive");
        });
      });
    }));
});

describe("websockets: broadcast", () => {
  it("sends to every open connection and skips closed ones", () =>
    runWs(async () => {
      await serve(
        async (ws) => {
          await ws.waitClosed();
        },
        HOST,
        0,
      ).with(async (server) => {
        const clients = await Promise.all([0, 1, 2].map(() => connect(wsUri(server))));
        await until(() => server.connections.size === 3);
        const [first] = clients;
        assert.ok(first !== undefined);
        await first.close();
        await until(() => server.connections.size === 2);
        broadcast(server.connections, "news");
        broadcast(server.connections, Buffer.from("bin"));
        for (const ws of clients.slice(1)) {
          assert.equal(await ws.recv(), "news");
          assert.deepEqual(await ws.recv(), Buffer.from("bin"));
          await ws.close();
        }
        assert.throws(
          () => {
            broadcast([], 1 as unknown as string);
          },
          { name: "TypeError", message: "data must be str or bytes" },
        );
      });
    }));
});

describe("websockets: handshake", () => {
  it("processRequest answers instead of the handshake; plain HTTP gets 426", () =>
    runWs(async (reports) => {
      const processRequest = async (ws: ServerConnection, request: { path: string }) => {
        await asyncio.sleep(0);
        if (request.path === "/healthz") return ws.respond(200, "OK\n");
        if (request.path === "/forbidden") return ws.respond(403, "Forbidden\n");
        if (request.path === "/bug") throw new Error("bug");
        return null;
      };
      await serve(echo, HOST, 0, { processRequest }).with(async (server) => {
        const e = await thrown(() => connect(wsUri(server, "/forbidden")));
        assert.ok(e instanceof InvalidStatus);
        assert.equal(e.message, "server rejected WebSocket connection: HTTP 403");
        assert.equal(e.response.statusCode, 403);
        assert.equal(Buffer.from(e.response.body).toString(), "Forbidden\n");
        assert.equal(e.response.headers.get("content-type"), "text/plain; charset=utf-8");
        const health = await asyncio.ensureFuture(httpGet(wsPort(server), "/healthz"));
        assert.deepEqual(health, { status: 200, body: "OK\n" });
        const plain = await asyncio.ensureFuture(httpGet(wsPort(server), "/"));
        assert.equal(plain.status, 426);
        assert.match(
          plain.body,
          /^Failed to open a WebSocket connection: invalid Connection header: close\.\n\n/,
        );
        const bug = await thrown(() => connect(wsUri(server, "/bug")));
        assert.ok(bug instanceof InvalidStatus);
        assert.equal(bug.response.statusCode, 500);
        await connect(wsUri(server, "/ok")).with(async (ws) => {
          await ws.send("fine");
          assert.equal(await ws.recv(), "fine");
        });
      });
      assert.deepEqual(
        reports.map((r) => [r.message, (r.exception as Error).message]),
        [["opening handshake failed", "bug"]],
      );
    }));

  it("bad URIs raise InvalidURI with websockets' message", () =>
    runWs(async () => {
      const cases: [string, string][] = [
        ["http://x", "http://x isn't a valid URI: scheme isn't ws or wss"],
        ["localhost:8765", "localhost:8765 isn't a valid URI: scheme isn't ws or wss"],
        ["ws://", "ws:// isn't a valid URI: hostname isn't provided"],
        ["ws://x/#frag", "ws://x/#frag isn't a valid URI: fragment identifier is meaningless"],
        ["ws://user@x/", "ws://user@x/ isn't a valid URI: username provided without password"],
      ];
      for (const [uri, message] of cases) {
        const e = await thrown(() => connect(uri));
        assert.ok(e instanceof InvalidURI, String(e));
        assert.equal(e.message, message);
        assert.equal(e.uri, uri);
      }
      await assert.rejects(connect("ws://127.0.0.1:1/", { ssl: true }), {
        name: "RangeError",
        message: "ssl argument is incompatible with a ws:// URI",
      });
      await assert.rejects(connect("ws://127.0.0.1:1/", { compression: "gzip" as "deflate" }), {
        name: "RangeError",
        message: "unsupported compression: gzip",
      });
    }));

  it("a server that never answers: TimeoutError 'timed out during handshake' after openTimeout", () =>
    runWs(async () => {
      const accepted: net.Socket[] = [];
      const silent = net.createServer((s) => {
        accepted.push(s);
        s.on("error", () => undefined);
        s.resume();
      });
      await new Promise<void>((resolve) => silent.listen(0, HOST, resolve));
      const { port } = silent.address() as net.AddressInfo;
      try {
        await assert.rejects(connect(`ws://${HOST}:${String(port)}/`, { openTimeout: 0.1 }), {
          name: "TimeoutError",
          message: "timed out during handshake",
        });
        // The client gave up: the server sees the connection closed.
        await until(() => accepted.length === 1 && accepted[0]?.destroyed === true);
        // A refused connection is Node's system error, as Python's OSError.
        silent.close();
        await asyncio.sleep(0.01);
        await assert.rejects(connect(`ws://${HOST}:${String(port)}/`), { code: "ECONNREFUSED" });
      } finally {
        silent.close();
      }
    }));

  it("lazy: serve() and connect() start nothing until awaited", () =>
    runWs(async () => {
      const s = serve(echo, HOST, 0);
      await asyncio.sleep(0.01);
      s.close();
      await serve(echo, HOST, 0).with(async (server) => {
        const sockets = accepted(server);
        const c = connect(wsUri(server));
        await asyncio.sleep(0.01);
        assert.equal(sockets.size, 0);
        c.close();
        await assert.rejects(asyncio.waitFor(connect(wsUri(server)), 0), asyncio.TimeoutError);
        await asyncio.sleep(0.02);
        assert.equal(server.connections.size, 0);
      });
    }));
});

describe("websockets: more of the API", () => {
  it("subprotocols: the server picks the first of its own the client offers", () =>
    runWs(async () => {
      let chosen: string | null = "unset";
      await serve(
        async (ws) => {
          chosen = ws.subprotocol;
          await ws.waitClosed();
        },
        HOST,
        0,
        { subprotocols: ["chat", "superchat"] },
      ).with(async (server) => {
        await connect(wsUri(server), { subprotocols: ["superchat", "chat"] }).with((ws) => {
          assert.equal(ws.subprotocol, "chat");
        });
        assert.equal(chosen, "chat");
        await connect(wsUri(server)).with((ws) => {
          assert.equal(ws.subprotocol, null);
        });
        await until(() => chosen === null);
      });
    }));

  it("closeTimeout: a peer that never answers the close frame is aborted", () =>
    runWs(async () => {
      let outcome: unknown[] = [];
      await serve(
        async (ws) => {
          const t0 = asyncio.getRunningLoop().time();
          await ws.close();
          outcome = [asyncio.getRunningLoop().time() - t0, ws.closeCode, await thrown(() => ws.recv())];
        },
        HOST,
        0,
        { closeTimeout: 0.2 },
      ).with(async (server) => {
        // A hand-written handshake, then silence: no close frame ever comes back.
        const socket = net.connect(wsPort(server), HOST);
        socket.on("error", () => undefined);
        socket.write(
          "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        );
        socket.resume();
        try {
          await until(() => outcome.length > 0, 5);
        } finally {
          socket.destroy();
        }
        const [elapsed, code, exc] = outcome as [number, number, unknown];
        assert.ok(elapsed >= 0.15 && elapsed < 2, `closed after ${String(elapsed)} s`);
        assert.equal(code, 1006);
        assert.ok(exc instanceof ConnectionClosedError);
        assert.equal(exc.message, "sent 1000 (OK); no close frame received");
      });
    }));

  it("with(): closes with 1000, or 1011 when the body throws; state goes OPEN, CLOSING, CLOSED", () =>
    runWs(async () => {
      const codes: (number | null)[] = [];
      await serve(
        async (ws) => {
          await ws.waitClosed();
          codes.push(ws.closeCode);
        },
        HOST,
        0,
      ).with(async (server) => {
        const ws = await connect(wsUri(server));
        await assert.rejects(
          ws.with(() => {
            throw new Error("body failed");
          }),
          { message: "body failed" },
        );
        assert.equal(ws.state, State.CLOSED);
        const ws2 = await connect(wsUri(server));
        assert.equal(await ws2.with(() => 42), 42);
        const ws3 = await connect(wsUri(server));
        assert.equal(ws3.state, State.OPEN);
        const closing = asyncio.createTask(ws3.close());
        await asyncio.sleep(0);
        assert.equal(ws3.state, State.CLOSING);
        await closing;
        assert.equal(ws3.state, State.CLOSED);
        await until(() => codes.length === 3);
        assert.deepEqual(codes.sort(), [1000, 1000, 1011]);
      });
    }));

  it("close(false) stops listening but leaves connections open until they close", () =>
    runWs(async () => {
      const server = await serve(echo, HOST, 0);
      const ws = await connect(wsUri(server));
      server.close(false);
      await asyncio.sleep(0.02);
      assert.equal(server.isServing(), false);
      await ws.send("still here");
      assert.equal(await ws.recv(), "still here");
      const waiting = asyncio.createTask(server.waitClosed());
      await asyncio.sleep(0.02);
      assert.equal(waiting.done(), false);
      await ws.close();
      await waiting;
      assert.equal(ws.closeCode, 1000);
    }));
});
