// Cancelling recv() loses no message (websockets documents it for 10.4 and 14): recv() bounded by
// wait_for() times out while nothing comes, a recv() task cancelled while it waits takes nothing,
// and the messages sent afterwards arrive in order, each once.
import * as asyncio from "../src/index.ts";
import * as websockets from "../src/websockets/index.ts";
import { print } from "./_py.ts";

const handler = asyncio.coroutine("handler", async (websocket: websockets.ServerConnection) => {
  for await (const message of websocket) {
    for (let i = 0; i < Number(message); i++) await websocket.send(`reply ${String(message)}.${String(i)}`);
  }
});

const main = asyncio.coroutine("main", async () => {
  await websockets.serve(handler, "127.0.0.1", 0).with(async (server) => {
    const uri = `ws://127.0.0.1:${String(server.sockets[0]?.getsockname()[1])}`;
    await websockets.connect(uri).with(async (websocket) => {
      try {
        await asyncio.waitFor(websocket.recv(), 0.05);
      } catch (exc) {
        if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        print("wait_for(recv(), 0.05) timed out");
      }
      const task = asyncio.createTask(websocket.recv());
      await asyncio.sleep(0);
      print("cancel a waiting recv():", task.cancel());
      try {
        await task;
      } catch (exc) {
        if (!(exc instanceof asyncio.CancelledError)) throw exc;
        print("the task was cancelled");
      }
      await websocket.send("2");
      print(await websocket.recv());
      print(await websocket.recv());
      await websocket.send("3");
      const got: unknown[] = [];
      for (let i = 0; i < 10000; i++) {
        if (got.length === 3) break;
        try {
          got.push(await asyncio.waitFor(websocket.recv(), 0.01));
        } catch (exc) {
          if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        }
      }
      print(got);
    });
  });
});

await asyncio.run(main());
