// The echo servers of bench/echo.bench.ts, each in a process of its own:
//   node bench/_echo-server.ts asyncio-ts SIZE   startServer + readexactly(SIZE) / write / drain
//   node bench/_echo-server.ts raw SIZE          node:net, socket.pipe(socket)
// It prints `READY <port>` and exits when its stdin ends (bench/_proc.ts).
import net from "node:net";
import * as asyncio from "../src/index.ts";
import { serve } from "./_proc.ts";

const [impl, sizeArg] = process.argv.slice(2);
const SIZE = Number(sizeArg ?? 1024);

// The CPython program, ported line by line (bench/py/echo_server.py):
//   data = await reader.readexactly(SIZE); writer.write(data); await writer.drain()
async function handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter): Promise<void> {
  try {
    for (;;) {
      const data = await reader.readexactly(SIZE);
      writer.write(data);
      await writer.drain();
    }
  } catch (e) {
    if (!(e instanceof asyncio.IncompleteReadError)) throw e;
  }
  writer.close();
  await writer.waitClosed();
}

if (impl === "asyncio-ts") {
  await asyncio.run(async () => {
    const server = await asyncio.startServer(handle, "127.0.0.1", 0);
    const [, port] = server.sockets[0]?.getsockname() as [string, number];
    serve(String(port));
    await server.serveForever();
  });
} else if (impl === "raw") {
  const server = net.createServer({ noDelay: true }, (socket) => {
    socket.on("error", () => undefined);
    socket.pipe(socket);
  });
  server.listen(0, "127.0.0.1", () => {
    serve(String((server.address() as net.AddressInfo).port));
  });
} else {
  throw new Error(`unknown echo server ${String(impl)}`);
}
