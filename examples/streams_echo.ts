// Streams: the asyncio docs' TCP echo server and client. The server echoes each line back
// upper-cased; the client sends three lines, half-closes its side, and reads to EOF.
import * as asyncio from "../src/index.ts";

const handleEcho = asyncio.coroutine(
  "handleEcho",
  async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
    const [host, port] = writer.getExtraInfo("peername") as [string, number];
    console.log(`server: connection from ${host}:${port > 0 ? "<port>" : "?"}`);
    for await (const line of reader) {
      writer.write(line.toString().toUpperCase());
      await writer.drain();
    }
    console.log("server: client done, closing");
    writer.close();
    await writer.waitClosed();
  },
);

const main = asyncio.coroutine("main", async () => {
  const server = await asyncio.startServer(handleEcho, "127.0.0.1", 0);
  const [, port] = server.sockets[0]?.getsockname() as [string, number];
  await server.with(async () => {
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
    writer.writelines(["hello\n", "asyncio\n", "from typescript\n"]);
    await writer.drain();
    writer.writeEof();
    const reply = await reader.read();
    console.log(`client received:\n${reply.toString().trimEnd()}`);
    writer.close();
    await writer.waitClosed();
  });
  await server.waitClosed();
  console.log("server closed");
});

await asyncio.run(main());
