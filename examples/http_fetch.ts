// HTTP: the seeds' aiohttp programs (seed 000 "Concurrent Web Requests" and seed 001 "Web Scraping") on
// asyncio-ts/http. The public URLs they fetch become paths of a node:http server this program starts on
// 127.0.0.1 (no internet needed). Run: npx node examples/http_fetch.ts
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";

const PAGES: Record<string, string> = {
  "/google": "<html><title>Google</title></html>",
  "/example": "<html><title>Example Domain</title></html>",
  "/python": "<html><title>Welcome to Python.org</title></html>",
  "/github": "<html><title>GitHub</title></html>",
};

// Seed 000: one session per fetch, as the seed does (a session per program is the better habit).
const fetch = asyncio.coroutine("fetch", async (url: string) =>
  new ClientSession().with(async (session) => session.get(url).with(async (response) => response.text())),
);

// Seed 001: one session shared by every fetch.
const fetchWith = asyncio.coroutine("fetchWith", async (session: ClientSession, url: string) =>
  session.get(url).with(async (response) => response.text()),
);

const main = asyncio.coroutine("main", async () => {
  const server = http.createServer((req, res) => {
    if (req.url === "/slow") {
      // Never answers: the client gives up.
      res.on("close", () => {
        console.log("  server: the client closed the connection");
      });
      return;
    }
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    res.end(PAGES[req.url ?? ""] ?? "<html><title>Not here</title></html>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const urls = Object.keys(PAGES).map((path) => base + path);

  console.log("seed 000: a task per URL, gathered in order");
  const tasks = urls.map((url) => asyncio.createTask(fetch(url)));
  for (const result of await asyncio.gather(...tasks)) console.log(result);

  console.log("seed 001: one shared session, the first 20 characters of each page");
  await new ClientSession().with(async (session) => {
    const results = await asyncio.gather(...urls.map((url) => fetchWith(session, url)));
    for (const result of results) console.log(result.slice(0, 20));
  });

  console.log("a request cancelled by a timeout closes its connection at once:");
  await new ClientSession().with(async (session) => {
    try {
      await asyncio.waitFor(session.get(`${base}/slow`), 0.2);
    } catch (exc) {
      if (!(exc instanceof asyncio.TimeoutError)) throw exc;
      console.log("  client: waitFor() gave up after 0.2 s");
    }
    await asyncio.sleep(0.05);
  });
  server.close();
});

await asyncio.run(main());
