// Fragmented messages: send() takes an iterable or an async iterable of str (one text message) or
// of bytes (one binary message); the receiver gets the whole message. Fragments of mixed types are
// a TypeError and fail the connection with 1011.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, tuple, typeName } from "./_py.ts";

const serverSaw: unknown[] = [];

const echo = asyncio.coroutine("echo", async (websocket: websockets.ServerConnection) => {
  try {
    for await (const message of websocket) await websocket.send(message);
  } catch (exc) {
    if (!(exc instanceof websockets.ConnectionClosedError)) throw exc;
    serverSaw.push(tuple(typeName(exc), exc.rcvd?.code));
  }
});

async function* parts(): AsyncGenerator<string> {
  for (const word of ["async ", "frag", "ments"]) {
    await asyncio.sleep(0);
    yield word;
  }
}

const main = asyncio.coroutine("main", async () => {
  await websockets.serve(echo, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    await websockets.connect(uri).with(async (websocket) => {
      await websocket.send(["Hel", "lo ", "world"]);
      print(await websocket.recv());
      await websocket.send([Buffer.from([1, 2]), Buffer.from([3])]);
      print(await websocket.recv());
      await websocket.send(parts());
      print(await websocket.recv());
      try {
        await websocket.send(["text", Buffer.from("bytes")]);
      } catch (exc) {
        if (!(exc instanceof TypeError)) throw exc;
        print("mixed fragments: TypeError");
      }
      try {
        await websocket.recv();
      } catch (exc) {
        if (!(exc instanceof websockets.ConnectionClosedError)) throw exc;
        print("client:", typeName(exc), exc.sent?.code);
      }
    });
    while (serverSaw.length === 0) await asyncio.sleep(0.01);
    print("server:", serverSaw);
  });
});

await asyncio.run(main());
