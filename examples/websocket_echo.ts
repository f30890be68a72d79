// Seed 001's websockets echo server: every message comes back as "Echo: <message>". As in the
// conformance pair (140), echo(websocket, path) takes one argument, and instead of run_forever()
// the program serves on 127.0.0.1 (a free port) until its own client is done, so it ends by itself.
//
//   Python (websockets)                              asyncio-ts
//   async def echo(websocket):                       const echo = asyncio.coroutine("echo", async (websocket) => {
//       async for message in websocket:                for await (const message of websocket) {
//           await websocket.send(f"Echo: {message}")       await websocket.send(`Echo: ${message}`);
//   async with websockets.serve(echo, host, port):   await serve(echo, host, port).with(async (server) => ...)
import * as asyncio from "../src/index.ts";
import { connect, serve, type ServerConnection } from "../src/websockets/index.ts";

const echo = asyncio.coroutine("echo", async (websocket: ServerConnection) => {
  for await (const message of websocket) {
    console.log(`Received: ${String(message)}`);
    await websocket.send(`Echo: ${String(message)}`);
  }
});

const main = asyncio.coroutine("main", async () => {
  await serve(echo, "127.0.0.1", 0).with(async (server) => {
    const [host, port] = server.sockets[0]?.getsockname() ?? ["127.0.0.1", 8765];
    await connect(`ws://${host}:${String(port)}`).with(async (websocket) => {
      for (const text of ["Hello", "World", "asyncio"]) {
        await websocket.send(text);
        console.log(await websocket.recv());
      }
    });
  });
  console.log("server closed");
});

await asyncio.run(main());
