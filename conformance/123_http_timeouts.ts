// Timeouts: ClientTimeout(total) bounding the request and then the body read (asyncio's TimeoutError, not a
// ServerTimeoutError), a request's own timeout over the session's, sockRead raising ServerTimeoutError (a
// TimeoutError too) when the body stalls, connect covering the wait for a pool slot, and waitFor() around a
// request and around a body read (aiohttp 3.8 lets a CancelledError out of asyncio.timeout() around a body read:
// that case is in test/http-cancel.test.ts instead). Local node:http server on 127.0.0.1 port 0 (aiohttp.web in the .py).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession, ClientTimeout, ServerTimeoutError, TCPConnector } from "../src/http/index.ts";
import { print, str, typeName } from "./_py.ts";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    const later = (ms: number, fn: () => void): void => {
      const timer = setTimeout(fn, ms);
      res.on("close", () => {
        clearTimeout(timer);
      });
    };
    if (req.url === "/slow") {
      later(2000, () => res.end("late"));
    } else if (req.url === "/drip") {
      res.write("first\n");
      later(2000, () => res.end("second\n"));
    } else res.end("quick");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession().with((session) => {
    print("default total:", session.timeout.total, "connect:", session.timeout.connect);
  });

  await new ClientSession({ timeout: new ClientTimeout({ total: 0.5 }) }).with(async (session) => {
    try {
      await session.get(base + "/slow");
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("total:", typeName(exc), exc instanceof ServerTimeoutError);
    }
    await session.get(base + "/drip").with(async (resp) => {
      print("head in time:", resp.status, await resp.content.readline());
      try {
        await resp.content.readline();
      } catch (exc) {
        if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        print("total, reading the body:", typeName(exc));
      }
    });
    await session.get(base + "/slow", { timeout: new ClientTimeout({ total: 5 }) }).with(async (resp) => {
      print("a request's own timeout:", await resp.text());
    });
  });

  await new ClientSession({ timeout: new ClientTimeout({ sockRead: 0.5 }) }).with(async (session) => {
    await session.get(base + "/drip").with(async (resp) => {
      print("sock_read, first line:", await resp.content.readline());
      try {
        await resp.content.readline();
      } catch (exc) {
        if (!(exc instanceof ServerTimeoutError)) throw exc;
        print("sock_read:", typeName(exc), str(exc), exc instanceof asyncio.TimeoutError);
      }
    });
  });

  await new ClientSession({ connector: new TCPConnector({ limit: 1 }) }).with(async (session) => {
    const holder = asyncio.createTask(session.get(base + "/slow"));
    await asyncio.sleep(0.05);
    try {
      await session.get(base + "/quick", { timeout: new ClientTimeout({ connect: 0.1 }) });
    } catch (exc) {
      if (!(exc instanceof ServerTimeoutError)) throw exc;
      print("connect:", typeName(exc), str(exc).startsWith("Connection timeout to host"));
    }
    holder.cancel();
    try {
      await holder;
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print("holder cancelled");
    }
    await session.get(base + "/quick").with(async (resp) => {
      print("the slot is free again:", await resp.text());
    });
  });

  await new ClientSession().with(async (session) => {
    try {
      await asyncio.waitFor(session.get(base + "/slow"), 0.1);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      print("wait_for:", typeName(exc));
    }
    await session.get(base + "/drip").with(async (resp) => {
      try {
        await asyncio.waitFor(resp.read(), 0.1);
      } catch (exc) {
        if (!(exc instanceof asyncio.TimeoutError)) throw exc;
        print("wait_for() around the body:", typeName(exc));
      }
    });
  });
  server.close();
});

await asyncio.run(main());
