// Cookies: the default CookieJar ignores cookies from hosts given as IP addresses; CookieJar({ unsafe: true })
// keeps them and sends back those whose path matches; a request's own cookies; DummyCookieJar keeps none.
// BasicAuth per request and per session, and a gzip body decoded on the fly. Local node:http server on
// 127.0.0.1 port 0 (aiohttp.web in the .py).
import http from "node:http";
import type { AddressInfo } from "node:net";
import zlib from "node:zlib";
import * as asyncio from "../src/index.ts";
import { BasicAuth, ClientSession, CookieJar, DummyCookieJar } from "../src/http/index.ts";
import { print } from "./_py.ts";

async function startServer(): Promise<[http.Server, string]> {
  const server = http.createServer((req, res) => {
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    if (req.url === "/set") {
      res.setHeader("Set-Cookie", [
        "session=abc123; Path=/",
        "theme=dark; Path=/",
        "scoped=yes; Path=/account",
      ]);
      res.end("set");
    } else if (req.url === "/show" || req.url === "/account/show") {
      const cookies = (req.headers.cookie ?? "")
        .split("; ")
        .filter((c) => c !== "")
        .sort()
        .join("; ");
      res.end(cookies === "" ? "(none)" : cookies);
    } else if (req.url === "/whoami") {
      const auth = req.headers.authorization;
      if (auth === undefined) {
        res.statusCode = 401;
        res.end("who are you?");
      } else {
        const creds = BasicAuth.decode(auth);
        res.end(`${creds.login}:${creds.password}`);
      }
    } else {
      res.setHeader("Content-Encoding", "gzip");
      res.end(zlib.gzipSync("squeezed ".repeat(20)));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

const main = asyncio.coroutine("main", async () => {
  const [server, base] = await startServer();
  await new ClientSession().with(async (session) => {
    await session.get(base + "/set").with((resp) => {
      print("Set-Cookie names:", [...resp.cookies.keys()].sort());
    });
    print("default jar keeps:", session.cookieJar.size);
    await session.get(base + "/show").with(async (resp) => {
      print("sent back:", await resp.text());
    });
  });

  const jar = new CookieJar({ unsafe: true });
  await new ClientSession({ cookieJar: jar }).with(async (session) => {
    await session.get(base + "/set").with(async (resp) => {
      await resp.read();
    });
    print("unsafe jar keeps:", jar.size, [...jar].map((cookie) => cookie.key).sort());
    for (const path of ["/show", "/account/show"]) {
      await session.get(base + path).with(async (resp) => {
        print(path, "gets:", await resp.text());
      });
    }
    await session.get(base + "/show", { cookies: { extra: "1" } }).with(async (resp) => {
      print("with a request's cookies:", await resp.text());
    });
  });

  await new ClientSession({ cookieJar: new DummyCookieJar() }).with(async (session) => {
    await session.get(base + "/set").with(async (resp) => {
      await resp.read();
    });
    print("DummyCookieJar keeps:", session.cookieJar.size);
  });

  await new ClientSession().with(async (session) => {
    await session.get(base + "/whoami").with(async (resp) => {
      print("no auth:", resp.status, await resp.text());
    });
    await session.get(base + "/whoami", { auth: new BasicAuth("ada", "s3cret") }).with(async (resp) => {
      print("BasicAuth:", resp.status, await resp.text());
    });
  });
  await new ClientSession({ auth: new BasicAuth("grace") }).with(async (session) => {
    await session.get(base + "/whoami").with(async (resp) => {
      print("session auth:", await resp.text());
    });
    await session.get(base + "/packed").with(async (resp) => {
      const text = await resp.text();
      print("gzip:", resp.headers.get("Content-Encoding"), text.length, text.slice(0, 18));
    });
  });
  print("encode:", new BasicAuth("ada", "s3cret").encode());
  server.close();
});

await asyncio.run(main());
