// Close codes, server side first: the handler closes with a code and a reason; the client's recv()
// raises ConnectionClosedOK (1000, 1001) or ConnectionClosedError (others), with the close frames
// received and sent (rcvd, sent, rcvd_then_sent) and websockets' message. Then the client closes
// and the server's async iteration ends normally, with the code and reason it received.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, repr, tuple, typeName } from "./_py.ts";

const main = asyncio.coroutine("main", async () => {
  const seen: unknown[] = [];

  const handler = asyncio.coroutine("handler", async (websocket: websockets.ServerConnection) => {
    const pathMessage = (await websocket.recv()) as string;
    const space = pathMessage.indexOf(" ");
    const code = space < 0 ? pathMessage : pathMessage.slice(0, space);
    const reason = space < 0 ? "" : pathMessage.slice(space + 1);
    if (code === "client") {
      for await (const message of websocket) seen.push(message);
      seen.push(tuple("server saw", websocket.closeCode, websocket.closeReason));
      return;
    }
    await websocket.close(Number(code), reason);
  });

  await websockets.serve(handler, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    const cases: [number, string][] = [
      [1000, ""],
      [1001, "shutting down"],
      [1008, "policy"],
      [4000, "custom"],
      [3001, ""],
    ];
    for (const [code, reason] of cases) {
      await websockets.connect(uri).with(async (websocket) => {
        await websocket.send(`${String(code)} ${reason}`);
        try {
          await websocket.recv();
        } catch (exc) {
          if (!(exc instanceof websockets.ConnectionClosed)) throw exc;
          print(typeName(exc), exc instanceof websockets.ConnectionClosed);
          print(
            "  rcvd:",
            exc.rcvd?.code,
            repr(exc.rcvd?.reason),
            "sent:",
            exc.sent?.code,
            repr(exc.sent?.reason),
          );
          print("  rcvd_then_sent:", exc.rcvdThenSent);
          print("  str:", exc);
          print("  close_code:", websocket.closeCode, "close_reason:", repr(websocket.closeReason));
        }
      });
    }
    await websockets.connect(uri).with(async (websocket) => {
      await websocket.send("client");
      await websocket.send("one");
      await websocket.send("two");
      await websocket.close(1000, "bye");
      print("client close_code:", websocket.closeCode, repr(websocket.closeReason));
    });
    while (seen.length < 3) await asyncio.sleep(0.01);
  });
  print(seen);
});

await asyncio.run(main());
