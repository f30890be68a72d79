// ping(): the pong waiter completes with the latency when the matching pong comes back; several
// pings in flight are all answered; ping() on a closed connection raises ConnectionClosedOK.
// Python's `pong_waiter = await ws.ping(); latency = await pong_waiter` is one await here
// (JavaScript flattens an awaited thenable): docs/websockets.md says so.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print, typeName } from "./_py.ts";

const echo = asyncio.coroutine("echo", async (websocket: websockets.ServerConnection) => {
  for await (const message of websocket) await websocket.send(message);
});

const main = asyncio.coroutine("main", async () => {
  await websockets.serve(echo, "127.0.0.1", 0, { pingInterval: null }).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    const websocket = await websockets.connect(uri, { pingInterval: null });
    await websocket.with(async () => {
      const latency = await websocket.ping();
      print("latency is a number >= 0:", typeof latency === "number" && latency >= 0);
      const waiters = [0, 1, 2].map((i) => asyncio.createTask(websocket.ping(`ping ${String(i)}`)));
      const latencies = await asyncio.gather(...waiters);
      print(
        "three pongs:",
        latencies.length,
        latencies.every((lat) => lat >= 0),
      );
      await websocket.send("still open");
      print(await websocket.recv());
    });
    try {
      await websocket.ping();
    } catch (exc) {
      if (!(exc instanceof websockets.ConnectionClosedOK)) throw exc;
      print(typeName(exc), exc);
    }
  });
});

await asyncio.run(main());
