// Pins StreamReader.readline() and readuntil() over a socket: a single separator, a tuple of separators (the
// shortest match wins, whatever the order of the tuple), a multi-byte separator, then readuntil() at EOF raising
// IncompleteReadError with what was left, after which the reader is at EOF and readline() returns b''.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const PAYLOAD = Buffer.from("line one\nline two\r\nA;B|C\n--end--");

const handle = asyncio.coroutine(async (_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
  writer.write(PAYLOAD);
  await writer.drain();
  writer.close();
  await writer.waitClosed();
});

const main = asyncio.coroutine(async () => {
  const server = await asyncio.startServer(handle, "127.0.0.1", 0);
  const [, port] = server.sockets[0]?.getsockname() as [string, number];
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  print("readline:", await reader.readline());
  print("readuntil CRLF:", await reader.readuntil(Buffer.from("\r\n")));
  print("readuntil (; |):", await reader.readuntil([Buffer.from(";"), Buffer.from("|")]));
  print("readuntil (| ;):", await reader.readuntil([Buffer.from("|"), Buffer.from(";")]));
  print("readuntil (--end \\n):", await reader.readuntil([Buffer.from("--end"), Buffer.from("\n")]));
  print("readuntil -:", await reader.readuntil(Buffer.from("-")));
  print("at_eof before the last read:", reader.atEof());
  try {
    await reader.readuntil(Buffer.from("!"));
  } catch (exc) {
    if (!(exc instanceof asyncio.IncompleteReadError)) throw exc;
    print(typeName(exc), exc.partial, exc.expected);
    print("str:", exc);
  }
  print("at_eof:", reader.atEof());
  print("readline at EOF:", await reader.readline());
  writer.close();
  await writer.waitClosed();
  server.close();
  await server.waitClosed();
  print("done");
});

await asyncio.run(main());
