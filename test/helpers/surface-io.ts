// Scenario specs of the LAZY names that do I/O (streams, servers, subprocesses, executors), for
// test/surface.test.ts: real 127.0.0.1 sockets, Unix sockets, children and worker threads on
// the real loop. "Nothing leaked" is read from the process's handles
// (`process.getActiveResourcesInfo()`), a peer's accepted-connection count and bytes read, and
// marker files that a child or a job would create. Everything a fixture opens is closed by the
// fixture itself or, if a step fails half-way, by t.after() and the loop's own close.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { inspect } from "node:util";
import * as asyncio from "../../src/index.ts";
import { selfSignedCertificate } from "./tls.ts";
import { assertCancelled } from "./index.ts";
import type { Env, Fixture, LazySpec } from "./lazy-battery.ts";
import { b, HOST, openHandles, Resources } from "./net.ts";

const show = (x: unknown): string => inspect(x);

/** How many handles of this kind (`TCPServerWrap`, `ProcessWrap`, `PipeWrap`...) are alive. */
export function handles(kind: string): number {
  return process.getActiveResourcesInfo().filter((name) => name === kind).length;
}

/**
 * Wait until the sockets, servers and children of earlier tests are gone (they close
 * asynchronously), so that counting handles means something.
 */
export async function quiet(): Promise<void> {
  await until(
    () => handles("TCPSocketWrap") + handles("TCPServerWrap") + handles("ProcessWrap") === 0,
    "the handles of earlier tests are closed",
    () => process.getActiveResourcesInfo().join(", "),
  );
}

/** Wait until the process holds at most `base` socket and pipe handles (up to 3 s). */
async function noMoreHandles(base: number): Promise<void> {
  await until(
    () => openHandles() <= base,
    `no more than ${base} handles: ${process.getActiveResourcesInfo().join(", ")}`,
  );
}

/** Poll `pred` on the loop (up to 3 s); `detail` adds to the message of a timeout. */
export async function until(pred: () => boolean, what: string, detail?: () => string): Promise<void> {
  for (let i = 0; !pred(); i++) {
    assert.ok(i < 600, `timed out waiting until ${what}${detail === undefined ? "" : `: ${detail()}`}`);
    await asyncio.sleep(0.005);
  }
}

// A throwaway directory for Unix sockets, marker files and a certificate, removed at exit.
let tmp: string | null = null;
let serial = 0;
function tmpPath(name: string): string {
  if (tmp === null) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-surface-"));
    tmp = dir;
    process.once("exit", () => {
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
  return path.join(tmp, `${name}-${++serial}`);
}

let certificate: { key: Buffer; cert: Buffer } | null = null;
/** A self-signed P-256 certificate for 127.0.0.1, made once. */
function cert(): { key: Buffer; cert: Buffer } {
  certificate ??= selfSignedCertificate("ec");
  return certificate;
}

/** A plain `node:net` server that records what it accepts and reads, doing nothing else. */
interface Peer {
  readonly server: net.Server;
  readonly sockets: net.Socket[];
  /** What each accepted socket received, as latin1 text (not with `tls`). */
  readonly received: string[];
  /** How many accepted sockets have closed. */
  closed: number;
  /** Decrypted text received over TLS (with `tls`). */
  secureText: string;
}

async function listenPeer(
  res: Resources,
  where: { path: string } | { port: number; host: string },
  options: { tls?: boolean; pause?: boolean } = {},
): Promise<Peer> {
  const peer: Peer = {
    server: net.createServer({ pauseOnConnect: options.pause === true }),
    sockets: [],
    received: [],
    closed: 0,
    secureText: "",
  };
  peer.server.on("connection", (socket) => {
    res.socket(socket);
    const i = peer.sockets.push(socket) - 1;
    peer.received[i] = "";
    socket.on("close", () => {
      peer.closed++;
    });
    socket.on("error", () => {});
    if (options.tls === true) {
      const { key, cert: crt } = cert();
      const secure = new tls.TLSSocket(socket, { isServer: true, key, cert: crt });
      secure.on("data", (chunk: Buffer) => {
        peer.secureText += chunk.toString("latin1");
      });
      secure.on("error", () => {});
      return;
    }
    socket.on("data", (chunk: Buffer) => {
      peer.received[i] = (peer.received[i] ?? "") + chunk.toString("latin1");
    });
  });
  res.server(peer.server);
  await new Promise<void>((resolve, reject) => {
    peer.server.once("error", reject);
    peer.server.listen(where, resolve);
  });
  return peer;
}

function portOf(server: net.Server): number {
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return address.port;
}

/** A client stream connected to a plain peer. */
async function connectedPair(
  env: Env,
  options: { pause?: boolean; tls?: boolean } = {},
): Promise<{ reader: asyncio.StreamReader; writer: asyncio.StreamWriter; peer: Peer; res: Resources }> {
  await quiet();
  const res = new Resources(env.t);
  const peer = await listenPeer(res, { host: HOST, port: 0 }, options);
  const [reader, writer] = await res.connect(portOf(peer.server));
  await until(() => peer.sockets.length === 1, "the peer accepted");
  return { reader, writer, peer, res };
}

// ---------------------------------------------------------------------------------------------
// StreamReader

type ReadKind = "readline" | "readuntil" | "read" | "readexactly";

/** What is buffered before the call: enough for it to complete, or a part (it then blocks). */
const READS: Record<
  ReadKind,
  {
    ready: string;
    partial: string;
    rest: string;
    call: (r: asyncio.StreamReader) => asyncio.Coroutine<Buffer>;
  }
> = {
  readline: { ready: "one\n", partial: "par", rest: "t\n", call: (r) => r.readline() },
  readuntil: { ready: "one|", partial: "par", rest: "t|", call: (r) => r.readuntil("|") },
  read: { ready: "abc", partial: "", rest: "abc", call: (r) => r.read(100) },
  readexactly: { ready: "abcde", partial: "ab", rest: "cde", call: (r) => r.readexactly(5) },
};

function readSpec(kind: ReadKind): LazySpec {
  const { ready, partial, rest, call } = READS[kind];
  const fixture = async (env: Env, isReady: boolean): Promise<Fixture> => {
    const { reader, peer } = await connectedPair(env);
    const buffered = isReady ? ready : partial;
    const sock = peer.sockets[0] as net.Socket;
    if (buffered !== "") {
      sock.write(buffered);
      await until(() => show(reader).includes(`${buffered.length} bytes`), "the data is buffered");
    }
    return {
      call: () => call(reader),
      snapshot: () => show(reader),
      blocked: () => show(reader).includes("waiter="),
      intact: async () => {
        // Nothing was read: the next read still returns every byte.
        if (!isReady) sock.write(rest);
        const data = await call(reader);
        assert.equal(data.toString("latin1"), isReady ? ready : partial + rest, "bytes were read");
      },
      completed: (r) => {
        assert.deepEqual(r, b(ready));
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, false), ready: (env) => fixture(env, true) };
}

// ---------------------------------------------------------------------------------------------
// StreamWriter

function drainSpec(): LazySpec {
  return {
    io: true,
    // The peer reads nothing: 16 MB fill the kernel's buffers and pause the writer.
    blocked: async (env) => {
      const { writer, peer } = await connectedPair(env, { pause: true });
      const size = 16 << 20;
      writer.write(Buffer.alloc(size));
      const sock = peer.sockets[0] as net.Socket;
      return {
        call: () => writer.drain(),
        intact: async () => {
          assert.equal(writer.isClosing(), false);
          sock.resume();
          await writer.drain();
          await until(() => (peer.received[0] ?? "").length === size, "the peer got every byte");
        },
      };
    },
    ready: async (env) => {
      const { writer } = await connectedPair(env);
      return {
        call: () => writer.drain(),
        intact: () => {
          assert.equal(writer.isClosing(), false);
        },
        completed: (r) => {
          assert.equal(r, undefined);
        },
      };
    },
  };
}

function writerWaitClosedSpec(): LazySpec {
  return {
    io: true,
    blocked: async (env) => {
      const { writer, peer } = await connectedPair(env);
      return {
        call: () => writer.waitClosed(),
        intact: async () => {
          assert.equal(writer.isClosing(), false);
          writer.write("still open\n");
          await until(() => peer.received[0] === "still open\n", "the peer got the line");
        },
      };
    },
    ready: async (env) => {
      const { writer, peer } = await connectedPair(env);
      writer.close();
      return {
        call: () => writer.waitClosed(),
        intact: () => {},
        completed: async () => {
          await until(() => peer.closed === 1, "the peer saw the close");
        },
      };
    },
  };
}

function startTlsSpec(): LazySpec {
  return {
    io: true,
    // The peer never answers the ClientHello: the handshake blocks.
    blocked: async (env) => {
      const { writer, peer } = await connectedPair(env);
      const sock = peer.sockets[0] as net.Socket;
      const base = openHandles();
      return {
        call: () => writer.startTls({ ca: cert().cert }),
        blocked: () => sock.bytesRead > 0,
        intact: async (started) => {
          if (!started) {
            // Still plain TCP: no byte of a handshake was sent.
            assert.equal(sock.bytesRead, 0, "a handshake was started");
            writer.write("plain\n");
            await until(() => peer.received[0] === "plain\n", "the peer got the plain line");
            return;
          }
          // CPython 3.13 start_tls: a cancelled handshake closes the transport.
          await until(() => peer.closed === 1, "the transport is closed");
          await noMoreHandles(base - 2);
        },
      };
    },
    ready: async (env) => {
      const { writer, peer } = await connectedPair(env, { tls: true });
      const sock = peer.sockets[0] as net.Socket;
      return {
        call: () => writer.startTls({ ca: cert().cert }),
        intact: async () => {
          await asyncio.sleep(0.02);
          assert.equal(sock.bytesRead, 0, "a handshake was started");
        },
        completed: async () => {
          writer.write("secret\n");
          await until(() => peer.secureText === "secret\n", "the peer got the line over TLS");
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// openConnection, openUnixConnection

function openSpec(unix: boolean): LazySpec {
  const fixture = async (env: Env, blocks: boolean): Promise<Fixture> => {
    await quiet();
    const res = new Resources(env.t);
    const where = unix ? { path: tmpPath("sock") } : { host: HOST, port: 0 };
    const peer = await listenPeer(res, where);
    const port = unix ? 0 : portOf(peer.server);
    const base = openHandles();
    // Blocked: TLS to a peer that never answers the handshake.
    const tlsOptions = blocks ? { ssl: { ca: cert().cert }, serverHostname: "localhost" } : {};
    return {
      call: () =>
        unix
          ? asyncio.openUnixConnection((where as { path: string }).path, tlsOptions)
          : asyncio.openConnection(HOST, port, tlsOptions),
      blocked: () => (peer.sockets[0]?.bytesRead ?? 0) > 0,
      intact: async (started) => {
        if (!started) {
          await asyncio.sleep(0.02);
          assert.equal(peer.sockets.length, 0, "a connection was made");
        } else {
          await until(() => peer.closed === peer.sockets.length, "the cancelled connection is closed");
        }
        await noMoreHandles(base);
      },
      completed: async (r) => {
        const [, writer] = r as [asyncio.StreamReader, asyncio.StreamWriter];
        res.writer(writer);
        writer.write("hello\n");
        await until(() => peer.received[0] === "hello\n", "the peer got the line");
        writer.close();
        await writer.waitClosed();
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, true), ready: (env) => fixture(env, false) };
}

// ---------------------------------------------------------------------------------------------
// startServer, startUnixServer, Server

/** A server of ours whose callback counts the connections. */
async function ourServer(env: Env): Promise<{ server: asyncio.Server; calls: () => number; res: Resources }> {
  await quiet();
  const res = new Resources(env.t);
  let calls = 0;
  const server = await asyncio.startServer(
    (_r, w) => {
      calls++;
      w.close();
    },
    HOST,
    0,
  );
  res.server(server);
  return { server, calls: () => calls, res };
}

/** Connect to `server` with a plain socket; resolve once its callback has run. */
async function knock(server: asyncio.Server, calls: () => number, res: Resources): Promise<void> {
  const name = server.sockets[0]?.getsockname();
  assert.ok(Array.isArray(name));
  const before = calls();
  const sock = res.socket(net.connect(name[1], HOST));
  sock.on("error", () => {});
  await until(() => calls() === before + 1, "the server accepted");
  sock.destroy();
}

function startServerSpec(unix: boolean): LazySpec {
  return {
    io: true,
    blocked: null,
    // Cancelled while it waits for 'listening': the listener is closed again.
    starting: async () => {
      await quiet();
      const where = unix ? tmpPath("server.sock") : null;
      const cb = (_r: asyncio.StreamReader, w: asyncio.StreamWriter): void => {
        w.close();
      };
      return {
        call: () => (where !== null ? asyncio.startUnixServer(cb, where) : asyncio.startServer(cb, HOST, 0)),
        intact: async () => {
          await until(() => handles("TCPServerWrap") === 0, "the listener is closed");
          if (where !== null) await until(() => !fs.existsSync(where), "the socket file is removed");
        },
      };
    },
    ready: async (env) => {
      await quiet();
      const res = new Resources(env.t);
      const where = unix ? tmpPath("server.sock") : null;
      let calls = 0;
      const cb = (_r: asyncio.StreamReader, w: asyncio.StreamWriter): void => {
        calls++;
        w.close();
      };
      return {
        call: () => (where !== null ? asyncio.startUnixServer(cb, where) : asyncio.startServer(cb, HOST, 0)),
        intact: () => {
          // Nothing listens: no server handle, no socket file.
          assert.equal(handles("TCPServerWrap"), 0, "a server was started");
          if (where !== null) assert.equal(fs.existsSync(where), false, "the socket file was made");
        },
        completed: async (r) => {
          const server = res.server(r as asyncio.Server);
          assert.equal(server.isServing(), true);
          const name = server.sockets[0]?.getsockname();
          const sock = res.socket(
            typeof name === "string" ? net.connect(name) : net.connect((name as [string, number])[1], HOST),
          );
          sock.on("error", () => {});
          await until(() => calls === 1, "the server accepted");
          sock.destroy();
          server.close();
          await server.waitClosed();
        },
      };
    },
  };
}

function startServingSpec(): LazySpec {
  return {
    io: true,
    blocked: null,
    ready: async (env) => {
      const { server } = await ourServer(env);
      return {
        call: () => server.startServing(),
        intact: () => {
          assert.equal(server.isServing(), true);
          server.close();
        },
        completed: () => {
          assert.equal(server.isServing(), true);
          server.close();
        },
      };
    },
  };
}

function serverWaitClosedSpec(): LazySpec {
  return {
    io: true,
    blocked: async (env) => {
      const { server, calls, res } = await ourServer(env);
      return {
        call: () => server.waitClosed(),
        intact: async () => {
          assert.equal(server.isServing(), true);
          await knock(server, calls, res);
          server.close();
          await server.waitClosed();
        },
      };
    },
    ready: async (env) => {
      const { server } = await ourServer(env);
      server.close();
      return {
        call: () => server.waitClosed(),
        intact: () => {},
        completed: () => {
          assert.equal(server.isServing(), false);
        },
      };
    },
  };
}

function serveForeverSpec(): LazySpec {
  return {
    io: true,
    blocked: async (env) => {
      const { server, calls, res } = await ourServer(env);
      return {
        call: () => server.serveForever(),
        intact: async (started) => {
          if (started) {
            // CPython: a cancelled serve_forever() closes the server and waits for it.
            assert.equal(server.isServing(), false);
            return;
          }
          assert.equal(server.isServing(), true);
          await knock(server, calls, res);
          server.close();
        },
      };
    },
    ready: null,
    runsInTask: async (env) => {
      const { server, calls, res } = await ourServer(env);
      const task = asyncio.createTask(server.serveForever());
      await knock(server, calls, res);
      assert.equal(task.done(), false);
      task.cancel();
      await assertCancelled(task);
      assert.equal(server.isServing(), false);
    },
  };
}

function serverWithSpec(): LazySpec {
  const fixture = async (env: Env, blocks: boolean): Promise<Fixture> => {
    const { server, calls, res } = await ourServer(env);
    const never = new asyncio.Event();
    let ran = false;
    return {
      call: () =>
        server.with(async () => {
          ran = true;
          if (blocks) await never.wait();
          return 3;
        }),
      blocked: () => ran,
      intact: async (started) => {
        assert.equal(ran, started);
        if (started) {
          // `async with server` closes it on the way out, cancelled or not.
          assert.equal(server.isServing(), false);
          return;
        }
        assert.equal(server.isServing(), true);
        await knock(server, calls, res);
        server.close();
      },
      completed: (r) => {
        assert.equal(r, 3);
        assert.equal(server.isServing(), false);
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, true), ready: (env) => fixture(env, false) };
}

// ---------------------------------------------------------------------------------------------
// Subprocesses

function createSubprocessSpec(shell: boolean): LazySpec {
  return {
    io: true,
    blocked: null,
    // Cancelled while it waits for the spawn: CPython 3.13 (_make_subprocess_transport) closes
    // the transport, which kills the child, and waits for it.
    starting: async () => {
      await quiet();
      return {
        call: () =>
          shell
            ? asyncio.createSubprocessShell("exec sleep 30")
            : asyncio.createSubprocessExec("sleep", "30"),
        intact: async () => {
          await until(() => handles("ProcessWrap") === 0, "the child is killed");
        },
      };
    },
    ready: async () => {
      await quiet();
      const marker = tmpPath("marker");
      return {
        call: () =>
          shell
            ? asyncio.createSubprocessShell(`touch '${marker}'`)
            : asyncio.createSubprocessExec("touch", marker),
        // A spawn makes its ProcessWrap at once.
        snapshot: () => handles("ProcessWrap"),
        intact: async () => {
          await asyncio.sleep(0.05);
          assert.equal(fs.existsSync(marker), false, "a child was started");
        },
        completed: async (r) => {
          const proc = r as asyncio.Process;
          assert.equal(await proc.wait(), 0);
          assert.equal(fs.existsSync(marker), true);
        },
      };
    },
  };
}

function processWaitSpec(): LazySpec {
  return {
    io: true,
    blocked: async () => {
      await quiet();
      const proc = await asyncio.createSubprocessExec("sleep", "30");
      return {
        call: () => proc.wait(),
        intact: async () => {
          assert.equal(proc.returncode, null, "the child is gone");
          proc.kill();
          assert.equal(await proc.wait(), -9);
        },
      };
    },
    ready: async () => {
      const proc = await asyncio.createSubprocessExec("true");
      return {
        call: () => proc.wait(),
        intact: async () => {
          assert.equal(await proc.wait(), 0);
        },
        completed: (r) => {
          assert.equal(r, 0);
        },
      };
    },
  };
}

function communicateSpec(): LazySpec {
  return {
    io: true,
    blocked: async () => {
      const proc = await asyncio.createSubprocessExec("sleep", "30", {
        stdin: asyncio.PIPE,
        stdout: asyncio.PIPE,
      });
      return {
        call: () => proc.communicate(b("in")),
        intact: async (started) => {
          assert.equal(proc.returncode, null, "the child is gone");
          // Unstarted, it fed nothing: stdin is still open. (Started, it closed it, as CPython's.)
          if (!started) assert.equal(proc.stdin?.isClosing(), false, "stdin was closed");
          proc.kill();
          assert.equal(await proc.wait(), -9);
        },
      };
    },
    ready: async () => {
      const proc = await asyncio.createSubprocessExec("cat", { stdin: asyncio.PIPE, stdout: asyncio.PIPE });
      return {
        call: () => proc.communicate(b("hello")),
        intact: async () => {
          // Nothing was written to cat: what it echoes is only what is written now.
          const stdin = proc.stdin as NonNullable<asyncio.Process["stdin"]>;
          assert.equal(stdin.isClosing(), false, "stdin was closed");
          stdin.write(b("x"));
          stdin.close();
          assert.deepEqual(await proc.stdout?.read(), b("x"));
          assert.equal(await proc.wait(), 0);
        },
        completed: (r) => {
          assert.deepEqual(r, [b("hello"), null]);
        },
      };
    },
  };
}

function stdinSpec(which: "drain" | "waitClosed"): LazySpec {
  return {
    io: true,
    coroName: which === "drain" ? "StreamWriter.drain" : "StreamWriter.wait_closed",
    blocked: async () => {
      // sleep never reads its stdin: a megabyte fills the pipe.
      const proc = await asyncio.createSubprocessExec("sleep", "30", { stdin: asyncio.PIPE });
      const stdin = proc.stdin as NonNullable<asyncio.Process["stdin"]>;
      if (which === "drain") stdin.write(Buffer.alloc(1 << 20));
      return {
        call: () => (which === "drain" ? stdin.drain() : stdin.waitClosed()),
        intact: async () => {
          assert.equal(stdin.isClosing(), false);
          assert.equal(proc.returncode, null);
          proc.kill();
          await proc.wait();
        },
      };
    },
    ready: async () => {
      const proc = await asyncio.createSubprocessExec("cat", {
        stdin: asyncio.PIPE,
        stdout: asyncio.DEVNULL,
      });
      const stdin = proc.stdin as NonNullable<asyncio.Process["stdin"]>;
      if (which === "waitClosed") stdin.close();
      return {
        call: () => (which === "drain" ? stdin.drain() : stdin.waitClosed()),
        intact: async () => {
          stdin.close();
          assert.equal(await proc.wait(), 0);
        },
        completed: async () => {
          stdin.close();
          assert.equal(await proc.wait(), 0);
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// createConnection, createUnixConnection, createServer, createUnixServer, connectAcceptedSocket

function createConnectionSpec(unix: boolean): LazySpec {
  const fixture = async (env: Env, starting: boolean): Promise<Fixture> => {
    await quiet();
    const res = new Resources(env.t);
    const where = unix ? { path: tmpPath("sock") } : { host: HOST, port: 0 };
    const peer = await listenPeer(res, where);
    const port = unix ? 0 : portOf(peer.server);
    const base = openHandles();
    return {
      call: () =>
        unix
          ? env.loop.createUnixConnection(asyncio.Protocol, (where as { path: string }).path)
          : env.loop.createConnection(asyncio.Protocol, HOST, port),
      intact: async (started) => {
        if (!started || !starting) {
          await asyncio.sleep(0.02);
          assert.equal(peer.sockets.length, 0, "a connection was made");
        } else {
          await until(() => peer.closed === peer.sockets.length, "the cancelled connection is closed");
        }
        await noMoreHandles(base);
      },
      completed: async (r) => {
        const [transport, protocol] = r as [asyncio.SocketTransport, asyncio.Protocol];
        assert.equal(transport.getProtocol(), protocol);
        transport.write(Buffer.from("hello\n"));
        await until(() => peer.received[0] === "hello\n", "the peer got the line");
        transport.close();
        await until(() => peer.closed === 1, "the connection is closed");
      },
    };
  };
  // Cancelled while it connects: the socket is destroyed.
  return {
    io: true,
    blocked: null,
    starting: (env) => fixture(env, true),
    ready: (env) => fixture(env, false),
  };
}

function createServerSpec(unix: boolean): LazySpec {
  return {
    io: true,
    blocked: null,
    // Cancelled while it waits for 'listening': the listener is closed again.
    starting: async (env) => {
      await quiet();
      const where = unix ? tmpPath("server.sock") : null;
      return {
        call: () =>
          where !== null
            ? env.loop.createUnixServer(asyncio.Protocol, where)
            : env.loop.createServer(asyncio.Protocol, HOST, 0),
        intact: async () => {
          await until(
            () => handles("TCPServerWrap") === 0 && handles("PipeServerWrap") === 0,
            "the listener is closed",
          );
        },
      };
    },
    ready: async (env) => {
      await quiet();
      const res = new Resources(env.t);
      const where = unix ? tmpPath("server.sock") : null;
      let calls = 0;
      const factory = (): asyncio.Protocol => {
        calls++;
        return new asyncio.Protocol();
      };
      return {
        call: () =>
          where !== null
            ? env.loop.createUnixServer(factory, where)
            : env.loop.createServer(factory, HOST, 0),
        intact: () => {
          assert.equal(handles("TCPServerWrap"), 0, "a server was started");
          if (where !== null) assert.equal(fs.existsSync(where), false, "the socket file was made");
        },
        completed: async (r) => {
          const server = res.server(r as asyncio.Server);
          assert.equal(server.isServing(), true);
          const name = server.sockets[0]?.getsockname();
          const sock = res.socket(
            typeof name === "string" ? net.connect(name) : net.connect((name as [string, number])[1], HOST),
          );
          sock.on("error", () => {});
          await until(() => calls === 1, "the server accepted");
          sock.destroy();
          server.close();
          server.closeClients();
          await server.waitClosed();
        },
      };
    },
  };
}

function connectAcceptedSocketSpec(): LazySpec {
  return {
    io: true,
    blocked: null,
    ready: async (env) => {
      await quiet();
      const res = new Resources(env.t);
      const peer = await listenPeer(res, { host: HOST, port: 0 });
      const sock = res.socket(net.connect(portOf(peer.server), HOST));
      sock.on("error", () => {});
      await until(() => peer.sockets.length === 1 && !sock.connecting, "connected");
      return {
        call: () => env.loop.connectAcceptedSocket(asyncio.Protocol, sock),
        intact: () => {
          assert.equal(sock.listenerCount("data"), 0, "the socket was taken");
        },
        completed: async (r) => {
          const [transport] = r as [asyncio.SocketTransport, asyncio.Protocol];
          assert.equal(transport.getExtraInfo("socket"), sock);
          transport.close();
          await until(() => peer.closed === 1, "the connection is closed");
        },
      };
    },
  };
}

function loopStartTlsSpec(): LazySpec {
  const fixture = async (env: Env, secure: boolean) => {
    await quiet();
    const res = new Resources(env.t);
    const peer = await listenPeer(res, { host: HOST, port: 0 }, { tls: secure });
    const [transport, protocol] = await env.loop.createConnection(
      asyncio.Protocol,
      HOST,
      portOf(peer.server),
    );
    res.socket(transport.getExtraInfo("socket") as net.Socket);
    await until(() => peer.sockets.length === 1, "the peer accepted");
    const sock = peer.sockets[0] as net.Socket;
    const call = (): asyncio.Coroutine<asyncio.SocketTransport> =>
      env.loop.startTls(transport, protocol, { ca: cert().cert }, { serverHostname: HOST });
    return { transport, peer, sock, call };
  };
  return {
    io: true,
    // The peer never answers the ClientHello: the handshake blocks.
    blocked: async (env) => {
      const { transport, peer, sock, call } = await fixture(env, false);
      const base = openHandles();
      return {
        call,
        blocked: () => sock.bytesRead > 0,
        intact: async (started) => {
          if (!started) {
            // Still plain TCP: no byte of a handshake was sent, the transport is usable.
            assert.equal(sock.bytesRead, 0, "a handshake was started");
            assert.equal(transport.isClosing(), false);
            transport.write(b("plain\n"));
            await until(() => peer.received[0] === "plain\n", "the peer got the plain line");
            transport.close();
            return;
          }
          // CPython 3.13 start_tls: a cancelled handshake closes the transport.
          await until(() => peer.closed === 1, "the transport is closed");
          await noMoreHandles(base - 2);
        },
      };
    },
    ready: async (env) => {
      const { transport, peer, sock, call } = await fixture(env, true);
      return {
        call,
        intact: async () => {
          await asyncio.sleep(0.02);
          assert.equal(sock.bytesRead, 0, "a handshake was started");
          transport.close();
        },
        completed: async (r) => {
          const secure = r as asyncio.SocketTransport;
          assert.equal(transport.isClosing(), true);
          secure.write(b("secret\n"));
          await until(() => peer.secureText === "secret\n", "the peer got the line over TLS");
          secure.close();
          await until(() => peer.closed === 1, "the connection is closed");
        },
      };
    },
  };
}

function socketpairSpec(): LazySpec {
  const fixture = async (env: Env, starting: boolean): Promise<Fixture> => {
    await quiet();
    const res = new Resources(env.t);
    const base = openHandles();
    return {
      call: () => asyncio.socketpair(),
      // Cancelled while it listens or connects: the listener and the client socket are closed.
      intact: async (started) => {
        if (!started || !starting) assert.ok(openHandles() <= base, "a socket was made");
        await noMoreHandles(base);
      },
      completed: async (r) => {
        const [a, b] = r as [net.Socket, net.Socket];
        res.socket(a);
        res.socket(b);
        let got = "";
        b.on("data", (chunk: Buffer) => {
          got += chunk.toString();
        });
        a.write("ping");
        await until(() => got === "ping", "the other end got the bytes");
        a.destroy();
        b.destroy();
        await noMoreHandles(base);
      },
    };
  };
  return {
    io: true,
    blocked: null,
    starting: (env) => fixture(env, true),
    ready: (env) => fixture(env, false),
  };
}

// ---------------------------------------------------------------------------------------------
// The low-level network API: createDatagramEndpoint, getaddrinfo, getnameinfo

/** Wait until no UDP socket of an earlier step is left (they close asynchronously). */
async function noUdp(): Promise<void> {
  await until(
    () => handles("UDPWrap") === 0,
    "no UDP socket is open",
    () => process.getActiveResourcesInfo().join(", "),
  );
}

function createDatagramEndpointSpec(): LazySpec {
  const fixture = async (env: Env, starting: boolean): Promise<Fixture> => {
    await noUdp();
    return {
      call: () => env.loop.createDatagramEndpoint(asyncio.DatagramProtocol, { localAddr: [HOST, 0] }),
      // A socket is made (and bound) only once the call runs; one cancelled while it binds closes
      // asynchronously (intact waits for that).
      ...(starting ? {} : { snapshot: () => handles("UDPWrap") }),
      intact: async () => {
        await noUdp();
      },
      completed: async (r) => {
        const [transport, protocol] = r as [asyncio.DatagramTransport, asyncio.DatagramProtocol];
        assert.ok(protocol instanceof asyncio.DatagramProtocol);
        assert.equal(transport.getProtocol(), protocol);
        assert.equal(handles("UDPWrap"), 1);
        transport.close();
        await noUdp();
      },
    };
  };
  // Cancelled while it binds: the socket is closed.
  return {
    io: true,
    blocked: null,
    starting: (env) => fixture(env, true),
    ready: (env) => fixture(env, false),
  };
}

function getaddrinfoSpec(): LazySpec {
  return {
    io: true,
    blocked: null,
    // A name goes through node:dns (a literal needs no lookup and completes in its first step).
    starting: (env) => ({
      call: () => env.loop.getaddrinfo("localhost", 80, { type: asyncio.socket.SOCK_STREAM }),
      intact: async () => {
        // The lookup still in flight settles nothing once cancelled.
        await asyncio.sleep(0.02);
      },
    }),
    ready: (env) => ({
      call: () => env.loop.getaddrinfo("127.0.0.1", 80, { type: asyncio.socket.SOCK_STREAM }),
      intact: () => {},
      completed: (r) => {
        assert.deepEqual(r, [[asyncio.socket.AF_INET, asyncio.socket.SOCK_STREAM, 6, "", [HOST, 80]]]);
      },
    }),
  };
}

function getnameinfoSpec(): LazySpec {
  const numeric = asyncio.socket.NI_NUMERICHOST | asyncio.socket.NI_NUMERICSERV;
  return {
    io: true,
    blocked: null,
    starting: (env) => ({
      call: () => env.loop.getnameinfo([HOST, 80]),
      intact: async () => {
        await asyncio.sleep(0.02);
      },
    }),
    ready: (env) => ({
      call: () => env.loop.getnameinfo([HOST, 80], numeric),
      intact: () => {},
      completed: (r) => {
        assert.deepEqual(r, [HOST, "80"]);
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// Executors

const FNS = new URL("../fixtures/surface-fns.ts", import.meta.url).href;
const touch = { module: FNS, name: "touch" };
const touchAfter = { module: FNS, name: "touchAfter" };

function toThreadSpec(): LazySpec {
  const fixture = (env: Env, blocks: boolean): Fixture => {
    const marker = tmpPath("job");
    return {
      call: () => (blocks ? asyncio.toThread(touchAfter, marker, 0.2) : asyncio.toThread(touch, marker)),
      intact: async (started) => {
        // Waits for every job submitted to the default executor.
        await env.loop.shutdownDefaultExecutor();
        // Never started: no job was submitted. Started and cancelled, whether the job ran is a
        // race in CPython too: one a thread has taken runs to its end, one still queued is dropped.
        if (!started) assert.equal(fs.existsSync(marker), false, "a job ran");
      },
      completed: () => {
        assert.equal(fs.existsSync(marker), true);
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, true), ready: (env) => fixture(env, false) };
}

function shutdownDefaultExecutorSpec(): LazySpec {
  const refuses = (env: Env): void => {
    assert.throws(() => env.loop.runInExecutor(null, touch, tmpPath("refused")), {
      name: "RuntimeError",
      message: /^Executor shutdown has been called$/,
    });
  };
  const fixture = (env: Env, blocks: boolean): Fixture => {
    // A job still running in the default executor: shutting it down waits for it.
    const job = blocks ? env.loop.runInExecutor(null, touchAfter, tmpPath("job"), 0.2) : null;
    return {
      call: () => env.loop.shutdownDefaultExecutor(),
      intact: async (started) => {
        await job;
        // CPython: the executor refuses new work from the moment shutdown begins.
        if (started) refuses(env);
        else await env.loop.runInExecutor(null, touch, tmpPath("accepted"));
      },
      completed: () => {
        refuses(env);
      },
    };
  };
  return { io: true, blocked: (env) => fixture(env, true), ready: (env) => fixture(env, false) };
}

/** The specs of the I/O names. */
export function ioSpecs() {
  return {
    "BaseEventLoop.shutdownDefaultExecutor": shutdownDefaultExecutorSpec(),
    toThread: toThreadSpec(),
    "StreamReader.readline": readSpec("readline"),
    "StreamReader.readuntil": readSpec("readuntil"),
    "StreamReader.read": readSpec("read"),
    "StreamReader.readexactly": readSpec("readexactly"),
    "StreamWriter.drain": drainSpec(),
    "StreamWriter.waitClosed": writerWaitClosedSpec(),
    "StreamWriter.startTls": startTlsSpec(),
    openConnection: openSpec(false),
    openUnixConnection: openSpec(true),
    startServer: startServerSpec(false),
    startUnixServer: startServerSpec(true),
    "Server.startServing": startServingSpec(),
    "Server.waitClosed": serverWaitClosedSpec(),
    "Server.serveForever": serveForeverSpec(),
    // Server inherits with() from AbstractServer; its coroutine keeps the name Server.with.
    "AbstractServer.with": { ...serverWithSpec(), coroName: "Server.with" },
    createSubprocessExec: createSubprocessSpec(false),
    createSubprocessShell: createSubprocessSpec(true),
    "Process.wait": processWaitSpec(),
    "Process.communicate": communicateSpec(),
    "SubprocessStdin.drain": stdinSpec("drain"),
    "SubprocessStdin.waitClosed": stdinSpec("waitClosed"),
    "BaseEventLoop.createDatagramEndpoint": createDatagramEndpointSpec(),
    "BaseEventLoop.getaddrinfo": getaddrinfoSpec(),
    "BaseEventLoop.getnameinfo": getnameinfoSpec(),
    "BaseEventLoop.createConnection": createConnectionSpec(false),
    "BaseEventLoop.createUnixConnection": createConnectionSpec(true),
    "BaseEventLoop.createServer": createServerSpec(false),
    "BaseEventLoop.createUnixServer": createServerSpec(true),
    "BaseEventLoop.connectAcceptedSocket": connectAcceptedSocketSpec(),
    "BaseEventLoop.startTls": loopStartTlsSpec(),
    socketpair: socketpairSpec(),
  } satisfies Record<string, LazySpec>;
}
