// Seed 001 "Web Scraping": one ClientSession shared by fetch() coroutines gathered together, printing the first
// 100 characters of each page. The public URLs become paths of a server the program starts itself on 127.0.0.1
// port 0 (aiohttp.web in the .py, node:http here).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print } from "./_py.ts";

const EXAMPLE =
  '<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n\n    <meta charset="utf-8" />\n' +
  "</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n</div>\n</body>\n</html>\n";
const GET =
  '{\n  "args": {}, \n  "headers": {\n    "Host": "httpbin.org"\n  }, \n  "url": "https://httpbin.org/get"\n}\n';

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    const json = req.url === "/get";
    res.setHeader("Content-Type", json ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
    res.end(json ? GET : EXAMPLE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const fetch = asyncio.coroutine("fetch", async (session: ClientSession, url: string) =>
  session.get(url).with(async (response) => response.text()),
);

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  const urls = [base + "/example", base + "/get"];
  await new ClientSession().with(async (session) => {
    const tasks = urls.map((url) => fetch(session, url));
    const results = await asyncio.gather(...tasks);
    for (const result of results) {
      print(result.slice(0, 100)); // Print first 100 characters
    }
  });
  server.close();
});

await asyncio.run(main());
