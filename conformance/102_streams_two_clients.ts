// Pins a streams server serving two clients at once: both connections stay open while the clients take turns
// (each step awaits the server's reply, so the order is fixed); the handler echoes each line upper-cased and counts
// the open connections; write_eof() from a client ends its handler's readline loop.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

type Pair = [asyncio.StreamReader, asyncio.StreamWriter];

let active = 0;

const handle = asyncio.coroutine(async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
  active += 1;
  for (let line = await reader.readline(); line.length > 0; line = await reader.readline()) {
    print("server got", line, "active:", active);
    writer.write(Buffer.from(line.toString("latin1").toUpperCase(), "latin1"));
    await writer.drain();
  }
  active -= 1;
  print("server saw EOF, active:", active);
  writer.close();
  await writer.waitClosed();
});

const step = asyncio.coroutine(async (name: string, [reader, writer]: Pair, text: string) => {
  writer.write(Buffer.from(text));
  await writer.drain();
  print(name, "got", await reader.readline());
});

const finish = asyncio.coroutine(async (name: string, [reader, writer]: Pair) => {
  writer.writeEof();
  print(name, "read at EOF:", await reader.read(), reader.atEof());
  writer.close();
  await writer.waitClosed();
});

const main = asyncio.coroutine(async () => {
  const server = await asyncio.startServer(handle, "127.0.0.1", 0);
  const [, port] = server.sockets[0]?.getsockname() as [string, number];
  await server.with(async () => {
    const a = await asyncio.openConnection("127.0.0.1", port);
    const b = await asyncio.openConnection("127.0.0.1", port);
    await step("A", a, "a1\n");
    await step("B", b, "b1\n");
    await step("A", a, "a2\n");
    await step("B", b, "b2\n");
    await finish("B", b);
    await step("A", a, "a3\n");
    await finish("A", a);
  });
  await server.waitClosed();
  print("active at the end:", active);
});

await asyncio.run(main());
