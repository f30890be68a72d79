// Pins the asyncio docs' TCP echo server protocol and TCP echo client protocol, both in one program: the server
// (loop.createServer) listens on 127.0.0.1 port 0; the client (loop.createConnection) writes one message from
// connectionMade(); the server echoes it and closes its transport; the client sees the data, then eofReceived()
// (returning undefined closes it), then connectionLost(null), which resolves its future. The server is then closed.
import * as asyncio from "../src/index.ts";
import { print, repr, tuple } from "./_py.ts";

class EchoServerProtocol extends asyncio.Protocol {
  transport!: asyncio.SocketTransport;

  override connectionMade(transport: asyncio.SocketTransport): void {
    const peername = transport.getExtraInfo("peername") as [string, number];
    print("Connection from 127.0.0.1:", peername[0] === "127.0.0.1");
    print("server transport reading:", transport.isReading(), "can write eof:", transport.canWriteEof());
    print("server limits:", tuple(...transport.getWriteBufferLimits()));
    this.transport = transport;
  }

  override dataReceived(data: Buffer): void {
    const message = data.toString();
    print(`Data received: ${repr(message)}`);
    print(`Send: ${repr(message)}`);
    this.transport.write(data);
    print("Close the client socket");
    this.transport.close();
    print("server closing:", this.transport.isClosing());
  }

  override connectionLost(exc: Error | null): void {
    print("server: connection lost", exc);
  }
}

class EchoClientProtocol extends asyncio.Protocol {
  readonly message: string;
  readonly onConLost: asyncio.Future<boolean>;
  constructor(message: string, onConLost: asyncio.Future<boolean>) {
    super();
    this.message = message;
    this.onConLost = onConLost;
  }

  override connectionMade(transport: asyncio.SocketTransport): void {
    transport.write(Buffer.from(this.message));
    print(`Data sent: ${repr(this.message)}`);
  }

  override dataReceived(data: Buffer): void {
    print(`Data received: ${repr(data.toString())}`);
  }

  override eofReceived(): undefined {
    print("client: eof received");
    return undefined;
  }

  override connectionLost(): void {
    print("The server closed the connection");
    this.onConLost.setResult(true);
  }
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const server = await loop.createServer(EchoServerProtocol, "127.0.0.1", 0);
  const [host, port] = server.sockets[0]?.getsockname() ?? ["", 0];
  print("serving on 127.0.0.1:", host === "127.0.0.1", "port > 0:", port > 0, server.isServing());

  const onConLost = loop.createFuture<boolean>();
  const message = "Hello World!";
  const [transport, protocol] = await loop.createConnection(
    () => new EchoClientProtocol(message, onConLost),
    "127.0.0.1",
    port,
  );
  const peer = transport.getExtraInfo("peername") as [string, number];
  print("client peername is the server:", peer[0] === "127.0.0.1" && peer[1] === port);
  print("client protocol:", protocol.constructor.name, transport.getProtocol() === protocol);
  try {
    await onConLost;
  } finally {
    transport.close();
  }
  print("client closing:", transport.isClosing());
  server.close();
  await server.waitClosed();
  print("server serving:", server.isServing());
  print("done");
});

await asyncio.run(main());
