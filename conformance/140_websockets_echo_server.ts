// Seed 001's websockets echo server, adapted as the pairs' rule says: echo(websocket, path) takes one
// argument; run_forever() becomes serving until the program's last client is done; the program
// serves on 127.0.0.1, port 0, and connects its own client. Text comes back as str, bytes as bytes.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, str } from "./_py.ts";

const echo = asyncio.coroutine("echo", async (websocket: websockets.ServerConnection) => {
  for await (const message of websocket) {
    print(`Received: ${str(message)}`);
    await websocket.send(`Echo: ${str(message)}`);
  }
});

const main = asyncio.coroutine("main", async () => {
  await websockets.serve(echo, "127.0.0.1", 0).with(async (server) => {
    const port = server.sockets[0]?.getsockname()[1] ?? 0;
    await websockets.connect(`ws://127.0.0.1:${String(port)}`).with(async (websocket) => {
      for (const text of ["Hello", "World", "asyncio"]) {
        await websocket.send(text);
        print(await websocket.recv());
      }
      await websocket.send(Buffer.from("\x00\x01bytes", "latin1"));
      print(await websocket.recv());
    });
    print("client done");
  });
  print("server closed");
});

await asyncio.run(main());
