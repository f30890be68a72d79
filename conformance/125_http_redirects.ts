// Redirects: a chain of 302s is followed and kept in history; allow_redirects=False returns the 302 itself;
// max_redirects reached raises TooManyRedirects with the history; a 303 turns a POST into a GET, a 307 keeps
// the method and the body. Local node:http server on 127.0.0.1 port 0 (aiohttp.web in the .py).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientResponseError, ClientSession, TooManyRedirects } from "../src/http/index.ts";
import { print, repr, tuple } from "./_py.ts";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? "/";
    const redirect = (status: number, location: string): void => {
      res.writeHead(status, { Location: location });
      res.end();
    };
    if (url.startsWith("/r/")) {
      const n = Number(url.slice(3));
      redirect(302, n > 1 ? `/r/${n - 1}` : "/done");
    } else if (url === "/done") res.end("done");
    else if (url === "/see-other") redirect(303, "/method");
    else if (url === "/temporary") redirect(307, "/method");
    else {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => (body += chunk));
      req.on("end", () => res.end(`${req.method ?? ""} ${repr(body)}`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession().with(async (session) => {
    await session.get(base + "/r/3").with(async (resp) => {
      print("followed:", resp.status, await resp.text(), resp.url.pathname);
      print(
        "history:",
        resp.history.map((r) => tuple(r.status, r.url.pathname)),
      );
    });

    await session.get(base + "/r/1", { allowRedirects: false }).with(async (resp) => {
      print("not followed:", resp.status, resp.headers.get("Location"), tuple(...resp.history));
    });

    try {
      await session.get(base + "/r/5", { maxRedirects: 3 });
    } catch (exc) {
      if (!(exc instanceof TooManyRedirects)) throw exc;
      print(exc.name, exc instanceof ClientResponseError, exc.history.length);
      print(
        "history:",
        exc.history.map((r) => r.url.pathname),
      );
    }

    await session.post(base + "/see-other", { data: "payload" }).with(async (resp) => {
      print(
        "303:",
        await resp.text(),
        resp.method,
        resp.history.map((r) => r.status),
      );
    });
    await session.post(base + "/temporary", { data: "payload" }).with(async (resp) => {
      print(
        "307:",
        await resp.text(),
        resp.method,
        resp.history.map((r) => r.status),
      );
    });
  });
  server.close();
});

await asyncio.run(main());
