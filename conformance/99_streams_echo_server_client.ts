// Pins the asyncio docs' TCP echo client and server (streams): start_server() on 127.0.0.1 with port 0, a client
// that sends one message with open_connection(), the server handler that echoes it back; each side prints what it
// sends and receives, then closes its writer and waits for it; `async with server` closes the server.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

const handleEcho = asyncio.coroutine(async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
  const data = await reader.read(100);
  const message = data.toString();
  const peer = writer.getExtraInfo("peername") as [string, number];
  print("server: peer is 127.0.0.1:", peer[0] === "127.0.0.1");
  print(`server received ${repr(message)}`, data);
  print(`server sends ${repr(message)}`);
  writer.write(data);
  await writer.drain();
  print("server closes the connection");
  writer.close();
  await writer.waitClosed();
});

const tcpEchoClient = asyncio.coroutine(async (message: string, port: number) => {
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  print(`client sends ${repr(message)}`);
  writer.write(Buffer.from(message));
  await writer.drain();
  const data = await reader.read(100);
  print(`client received ${repr(data.toString())}`, data);
  print("client: at EOF after the echo:", await reader.read(100), reader.atEof());
  print("client closes the connection");
  writer.close();
  await writer.waitClosed();
  print("client closed:", writer.isClosing());
});

const main = asyncio.coroutine(async () => {
  const server = await asyncio.startServer(handleEcho, "127.0.0.1", 0);
  const [host, port] = server.sockets[0]?.getsockname() as [string, number];
  print("serving on 127.0.0.1:", host === "127.0.0.1", "port > 0:", port > 0);
  await server.with(async () => {
    print("serving:", server.isServing());
    await tcpEchoClient("Hello World!", port);
  });
  print("serving after async with:", server.isServing());
  await server.waitClosed();
  print("server closed");
});

await asyncio.run(main());
