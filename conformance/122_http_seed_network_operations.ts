// Seed 003 "Network Operations": fetch() opens a ClientSession, gets a page and returns its text. The seed's
// top-level `await` goes inside main(), and the public URL becomes a path of a server the program starts itself
// on 127.0.0.1 port 0 (aiohttp.web in the .py, node:http here).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print } from "./_py.ts";

const PAGE =
  "<!doctype html>\n<html>\n<head><title>Example Domain</title></head>\n<body><h1>Example Domain</h1></body>\n</html>";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const fetch = asyncio.coroutine("fetch", async (url: string) =>
  new ClientSession().with(async (session) => session.get(url).with(async (response) => response.text())),
);

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  const html = await fetch(base + "/");
  print(html);
  server.close();
});

await asyncio.run(main());
