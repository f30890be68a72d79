// StreamReaderProtocol, public as in CPython 3.13 (streams.py): over the loop's own
// createConnection()/createServer() on real sockets on 127.0.0.1, and its flow control
// (FlowControlMixin: pause_writing/resume_writing hold drain()).
import { it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import * as asyncio from "../src/index.ts";
import { b, HOST, openHandles, port, Resources, runNet } from "./helpers/net.ts";

const baseHandles = openHandles();

it("StreamReaderProtocol over loop.createConnection(): the reader gets the data, then EOF", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const loop = asyncio.getRunningLoop();
    const raw = res.server(
      net.createServer((s) => {
        res.socket(s);
        s.end("hello\nworld");
      }),
    );
    await new Promise<void>((resolve) => raw.listen(0, HOST, resolve));
    const reader = new asyncio.StreamReader();
    const protocol = new asyncio.StreamReaderProtocol(reader);
    const [transport, p] = await loop.createConnection(
      () => protocol,
      HOST,
      (raw.address() as net.AddressInfo).port,
    );
    assert.equal(p, protocol);
    res.socket(transport.getExtraInfo("socket") as net.Socket);
    assert.deepEqual(await reader.readline(), b("hello\n"));
    assert.deepEqual(await reader.read(), b("world"));
    assert.equal(reader.atEof(), true);
    // CPython: a plain transport stays half-open after the peer's EOF (eof_received returns True).
    assert.equal(transport.isClosing(), false);
    transport.close();
    await new Promise((resolve) => raw.close(resolve));
    await res.noLeaks(baseHandles);
  }));

it("StreamReaderProtocol with a callback over loop.createServer(): a writer on the same transport, drain held by pauseWriting", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const loop = asyncio.getRunningLoop();
    const seen: string[] = [];
    const done = loop.createFuture<null>();
    const server = res.server(
      await loop.createServer(
        () =>
          new asyncio.StreamReaderProtocol(new asyncio.StreamReader(), async (reader, writer) => {
            res.writer(writer);
            const protocol = writer.transport.getProtocol();
            assert.ok(protocol instanceof asyncio.StreamReaderProtocol);
            assert.equal(String(protocol), "<StreamReaderProtocol>");
            seen.push(String(await reader.readline()));
            // pauseWriting holds drain() until resumeWriting, as CPython's FlowControlMixin.
            protocol.pauseWriting();
            const drain = asyncio.createTask(() => writer.drain());
            await asyncio.sleep(0.01);
            seen.push(`drain done while paused: ${String(drain.done())}`);
            protocol.resumeWriting();
            await drain;
            writer.write("bye\n");
            writer.close();
            await writer.waitClosed();
            done.setResult(null);
          }),
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    writer.write("hi\n");
    assert.deepEqual(await reader.readline(), b("bye\n"));
    await done;
    assert.deepEqual(seen, ["hi\n", "drain done while paused: false"]);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
    await res.noLeaks(baseHandles);
  }));

it("StreamReaderProtocol.connectionLost(exc): the reader raises it, a paused drain() and waitClosed() too", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const loop = asyncio.getRunningLoop();
    const boom = Object.assign(new Error("reset"), { code: "ECONNRESET" });
    const outcome = loop.createFuture<unknown[]>();
    const server = res.server(
      await loop.createServer(
        () =>
          new asyncio.StreamReaderProtocol(new asyncio.StreamReader(), async (reader, writer) => {
            res.writer(writer);
            const protocol = writer.transport.getProtocol();
            assert.ok(protocol instanceof asyncio.StreamReaderProtocol);
            protocol.pauseWriting();
            const drain = asyncio.createTask(() => writer.drain());
            const closed = asyncio.createTask(() => writer.waitClosed());
            const read = asyncio.createTask(() => reader.read(10));
            await asyncio.sleep(0.01);
            protocol.connectionLost(boom);
            const results = await asyncio.gather(drain, closed, read, { returnExceptions: true });
            writer.transport.abort();
            outcome.setResult(results);
          }),
        HOST,
        0,
      ),
    );
    const [, writer] = await res.connect(port(server));
    assert.deepEqual(await outcome, [boom, boom, boom]);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
    await res.noLeaks(baseHandles);
  }));

it("StreamReaderProtocol: an exception in the callback is reported with the transport, which is closed", (t) =>
  runNet(async () => {
    const res = new Resources(t);
    const loop = asyncio.getRunningLoop();
    const contexts: asyncio.ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => contexts.push(context));
    const boom = new Error("boom");
    let serverTransport: unknown = null;
    const server = res.server(
      await asyncio.startServer(
        (_reader, writer) => {
          res.writer(writer);
          serverTransport = writer.transport;
          throw boom;
        },
        HOST,
        0,
      ),
    );
    const [reader, writer] = await res.connect(port(server));
    assert.deepEqual(await reader.read(), Buffer.alloc(0));
    assert.equal(contexts.length, 1);
    const [context] = contexts;
    assert.ok(context !== undefined);
    assert.equal(context.message, "Unhandled exception in client_connected_cb");
    assert.equal(context.exception, boom);
    assert.equal(context.transport, serverTransport);
    writer.close();
    await writer.waitClosed();
    server.close();
    await server.waitClosed();
    await res.noLeaks(baseHandles);
  }));

it("StreamReaderProtocol refuses a callback that is not a function, saying what to pass", () => {
  assert.throws(
    () => new asyncio.StreamReaderProtocol(new asyncio.StreamReader(), 5 as never),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message === "clientConnected must be a function (reader, writer) => ..., or null, got number",
  );
});
