// Helpers of the socket tests (streams-net, streams-tls): loopback only, every test bounded by an
// asyncio timeout, and every socket and server a test makes destroyed by t.after().
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import * as asyncio from "../../src/index.ts";
import { openConnection, type Server, type StreamReader, type StreamWriter } from "../../src/index.ts";

export const HOST = "127.0.0.1";

/** Bytes from a string, one byte per character (Python's b"..."). */
export function b(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

/** The port a TCP server listens on. */
export function port(server: Server): number {
  const name = server.sockets[0]?.getsockname();
  assert.ok(Array.isArray(name));
  return name[1];
}

/** The socket and server handles alive in the process (TLS sockets are TCPSocketWraps). */
export function openHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => /^(TCP|Pipe)/.test(name)).length;
}

/** Records sockets and servers, destroyed by t.after() whatever the test did. */
export class Resources {
  readonly #sockets = new Set<net.Socket>();
  readonly #servers = new Set<Server | net.Server>();
  constructor(t: TestContext) {
    t.after(() => {
      for (const s of this.#sockets) s.destroy();
      for (const server of this.#servers) {
        if (server instanceof net.Server) server.close();
        else for (const { server: s } of server.sockets) s.close();
      }
    });
  }
  socket<S extends net.Socket>(socket: S): S {
    this.#sockets.add(socket);
    return socket;
  }
  writer(writer: StreamWriter): StreamWriter {
    this.#sockets.add(writer.getExtraInfo("socket") as net.Socket);
    const sslObject = writer.getExtraInfo("ssl_object");
    if (sslObject !== null) this.#sockets.add(sslObject);
    return writer;
  }
  server<S extends Server | net.Server>(server: S): S {
    this.#servers.add(server);
    return server;
  }
  async connect(
    p: number,
    options?: Parameters<typeof openConnection>[2],
  ): Promise<[StreamReader, StreamWriter]> {
    const [reader, writer] = await openConnection(HOST, p, options);
    return [reader, this.writer(writer)];
  }
  /** Wait (up to 2 s) until the process holds no more socket handles than `base`. */
  async noLeaks(base: number): Promise<void> {
    for (let i = 0; i < 200 && openHandles() > base; i++) await asyncio.sleep(0.01);
    assert.equal(openHandles(), base, `leaked: ${process.getActiveResourcesInfo().join(", ")}`);
  }
}

/** asyncio.run(body) with the whole test bounded by an asyncio timeout. */
export function runNet<T>(body: () => Promise<T>): Promise<T> {
  return asyncio.run(() => asyncio.timeout(10).with(body));
}

/** An assert.rejects() check: the error has this `code` (and a message matching `message`). */
export function hasCode(code: string, message?: RegExp) {
  return (e: unknown): boolean => {
    assert.equal((e as NodeJS.ErrnoException).code, code, `expected ${code}, got ${String(e)}`);
    if (message !== undefined) assert.match((e as Error).message, message);
    return true;
  };
}

/** A server callback: read one line, write it back, close. */
export async function echoOnce(reader: StreamReader, writer: StreamWriter): Promise<void> {
  const line = await reader.readline();
  writer.write(line);
  await writer.drain();
  writer.close();
  await writer.waitClosed();
}

/** Poll `pred` on the running loop every 5 ms, failing after 2 s with `timed out waiting until <what>`. */
export async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; !pred(); i++) {
    assert.ok(i < 400, `timed out waiting until ${what}`);
    await asyncio.sleep(0.005);
  }
}
