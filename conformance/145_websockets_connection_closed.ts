// ConnectionClosed after a closing handshake the client starts: the client sent its close frame
// first (rcvd_then_sent False), the server received it first (True); recv(), send() and the
// async iterator all see it; the iterator ends quietly on 1000 and raises on 1011.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, typeName } from "./_py.ts";

const main = asyncio.coroutine("main", async () => {
  const serverExcs: websockets.ConnectionClosed[] = [];

  const handler = asyncio.coroutine("handler", async (websocket: websockets.ServerConnection) => {
    try {
      await websocket.recv();
    } catch (exc) {
      if (!(exc instanceof websockets.ConnectionClosed)) throw exc;
      serverExcs.push(exc);
    }
  });

  await websockets.serve(handler, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    let websocket = await websockets.connect(uri);
    await websocket.close(1000, "done");
    const ws = websocket;
    const calls: [string, () => PromiseLike<unknown>][] = [
      ["recv", () => ws.recv()],
      ["send", () => ws.send("late")],
    ];
    for (const [name, call] of calls) {
      try {
        await call();
      } catch (exc) {
        if (!(exc instanceof websockets.ConnectionClosed)) throw exc;
        print(name, typeName(exc), exc, exc.rcvdThenSent);
      }
    }
    let count = 0;
    for await (const _ of websocket) count += 1;
    print("iteration ended quietly after", count, "messages");
    while (serverExcs.length === 0) await asyncio.sleep(0.01);
    const exc = serverExcs[0] as websockets.ConnectionClosed;
    print("server:", typeName(exc), exc, exc.rcvdThenSent);

    websocket = await websockets.connect(uri);
    await websocket.close(1011, "broken");
    try {
      for await (const _ of websocket) {
        // Nothing comes.
      }
    } catch (e) {
      if (!(e instanceof websockets.ConnectionClosedError)) throw e;
      print("iteration raised", typeName(e), e.sent?.code, e.rcvd?.code);
    }
    while (serverExcs.length < 2) await asyncio.sleep(0.01);
    print("server:", typeName(serverExcs[1]), serverExcs[1]?.rcvd?.code);
  });
});

await asyncio.run(main());
