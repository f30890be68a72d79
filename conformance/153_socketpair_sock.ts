// Pins the asyncio docs' two "register an open socket to wait for data" examples: a socket pair, one end given to
// open_connection(sock=...) (streams) and then to create_connection(sock=...) (a protocol); the other end sends
// 'abc' from a call_soon() callback. The protocol closes its transport on the data; connection_lost() resolves the
// future. Python's socket.socketpair() is asyncio.socketpair() (a coroutine) in asyncio-ts.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const waitForDataStreams = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const [rsock, wsock] = await asyncio.socketpair();
  const [reader, writer] = await asyncio.openConnection(null, null, { sock: rsock });
  print("peername:", repr(writer.getExtraInfo("peername")));
  loop.callSoon(() => wsock.write(Buffer.from("abc")));
  const data = await reader.read(100);
  print("Received:", data.toString());
  writer.close();
  await writer.waitClosed();
  wsock.destroy();
});

class MyProtocol extends asyncio.Protocol {
  transport: asyncio.SocketTransport | null = null;
  readonly onConLost: asyncio.Future<boolean>;
  constructor(onConLost: asyncio.Future<boolean>) {
    super();
    this.onConLost = onConLost;
  }

  override connectionMade(transport: asyncio.SocketTransport): void {
    print("connection made");
    this.transport = transport;
  }

  override dataReceived(data: Buffer): void {
    print("Received:", data.toString());
    this.transport?.close();
  }

  override connectionLost(exc: Error | null): void {
    print("connection lost", exc);
    this.onConLost.setResult(true);
  }
}

const waitForDataProtocol = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const onConLost = loop.createFuture<boolean>();
  const [rsock, wsock] = await asyncio.socketpair();
  const [transport, protocol] = await loop.createConnection(() => new MyProtocol(onConLost), null, null, {
    sock: rsock,
  });
  print("protocol transport is transport:", protocol.transport === transport);
  loop.callSoon(() => wsock.write(Buffer.from("abc")));
  try {
    await protocol.onConLost;
  } finally {
    transport.close();
    wsock.destroy();
  }
  print("closing:", transport.isClosing());
});

await asyncio.run(waitForDataStreams());
await asyncio.run(waitForDataProtocol());
