// What a request sends: params (an object, a list of pairs, added to the URL's own query), data as an object
// sent form-encoded, data as a string, json; the session's default headers and a request's; and what a
// response gives: headers looked up in any case, a repeated header's values, json() of the server's answer.
// Local node:http server on 127.0.0.1 port 0 (aiohttp.web in the .py).
import { Buffer } from "node:buffer";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print } from "./_py.ts";

interface Echo {
  method: string;
  query: [string, string][];
  content_type: string | null;
  body: string;
  x_session: string | null;
  x_request: string[];
}

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const url = new URL(req.url ?? "/", "http://x");
      const header = (name: string): string[] => {
        const out: string[] = [];
        for (let i = 0; i < req.rawHeaders.length; i += 2) {
          if (req.rawHeaders[i]?.toLowerCase() === name) out.push(req.rawHeaders[i + 1] ?? "");
        }
        return out;
      };
      const answer: Echo = {
        method: req.method ?? "",
        query: [...url.searchParams],
        content_type: body === "" ? null : ((req.headers["content-type"] ?? "").split(";")[0] ?? ""),
        body,
        x_session: header("x-session")[0] ?? null,
        x_request: header("x-request"),
      };
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("X-Multi", ["one", "two"]);
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession({ headers: { "X-Session": "default" } }).with(async (session) => {
    await session.get(base + "/echo?a=0", { params: { b: "1", c: "x y" } }).with(async (resp) => {
      print("params dict:", ((await resp.json()) as Echo).query);
    });
    await session
      .get(base + "/echo", {
        params: [
          ["k", "1"],
          ["k", "2"],
        ],
      })
      .with(async (resp) => {
        print("params pairs:", ((await resp.json()) as Echo).query);
      });
    await session.post(base + "/echo", { data: { name: "Ada", lang: "en" } }).with(async (resp) => {
      const echo = (await resp.json()) as Echo;
      print("form:", echo.method, echo.content_type, echo.body);
    });
    await session.put(base + "/echo", { data: "plain text" }).with(async (resp) => {
      const echo = (await resp.json()) as Echo;
      print("str:", echo.method, echo.content_type, echo.body);
    });
    await session.patch(base + "/echo", { json: { k: [1, 2] } }).with(async (resp) => {
      const echo = (await resp.json()) as Echo;
      print("json:", echo.method, echo.content_type, echo.body.replaceAll(" ", ""));
    });
    await session
      .delete(base + "/echo", { headers: { "X-Session": "mine", "X-Request": "r" } })
      .with(async (resp) => {
        const echo = (await resp.json()) as Echo;
        print("headers sent:", echo.method, echo.x_session, echo.x_request);
        print(
          "content-type:",
          resp.headers.get("content-type"),
          resp.headers.get("CONTENT-TYPE") === resp.headers.get("Content-Type"),
        );
        print(
          "X-Multi:",
          resp.headers.getall("X-Multi"),
          resp.headers.has("x-multi"),
          resp.headers.has("X-Other"),
        );
        print("content_type, charset:", resp.contentType, resp.charset);
      });
  });
  server.close();
});

await asyncio.run(main());
