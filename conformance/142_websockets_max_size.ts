// max_size: a message of exactly max_size bytes passes; one byte more fails the connection with
// close code 1009 (message too big) on the side that received it. The side that failed stops
// reading, so it never sees the close frame that answers its own.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, tuple, typeName } from "./_py.ts";

const main = asyncio.coroutine("main", async () => {
  const results: unknown[] = [];

  const handler = asyncio.coroutine("handler", async (websocket: websockets.ServerConnection) => {
    try {
      for await (const message of websocket) {
        results.push(tuple("server got", message.length));
        await websocket.send(String(message.length));
      }
    } catch (exc) {
      if (!(exc instanceof websockets.ConnectionClosedError)) throw exc;
      results.push(tuple("server", typeName(exc), exc.sent?.code, exc.rcvd));
    }
  });

  await websockets.serve(handler, "127.0.0.1", 0, { maxSize: 1000 }).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    await websockets.connect(uri).with(async (websocket) => {
      await websocket.send("x".repeat(1000));
      print("echoed length:", await websocket.recv());
      await websocket.send(Buffer.alloc(1001, "y"));
      try {
        await websocket.recv();
      } catch (exc) {
        if (!(exc instanceof websockets.ConnectionClosedError)) throw exc;
        print(typeName(exc), "rcvd:", exc.rcvd?.code, "sent:", exc.sent?.code, exc.rcvdThenSent);
        print("close_code:", websocket.closeCode);
      }
    });
    while (results.length < 2) await asyncio.sleep(0.01);
    print(results);
  });

  // The client's own limit: the server sends more than the client accepts.
  const big = asyncio.coroutine("big", async (websocket: websockets.ServerConnection) => {
    await websocket.send("z".repeat(50));
    await websocket.waitClosed();
  });

  await websockets.serve(big, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    await websockets.connect(uri, { maxSize: 10 }).with(async (websocket) => {
      try {
        await websocket.recv();
      } catch (exc) {
        if (!(exc instanceof websockets.ConnectionClosedError)) throw exc;
        print("client limit:", typeName(exc), "sent:", exc.sent?.code, "rcvd:", exc.rcvd);
      }
    });
  });
});

await asyncio.run(main());
