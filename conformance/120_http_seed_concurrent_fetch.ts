// Seed 000 "Concurrent Web Requests": fetch() opens a ClientSession per URL, and four fetches run as tasks
// gathered in order. Adapted as every network pair is: the public URLs become paths of a server the program
// starts itself on 127.0.0.1 port 0 (aiohttp.web in the .py, node:http here).
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print } from "./_py.ts";

const PAGES: Record<string, string> = {
  "/google": "<html><title>Google</title></html>",
  "/example": "<html><title>Example Domain</title></html>",
  "/python": "<html><title>Welcome to Python.org</title></html>",
  "/github": "<html><title>GitHub</title></html>",
};

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(PAGES[req.url ?? ""]);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const fetch = asyncio.coroutine("fetch", async (url: string) =>
  new ClientSession().with(async (session) => session.get(url).with(async (response) => response.text())),
);

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  const urls = [base + "/google", base + "/example", base + "/python", base + "/github"];
  const tasks = urls.map((url) => asyncio.createTask(fetch(url)));
  const results = await asyncio.gather(...tasks);
  for (const result of results) print(result);
  server.close();
});

await asyncio.run(main());
