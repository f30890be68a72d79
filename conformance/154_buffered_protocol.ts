// Pins asyncio.BufferedProtocol over a TCP connection (loop.create_server/create_connection on 127.0.0.1 port 0): the
// server's protocol receives into a fixed 4-byte buffer of its own (get_buffer/buffer_updated), the client writes 10
// bytes and write_eof(); eof_received() returning None closes the server's transport, then connection_lost(None).
// Chunking depends on the kernel, so only the total and the buffer bound are printed.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

class Collector extends asyncio.BufferedProtocol {
  readonly buf = Buffer.alloc(4);
  got = Buffer.alloc(0);
  maxUpdate = 0;
  readonly done: asyncio.Future<Buffer>;
  constructor(done: asyncio.Future<Buffer>) {
    super();
    this.done = done;
  }

  override connectionMade(): void {
    print("server: connection made");
  }

  override getBuffer(): Uint8Array {
    return this.buf;
  }

  override bufferUpdated(nbytes: number): void {
    this.maxUpdate = Math.max(this.maxUpdate, nbytes);
    this.got = Buffer.concat([this.got, this.buf.subarray(0, nbytes)]);
  }

  override eofReceived(): undefined {
    print("server: eof received, got", this.got, "max update <= 4:", this.maxUpdate <= 4);
    return undefined;
  }

  override connectionLost(exc: Error | null): void {
    print("server: connection lost", exc);
    this.done.setResult(this.got);
  }
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const done = loop.createFuture<Buffer>();
  const server = await loop.createServer(() => new Collector(done), "127.0.0.1", 0);
  const name = server.sockets[0]?.getsockname() ?? ["", 0];
  const [transport, protocol] = await loop.createConnection(asyncio.Protocol, "127.0.0.1", name[1]);
  print("client:", protocol.constructor.name, transport.canWriteEof());
  transport.write(Buffer.from("0123456789"));
  transport.writeEof();
  print("result:", await done);
  transport.close();
  server.close();
  await server.waitClosed();
  print("done");
});

await asyncio.run(main());
