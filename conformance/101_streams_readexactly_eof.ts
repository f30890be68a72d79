// Pins StreamReader.readexactly() over a socket: a full read, then a read longer than what the peer sent before
// closing raises IncompleteReadError carrying the partial bytes and the expected count; readexactly(0) is b'';
// at EOF readexactly(1) raises with an empty partial and read() returns b''.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const handle = asyncio.coroutine(async (_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
  writer.write(Buffer.from("abcdefgh"));
  await writer.drain();
  writer.close();
  await writer.waitClosed();
});

const main = asyncio.coroutine(async () => {
  const server = await asyncio.startServer(handle, "127.0.0.1", 0);
  const [, port] = server.sockets[0]?.getsockname() as [string, number];
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  print("readexactly(3):", await reader.readexactly(3));
  for (const n of [10, 0, 1]) {
    let data: Buffer;
    try {
      data = await reader.readexactly(n);
    } catch (exc) {
      if (!(exc instanceof asyncio.IncompleteReadError)) throw exc;
      print(`readexactly(${String(n)}):`, typeName(exc), exc.partial, exc.expected);
      print("  str:", exc);
      continue;
    }
    print(`readexactly(${String(n)}):`, data);
  }
  print("read():", await reader.read());
  print("at_eof:", reader.atEof());
  writer.close();
  await writer.waitClosed();
  server.close();
  await server.waitClosed();
  print("done");
});

await asyncio.run(main());
