// broadcast() sends one message to every open connection at once; a connection that closed is
// skipped. The server keeps its own set of connections, as websockets' docs show.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print } from "./_py.ts";

const main = asyncio.coroutine("main", async () => {
  const connected = new Set<websockets.ServerConnection>();

  const handler = asyncio.coroutine("handler", async (websocket: websockets.ServerConnection) => {
    connected.add(websocket);
    try {
      await websocket.waitClosed();
    } finally {
      connected.delete(websocket);
    }
  });

  await websockets.serve(handler, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    const clients: websockets.ClientConnection[] = [];
    for (let i = 0; i < 3; i++) clients.push(await websockets.connect(uri));
    while (connected.size < 3) await asyncio.sleep(0.01);
    websockets.broadcast(connected, "news 1");
    websockets.broadcast(connected, Buffer.from("binary news"));
    for (const [i, client] of clients.entries()) print(i, await client.recv(), await client.recv());
    await clients[0]?.close();
    while (connected.size > 2) await asyncio.sleep(0.01);
    websockets.broadcast(connected, "news 2");
    for (const [i, client] of clients.slice(1).entries()) print(i + 1, await client.recv());
    for (const client of clients.slice(1)) await client.close();
    print(
      "close codes:",
      clients.map((client) => client.closeCode),
    );
  });
});

await asyncio.run(main());
