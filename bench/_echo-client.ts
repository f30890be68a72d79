// The one client of bench/echo.bench.ts, in a process of its own (raw node:net), driving every
// echo server the same way. Request `run PORT CONNS ROUNDS SIZE`: open CONNS connections
// (TCP_NODELAY), then on each send SIZE bytes, wait for the whole SIZE-byte echo, and repeat
// ROUNDS times; answer the wall time in ms from the first send to the last echo (the connects
// are not timed), after checking every byte came back.
import { Buffer } from "node:buffer";
import net from "node:net";
import { serve } from "./_proc.ts";

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port, noDelay: true });
    socket.once("connect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

function pingPong(socket: net.Socket, rounds: number, message: Buffer): Promise<void> {
  const size = message.length;
  return new Promise((resolve, reject) => {
    let got = 0;
    let done = 0;
    const onData = (chunk: Buffer): void => {
      got += chunk.length;
      if (got < size) return;
      if (got > size || chunk[chunk.length - 1] !== message[size - 1]) {
        reject(new Error(`bad echo: ${got} bytes for ${size}`));
        return;
      }
      got = 0;
      if (++done === rounds) {
        socket.off("data", onData);
        resolve();
      } else socket.write(message);
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.write(message);
  });
}

async function run(port: number, conns: number, rounds: number, size: number): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: conns }, () => connect(port)));
  const message = Buffer.alloc(size, 0x61);
  message[size - 1] = 0x0a;
  const t0 = process.hrtime.bigint();
  await Promise.all(sockets.map((s) => pingPong(s, rounds, message)));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await Promise.all(
    sockets.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.once("close", () => {
            resolve();
          });
          s.end();
        }),
    ),
  );
  return ms;
}

serve("client", async (line) => {
  const [cmd, port, conns, rounds, size] = line.split(" ");
  if (cmd !== "run") throw new Error(`unknown request ${line}`);
  const ms = await run(Number(port), Number(conns), Number(rounds), Number(size));
  return String(ms);
});
