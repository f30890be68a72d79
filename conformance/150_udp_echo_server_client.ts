// Pins the asyncio docs' UDP echo server and UDP echo client (transports and protocols), both in one program: the
// server's endpoint binds 127.0.0.1 with port 0, the client's is connected to it (remote_addr) and sends one
// datagram from connection_made(); the server echoes it with sendto(data, addr); the client closes its transport on
// the echo, and connection_lost() resolves its future; then the server's transport is closed too.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

class EchoServerProtocol extends asyncio.DatagramProtocol {
  transport: asyncio.DatagramTransport | null = null;

  override connectionMade(transport: asyncio.DatagramTransport): void {
    print("server: connection made");
    this.transport = transport;
  }

  override datagramReceived(data: Buffer, addr: asyncio.DatagramAddress): void {
    const message = data.toString();
    print(`Received ${repr(message)} from ${addr[0]}`);
    print(`Send ${repr(message)} to ${addr[0]}`);
    this.transport?.sendto(data, addr);
  }

  override connectionLost(exc: Error | null): void {
    print("server: connection lost", exc);
  }
}

class EchoClientProtocol extends asyncio.DatagramProtocol {
  transport: asyncio.DatagramTransport | null = null;
  readonly message: string;
  readonly onConLost: asyncio.Future<boolean>;
  constructor(message: string, onConLost: asyncio.Future<boolean>) {
    super();
    this.message = message;
    this.onConLost = onConLost;
  }

  override connectionMade(transport: asyncio.DatagramTransport): void {
    this.transport = transport;
    print("Send:", this.message);
    this.transport.sendto(Buffer.from(this.message));
  }

  override datagramReceived(data: Buffer): void {
    print("Received:", data.toString());
    print("Close the socket");
    this.transport?.close();
  }

  override errorReceived(exc: Error): void {
    print("Error received:", exc);
  }

  override connectionLost(): void {
    print("Connection closed");
    this.onConLost.setResult(true);
  }
}

const main = asyncio.coroutine(async () => {
  print("Starting UDP server");
  const loop = asyncio.getRunningLoop();
  const [server] = await loop.createDatagramEndpoint(EchoServerProtocol, { localAddr: ["127.0.0.1", 0] });
  const [host, port] = server.getExtraInfo("sockname") as [string, number];
  print("server on 127.0.0.1:", host === "127.0.0.1", "port > 0:", port > 0);
  print("server peername:", server.getExtraInfo("peername"));

  const onConLost = loop.createFuture<boolean>();
  const message = "Hello World!";
  const [transport, protocol] = await loop.createDatagramEndpoint(
    () => new EchoClientProtocol(message, onConLost),
    { remoteAddr: ["127.0.0.1", port] },
  );
  const peer = transport.getExtraInfo("peername");
  print("client peername is the server:", peer?.[0] === "127.0.0.1" && peer[1] === port);
  print("client protocol:", protocol.constructor.name, protocol.transport === transport);
  try {
    await onConLost;
  } finally {
    transport.close();
  }
  print("client closing:", transport.isClosing());
  server.close();
  print("server closing:", server.isClosing());
  await asyncio.sleep(0);
  print("done");
});

await asyncio.run(main());
