// The two ends of bench/bulk.bench.ts, each in a process of its own:
//   node bench/_bulk-peer.ts recv asyncio-ts|raw   a server: per connection, read until EOF
//                                                  (read(65536) / 'data'), then answer the byte count
//   node bench/_bulk-peer.ts send asyncio-ts|raw   request `run PORT BYTES CHUNK`: connect, write
//                                                  BYTES in CHUNK-byte writes (write + await drain() /
//                                                  write + 'drain'), write EOF, read the count;
//                                                  answer the ms from connect to the count
import { Buffer } from "node:buffer";
import net from "node:net";
import * as asyncio from "../src/index.ts";
import { serve } from "./_proc.ts";

const [role, impl] = process.argv.slice(2);

// ---- receivers --------------------------------------------------------------------------------

async function asyncioReceive(reader: asyncio.StreamReader, writer: asyncio.StreamWriter): Promise<void> {
  let total = 0;
  for (;;) {
    const data = await reader.read(65536);
    if (data.length === 0) break;
    total += data.length;
  }
  writer.write(String(total));
  await writer.drain();
  writer.close();
  await writer.waitClosed();
}

function rawReceive(socket: net.Socket): void {
  let total = 0;
  socket.on("data", (chunk: Buffer) => {
    total += chunk.length;
  });
  socket.on("end", () => {
    socket.end(String(total));
  });
  socket.on("error", () => undefined);
}

// ---- senders ----------------------------------------------------------------------------------

function check(answer: string, bytes: number): void {
  if (Number(answer) !== bytes) throw new Error(`the receiver got ${answer} bytes of ${bytes}`);
}

function asyncioSend(port: number, bytes: number, chunkSize: number): Promise<number> {
  return asyncio.run(async () => {
    const chunk = Buffer.alloc(chunkSize, 0x61);
    const t0 = process.hrtime.bigint();
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
    for (let sent = 0; sent < bytes; sent += chunkSize) {
      writer.write(chunk);
      await writer.drain();
    }
    writer.writeEof();
    const answer = await reader.read();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    writer.close();
    await writer.waitClosed();
    check(answer.toString(), bytes);
    return ms;
  });
}

function rawSend(port: number, bytes: number, chunkSize: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(chunkSize, 0x61);
    const t0 = process.hrtime.bigint();
    const socket = net.connect({ host: "127.0.0.1", port, allowHalfOpen: true });
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes) {
        sent += chunkSize;
        if (!socket.write(chunk)) {
          socket.once("drain", pump);
          return;
        }
      }
      socket.end();
    };
    const answer: Buffer[] = [];
    socket.on("connect", pump);
    socket.on("data", (b: Buffer) => answer.push(b));
    socket.on("end", () => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      socket.destroy();
      try {
        check(Buffer.concat(answer).toString(), bytes);
        resolve(ms);
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
    socket.on("error", reject);
  });
}

// ---- main -------------------------------------------------------------------------------------

if (role === "recv" && impl === "asyncio-ts") {
  await asyncio.run(async () => {
    const server = await asyncio.startServer(asyncioReceive, "127.0.0.1", 0);
    const [, port] = server.sockets[0]?.getsockname() as [string, number];
    serve(String(port));
    await server.serveForever();
  });
} else if (role === "recv" && impl === "raw") {
  const server = net.createServer({ allowHalfOpen: true }, rawReceive);
  server.listen(0, "127.0.0.1", () => {
    serve(String((server.address() as net.AddressInfo).port));
  });
} else if (role === "send" && (impl === "asyncio-ts" || impl === "raw")) {
  const send = impl === "raw" ? rawSend : asyncioSend;
  serve("sender", async (line) => {
    const [cmd, port, bytes, chunk] = line.split(" ");
    if (cmd !== "run") throw new Error(`unknown request ${line}`);
    return String(await send(Number(port), Number(bytes), Number(chunk)));
  });
} else {
  throw new Error(`usage: _bulk-peer.ts recv|send asyncio-ts|raw (got ${String(role)} ${String(impl)})`);
}
