// raise_for_status: a response's ok, status and reason; raise_for_status() raising ClientResponseError with the
// status, the reason as message, the headers and the request_info; a session made with raise_for_status=True
// raising for every response of 400 or more, and a request overriding it. Local node:http server on
// 127.0.0.1 port 0 (aiohttp.web in the .py).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientResponseError, ClientSession } from "../src/http/index.ts";
import { print, repr } from "./_py.ts";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    if (req.url === "/ok") res.end("fine");
    else if (req.url === "/missing") {
      res.writeHead(404, { "X-Reason": "gone" });
      res.end("no such page");
    } else {
      res.writeHead(500, "Broken Thing");
      res.end("oops");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession().with(async (session) => {
    for (const path of ["/ok", "/missing"]) {
      await session.get(base + path).with(async (resp) => {
        print(path, resp.ok, resp.status, resp.reason, await resp.text());
        try {
          resp.raiseForStatus();
          print("  raise_for_status(): nothing raised");
        } catch (exc) {
          if (!(exc instanceof ClientResponseError)) throw exc;
          print("  raised", exc.name, exc.status, repr(exc.message), exc.headers?.get("X-Reason"));
          print("  request_info:", exc.requestInfo.method, exc.requestInfo.url.pathname);
        }
      });
    }
    try {
      await session.post(base + "/broken", { raiseForStatus: true });
    } catch (exc) {
      if (!(exc instanceof ClientResponseError)) throw exc;
      print("request raise_for_status=True:", exc.status, exc.message);
    }
  });

  await new ClientSession({ raiseForStatus: true }).with(async (session) => {
    await session.get(base + "/ok").with((resp) => {
      print("session raise_for_status, /ok:", resp.status);
    });
    try {
      await session.get(base + "/missing").with(() => {
        print("not reached");
      });
    } catch (exc) {
      if (!(exc instanceof ClientResponseError)) throw exc;
      print("session raise_for_status, /missing:", exc.name, exc.status, exc.message);
    }
    await session.get(base + "/missing", { raiseForStatus: false }).with(async (resp) => {
      print("overridden per request:", resp.status, await resp.text());
    });
  });
  server.close();
});

await asyncio.run(main());
