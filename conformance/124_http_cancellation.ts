// Cancellation reaches the request: cancelling the task awaiting a response, cancelling the task reading a body,
// waitFor() expiring and a failing TaskGroup sibling each close the connection at once, which the server sees
// (its response's 'close' comes before it finished), and the pool goes on serving. Local node:http server on
// 127.0.0.1 port 0 (aiohttp.web in the .py).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print, str } from "./_py.ts";

async function startServer(started: asyncio.Event, gone: asyncio.Event): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    const watch = (): void => {
      res.on("close", () => {
        if (!res.writableFinished) gone.set();
      });
    };
    if (req.url === "/hang") {
      started.set();
      watch();
    } else if (req.url === "/stream") {
      res.write("first line\n");
      started.set();
      watch();
    } else res.end("still serving");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const started = new asyncio.Event();
  const gone = new asyncio.Event();
  const [server, base] = await startServer(started, gone);
  await new ClientSession().with(async (session) => {
    const task = asyncio.createTask(session.get(base + "/hang"));
    await started.wait();
    print("server: request received");
    task.cancel();
    try {
      await task;
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print("client: request cancelled; task.cancelled():", task.cancelled());
    }
    await gone.wait();
    print("server: the client went away");

    started.clear();
    gone.clear();
    const resp = await session.get(base + "/stream");
    print("client: head", resp.status, await resp.content.readline());
    await started.wait();
    const reader = asyncio.createTask(resp.read());
    await asyncio.sleep(0.01);
    reader.cancel();
    try {
      await reader;
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print("client: body read cancelled");
    }
    await gone.wait();
    print("server: the client went away mid-body");

    started.clear();
    gone.clear();
    try {
      await asyncio.waitFor(session.get(base + "/hang"), 0.1);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("client: wait_for expired");
    }
    await gone.wait();
    print("server: the client went away again");

    started.clear();
    gone.clear();

    const failSoon = asyncio.coroutine("fail_soon", async () => {
      await started.wait();
      throw new RangeError("sibling failed");
    });

    try {
      await new asyncio.TaskGroup().with((tg) => {
        tg.createTask(session.get(base + "/hang"));
        tg.createTask(failSoon());
      });
    } catch (exc) {
      if (!(exc instanceof asyncio.ExceptionGroup)) throw exc;
      const eg = exc.subgroup(RangeError);
      if (eg === null) throw exc;
      print(
        "client: TaskGroup raised",
        eg.exceptions.map((e) => str(e)),
      );
    }
    await gone.wait();
    print("server: the TaskGroup's request went away too");

    await session.get(base + "/ok").with(async (r) => {
      print("client: afterwards", await r.text());
    });
  });
  server.close();
});

await asyncio.run(main());
