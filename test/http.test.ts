// asyncio-ts/http against real node:http servers on 127.0.0.1: the request methods and their
// options (params, data, json, headers, auth), responses (status, headers, body readers),
// redirects, raiseForStatus, cookies, content decoding, errors for bad input, the lazy request
// awaitable, the session's lifetime, and that importing the core never loads undici. Behaviours
// and messages follow aiohttp 3.8 (tests/test_client_functional.py, test_client_response.py).
import { it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFile } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import zlib from "node:zlib";
import * as asyncio from "../src/index.ts";
import {
  BasicAuth,
  CIMultiDict,
  ClientConnectionError,
  ClientConnectorError,
  ClientError,
  ClientResponseError,
  ClientSession,
  ClientTimeout,
  ContentTypeError,
  CookieJar,
  DummyCookieJar,
  InvalidURL,
  ServerDisconnectedError,
  TCPConnector,
  TooManyRedirects,
} from "../src/http/index.ts";
import { runHttp, startHttp, type TestServer } from "./helpers/http.ts";

/** Requests of the session holding a slot of its connector's pool. */
function acquired(session: ClientSession): number {
  const connector: TCPConnector | null = session.connector;
  return connector === null ? -1 : connector._acquired;
}

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** A server answering every request with a JSON echo of it. */
function echo(t: Parameters<typeof startHttp>[0]): Promise<TestServer> {
  return startHttp(t, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      res.setHeader("X-Multi", ["one", "two"]);
      res.end(
        JSON.stringify({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString("latin1"),
        }),
      );
    });
  });
}

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

it("get: status, reason, ok, headers (case-insensitive, multi-valued), url, json", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url("/a?x=1"));
      assert.equal(resp.status, 200);
      assert.equal(resp.reason, "OK");
      assert.equal(resp.ok, true);
      assert.equal(resp.method, "GET");
      assert.equal(resp.url.href, srv.url("/a?x=1"));
      assert.equal(resp.headers.get("content-type"), "application/json");
      assert.equal(resp.headers.get("CONTENT-TYPE"), "application/json");
      assert.deepEqual(resp.headers.getall("x-multi"), ["one", "two"]);
      assert.equal(resp.headers.has("X-Multi"), true);
      assert.equal(resp.headers.get("missing"), null);
      assert.equal(resp.contentType, "application/json");
      const body = (await resp.json()) as Echo;
      assert.equal(body.method, "GET");
      assert.equal(body.url, "/a?x=1");
      assert.equal(body.headers.accept, "*/*");
      assert.equal(body.headers["accept-encoding"], "gzip, deflate, br");
      // read() keeps the body: text() and read() again give it back.
      assert.equal((JSON.parse(await resp.text()) as Echo).url, "/a?x=1");
      assert.equal((await resp.read()).length, Buffer.byteLength(await resp.text()));
      assert.deepEqual(resp.history, []);
    });
  });
});

it("every method: get post put patch delete head options request", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const seen: string[] = [];
      for (const call of [
        session.get(srv.url()),
        session.post(srv.url()),
        session.put(srv.url()),
        session.patch(srv.url()),
        session.delete(srv.url()),
        session.options(srv.url()),
        session.request("get", srv.url()),
      ]) {
        seen.push(((await (await call).json()) as Echo).method);
      }
      assert.deepEqual(seen, ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "GET"]);
      const head = await session.head(srv.url());
      assert.equal(head.status, 200);
      assert.equal((await head.read()).length, 0);
      assert.throws(() => session.request("GE T", srv.url()), {
        name: "RangeError",
        message: `method must be an HTTP token such as "GET", got 'GE T'`,
      });
    });
  });
});

it("params: an object, pairs, URLSearchParams, added to the URL's query; bad values are TypeErrors", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const url = async (params: Parameters<typeof session.get>[1]): Promise<string> =>
        ((await (await session.get(srv.url("/p?a=0"), params)).json()) as Echo).url;
      assert.equal(await url({ params: { b: 1, c: "x y", d: [2, 3] } }), "/p?a=0&b=1&c=x+y&d=2&d=3");
      assert.equal(
        await url({
          params: [
            ["k", "1"],
            ["k", 2],
          ],
        }),
        "/p?a=0&k=1&k=2",
      );
      assert.equal(await url({ params: new URLSearchParams("z=9") }), "/p?a=0&z=9");
      await assert.rejects(session.get(srv.url(), { params: { flag: true as unknown as string } }), {
        name: "TypeError",
        message: /^Invalid variable type: value should be str, int or float, got true of type boolean/,
      });
    });
  });
});

it("data and json: form-encoded objects, strings, bytes, streams, JSON; not both", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const post = async (options: Parameters<typeof session.post>[1]): Promise<Echo> =>
        (await (await session.post(srv.url(), options)).json()) as Echo;
      let e = await post({ data: { a: "1", b: "x y&z" } });
      assert.equal(e.body, "a=1&b=x+y%26z");
      assert.equal(e.headers["content-type"], "application/x-www-form-urlencoded");
      e = await post({
        data: [
          ["k", "v"],
          ["k", "w"],
        ],
      });
      assert.equal(e.body, "k=v&k=w");
      e = await post({ data: "text é" });
      assert.equal(Buffer.from(e.body, "latin1").toString("utf8"), "text é");
      assert.equal(e.headers["content-type"], "text/plain; charset=utf-8");
      e = await post({ data: new Uint8Array([0, 1, 255]) });
      assert.deepEqual([...Buffer.from(e.body, "latin1")], [0, 1, 255]);
      assert.equal(e.headers["content-type"], "application/octet-stream");
      e = await post({ json: { a: [1, 2] } });
      assert.equal(e.body, '{"a":[1,2]}');
      assert.equal(e.headers["content-type"], "application/json");
      e = await post({ json: 1, headers: { "Content-Type": "application/x-custom" } });
      assert.equal(e.headers["content-type"], "application/x-custom");
      async function* gen(): AsyncGenerator<Uint8Array> {
        yield Buffer.from("chunk1 ");
        await asyncio.sleep(0);
        yield Buffer.from("chunk2");
      }
      e = await post({ data: gen() });
      assert.equal(e.body, "chunk1 chunk2");
      assert.equal(e.headers["transfer-encoding"], "chunked");
      await assert.rejects(session.post(srv.url(), { data: "x", json: 1 }), {
        name: "RangeError",
        message: "data and json parameters can not be used at the same time",
      });
      await assert.rejects(session.post(srv.url(), { data: 5 as unknown as string }), { name: "TypeError" });
    });
  });
});

it("headers: the session's, overridden by the request's, repeated keys kept; invalid ones refused", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    const session = new ClientSession({ headers: { "X-Session": "s", "X-Both": "session" } });
    await session.with(async () => {
      const e = (await (
        await session.get(srv.url(), {
          headers: [
            ["X-Both", "req1"],
            ["x-both", "req2"],
          ],
        })
      ).json()) as Echo;
      assert.equal(e.headers["x-session"], "s");
      assert.equal(e.headers["x-both"], "req1, req2");
      await assert.rejects(session.get(srv.url(), { headers: { "X-Bad": "a\r\nInjected: 1" } }), {
        code: "ERR_INVALID_CHAR",
      });
    });
  });
});

it("CIMultiDict: case-insensitive, ordered, multi-valued", () => {
  const d = new CIMultiDict([
    ["Content-Type", "text/plain"],
    ["Set-Cookie", "a=1"],
    ["set-cookie", "b=2"],
  ]);
  assert.equal(d.get("CONTENT-type"), "text/plain");
  assert.deepEqual(d.getall("Set-Cookie"), ["a=1", "b=2"]);
  assert.deepEqual([...d], ["Content-Type", "Set-Cookie", "set-cookie"]);
  assert.equal(d.size, 3);
  d.set("SET-COOKIE", "c=3");
  assert.deepEqual(d.items(), [
    ["Content-Type", "text/plain"],
    ["SET-COOKIE", "c=3"],
  ]);
  assert.throws(() => d.getone("nope"), { name: "RangeError", message: "KeyError: 'nope'" });
  assert.equal(d.getone("nope", "dflt"), "dflt");
  assert.equal(String(d), "<CIMultiDict('Content-Type': 'text/plain', 'SET-COOKIE': 'c=3')>");
});

it("content: read(n), readline(), readexactly(), iterChunked(), iterAny(), for await by line", async (t) => {
  const body = "line 1\nline 2\nline 3\n" + "x".repeat(1000);
  const srv = await startHttp(t, (_req, res) => {
    res.end(body);
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      await session.get(srv.url()).with(async (resp) => {
        assert.equal(String(await resp.content.readline()), "line 1\n");
        assert.equal(String(await resp.content.readexactly(4)), "line");
        assert.equal(String(await resp.content.read(3)), " 2\n");
        const lines: string[] = [];
        for await (const line of resp.content) lines.push(String(line));
        assert.deepEqual(lines, ["line 3\n", "x".repeat(1000)]);
        assert.equal(resp.content.atEof(), true);
        assert.equal(resp.content.totalBytes, body.length);
      });
      await session.get(srv.url()).with(async (resp) => {
        const sizes: number[] = [];
        for await (const chunk of resp.content.iterChunked(300)) sizes.push(chunk.length);
        assert.ok(sizes.every((n) => n <= 300));
        assert.equal(
          sizes.reduce((a, b) => a + b, 0),
          body.length,
        );
      });
      await session.get(srv.url()).with(async (resp) => {
        let n = 0;
        for await (const chunk of resp.content.iterAny()) n += chunk.length;
        assert.equal(n, body.length);
        await assert.rejects(resp.content.readexactly(1), { name: "IncompleteReadError" });
      });
    });
  });
});

it("text(): the charset of Content-Type, UTF-8 by default, or the encoding given", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/latin1") res.setHeader("Content-Type", "text/plain; charset=iso-8859-1");
    res.end(Buffer.from("caf\xe9", "latin1"));
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      assert.equal(await (await session.get(srv.url("/latin1"))).text(), "café");
      assert.equal(await (await session.get(srv.url("/"))).text(), "caf\ufffd");
      assert.equal(await (await session.get(srv.url("/"))).text("latin-1"), "café");
      await assert.rejects((await session.get(srv.url("/"))).text("no-such-codec"), {
        name: "RangeError",
        message: "unknown encoding: no-such-codec",
      });
    });
  });
});

it("json(): ContentTypeError for another mimetype, null for an empty body, contentType: null skips", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/empty") {
      res.setHeader("Content-Type", "application/json");
      res.end("  ");
      return;
    }
    if (req.url === "/vnd") {
      res.setHeader("Content-Type", "application/vnd.api+json");
      res.end('{"v":1}');
      return;
    }
    res.setHeader("Content-Type", "text/html");
    res.end('{"a":1}');
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const err = await (await session.get(srv.url("/html"))).json().then(
        () => assert.fail("no error"),
        (e: unknown) => e,
      );
      assert.ok(
        err instanceof ContentTypeError && err instanceof ClientResponseError && err instanceof ClientError,
      );
      assert.equal(err.message, "Attempt to decode JSON with unexpected mimetype: text/html");
      assert.equal(err.status, 0);
      assert.equal(
        String(err),
        `0, message='Attempt to decode JSON with unexpected mimetype: text/html', url='${srv.url("/html")}'`,
      );
      assert.deepEqual(await (await session.get(srv.url("/html"))).json({ contentType: null }), { a: 1 });
      assert.equal(await (await session.get(srv.url("/empty"))).json(), null);
      assert.deepEqual(await (await session.get(srv.url("/vnd"))).json(), { v: 1 });
    });
  });
});

it("redirects: followed with history, 303 turns a POST into a GET, allowRedirects: false, TooManyRedirects", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    const u = req.url ?? "/";
    if (u.startsWith("/r/")) {
      const n = Number(u.slice(3));
      res.writeHead(302, { Location: n > 1 ? `/r/${n - 1}` : "/end" });
      res.end();
    } else if (u === "/see-other") {
      res.writeHead(303, { Location: "/end" });
      res.end();
    } else if (u === "/no-location") {
      res.writeHead(301);
      res.end("moved?");
    } else if (u === "/bad-scheme") {
      res.writeHead(302, { Location: "ftp://example.com/" });
      res.end();
    } else {
      res.end(`${req.method ?? ""} ${u}`);
    }
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url("/r/3"));
      assert.equal(await resp.text(), "GET /end");
      assert.deepEqual(
        resp.history.map((r) => [r.status, r.url.pathname]),
        [
          [302, "/r/3"],
          [302, "/r/2"],
          [302, "/r/1"],
        ],
      );
      assert.equal(resp.url.pathname, "/end");
      assert.equal(await (await session.post(srv.url("/see-other"), { data: "x" })).text(), "GET /end");
      const stay = await session.get(srv.url("/r/1"), { allowRedirects: false });
      assert.equal(stay.status, 302);
      assert.equal(stay.headers.get("location"), "/end");
      stay.release();
      const noLocation = await session.get(srv.url("/no-location"));
      assert.equal(noLocation.status, 301);
      assert.equal(await noLocation.text(), "moved?");
      const err = await session.get(srv.url("/r/20")).then(
        () => assert.fail("no error"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TooManyRedirects && err instanceof ClientResponseError);
      assert.equal(err.history.length, 10);
      assert.equal(String(err), `0, message='', url='${srv.url("/r/20")}'`);
      assert.equal(
        (await session.get(srv.url("/r/3"), { maxRedirects: 3 }).catch((e: unknown) => e)) instanceof
          TooManyRedirects,
        true,
      );
      assert.equal((await session.get(srv.url("/r/3"), { maxRedirects: 4 })).status, 200);
      await assert.rejects(session.get(srv.url("/bad-scheme")), {
        name: "RangeError",
        message: "Can redirect only to http or https",
      });
      // Every redirect response was released: nothing holds a pool slot.
      assert.equal(acquired(session), 0);
    });
  });
});

it("raiseForStatus: the response's, the session's, a request's override; ClientResponseError's fields", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    res.statusCode = req.url === "/ok" ? 200 : 404;
    res.setHeader("X-Why", "because");
    res.end("body");
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url("/missing"));
      assert.equal(resp.ok, false);
      const err = (() => {
        try {
          resp.raiseForStatus();
        } catch (e) {
          return e;
        }
        return null;
      })();
      assert.ok(err instanceof ClientResponseError);
      assert.equal(err.status, 404);
      assert.equal(err.message, "Not Found");
      assert.equal(err.headers?.get("x-why"), "because");
      assert.equal(err.requestInfo.method, "GET");
      assert.equal(err.requestInfo.url.href, srv.url("/missing"));
      assert.equal(String(err), `404, message='Not Found', url='${srv.url("/missing")}'`);
      (await session.get(srv.url("/ok"))).raiseForStatus();
      await assert.rejects(session.get(srv.url("/x"), { raiseForStatus: true }), {
        name: "ClientResponseError",
        status: 404,
      });
    });
    await new ClientSession({ raiseForStatus: true }).with(async (session) => {
      await assert.rejects(session.get(srv.url("/x")), { status: 404 });
      assert.equal((await session.get(srv.url("/x"), { raiseForStatus: false })).status, 404);
      const seen: number[] = [];
      await session.get(srv.url("/x"), {
        raiseForStatus: (r) => {
          seen.push(r.status);
        },
      });
      assert.deepEqual(seen, [404]);
    });
  });
});

it("cookies: the default jar ignores IP hosts as aiohttp's does; an unsafe jar stores and sends them", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/set") {
      res.setHeader("Set-Cookie", ["a=1; Path=/", "b=2; Path=/sub", "gone=x; Max-Age=0", "sec=1; Secure"]);
    }
    res.end(req.headers.cookie ?? "");
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      await (await session.get(srv.url("/set"))).read();
      assert.equal(session.cookieJar.size, 0);
      assert.equal(await (await session.get(srv.url("/"))).text(), "");
    });
    await new ClientSession({ cookieJar: new CookieJar({ unsafe: true }) }).with(async (session) => {
      const resp = await session.get(srv.url("/set"));
      assert.deepEqual([...resp.cookies.keys()], ["a", "b", "gone", "sec"]);
      await resp.read();
      assert.deepEqual([...session.cookieJar].map((m) => m.key).sort(), ["a", "b", "sec"]);
      assert.equal(await (await session.get(srv.url("/"))).text(), "a=1");
      assert.equal(await (await session.get(srv.url("/sub/x"))).text(), "a=1; b=2");
      assert.equal(
        await (await session.get(srv.url("/"), { cookies: { extra: "e" } })).text(),
        "a=1; extra=e",
      );
      session.cookieJar.clear();
      assert.equal(await (await session.get(srv.url("/"))).text(), "");
    });
    await new ClientSession({ cookieJar: new DummyCookieJar(), cookies: { shared: "s" } }).with(
      async (session) => {
        await (await session.get(srv.url("/set"))).read();
        assert.equal(await (await session.get(srv.url("/"))).text(), "");
      },
    );
    await new ClientSession({ cookies: { shared: "s" } }).with(async (session) => {
      assert.equal(await (await session.get(srv.url("/"))).text(), "shared=s");
    });
  });
});

it("content decoding: gzip, deflate (zlib and raw), br; autoDecompress: false keeps the bytes", async (t) => {
  const text = "decoded ".repeat(5000);
  const srv = await startHttp(t, (req, res) => {
    const encodings: Record<string, [string, Buffer]> = {
      "/gzip": ["gzip", zlib.gzipSync(text)],
      "/deflate": ["deflate", zlib.deflateSync(text)],
      "/raw": ["deflate", zlib.deflateRawSync(text)],
      "/br": ["br", zlib.brotliCompressSync(text)],
      "/empty": ["gzip", Buffer.alloc(0)],
      "/broken": ["gzip", Buffer.from("not gzip at all")],
    };
    const [enc, body] = encodings[req.url ?? ""] ?? ["identity", Buffer.from(text)];
    res.setHeader("Content-Encoding", enc);
    res.end(body);
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      for (const p of ["/gzip", "/deflate", "/raw", "/br"]) {
        const resp = await session.get(srv.url(p));
        assert.equal(await resp.text(), text, p);
        assert.ok(resp.headers.get("content-encoding") !== null);
      }
      assert.equal(await (await session.get(srv.url("/empty"))).text(), "");
      await assert.rejects((await session.get(srv.url("/broken"))).read(), {
        name: "ClientPayloadError",
        message: "Can not decode content-encoding: gzip",
      });
    });
    await new ClientSession({ autoDecompress: false }).with(async (session) => {
      const raw = await (await session.get(srv.url("/gzip"))).read();
      assert.equal(zlib.gunzipSync(raw).toString(), text);
    });
  });
});

it("BasicAuth: the session's or a request's, or credentials in the URL; combined, a RangeError", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    const auth = new BasicAuth("user", "pass");
    assert.equal(auth.encode(), `Basic ${Buffer.from("user:pass").toString("base64")}`);
    assert.deepEqual(BasicAuth.decode(auth.encode()), auth);
    assert.throws(() => new BasicAuth("a:b"), {
      name: "RangeError",
      message: 'A ":" is not allowed in login (RFC 1945#section-11.1)',
    });
    await new ClientSession({ auth }).with(async (session) => {
      const header = async (url: string, options = {}): Promise<string | undefined> =>
        ((await (await session.get(url, options)).json()) as Echo).headers.authorization;
      assert.equal(await header(srv.url()), auth.encode());
      assert.equal(
        await header(srv.url(), { auth: new BasicAuth("other") }),
        new BasicAuth("other").encode(),
      );
      const withCreds = srv.url().replace("http://", "http://u%20x:p@");
      assert.equal(await header(withCreds), new BasicAuth("u x", "p").encode());
      await assert.rejects(session.get(withCreds, { auth }), {
        name: "RangeError",
        message: "Cannot combine AUTH argument with credentials encoded in URL",
      });
      await assert.rejects(session.get(srv.url(), { headers: { Authorization: "Bearer x" } }), {
        name: "RangeError",
        message: "Cannot combine AUTHORIZATION header with AUTH argument or credentials encoded in URL",
      });
    });
  });
});

it("bad input: InvalidURL, a closed session, a bad baseUrl, bad timeouts and connectors", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    const session = new ClientSession();
    for (const bad of ["/relative", "not a url", "ftp://example.com/", "http://"]) {
      const err = await session.get(bad).then(
        () => assert.fail(`no error for ${bad}`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof InvalidURL && err instanceof ClientError, bad);
    }
    const e = (await session.get("/relative").catch((x: unknown) => x)) as InvalidURL;
    assert.equal(e.message, "/relative");
    assert.equal(e.url, "/relative");
    await assert.rejects(session.get(42 as unknown as string), { name: "TypeError" });
    await session.close();
    assert.equal(session.closed, true);
    await assert.rejects(session.get(srv.url()), { name: "RuntimeError", message: "Session is closed" });
    assert.throws(() => new ClientSession({ baseUrl: srv.url("/path") }), {
      name: "RangeError",
      message: "Only absolute URLs without path part are supported",
    });
    assert.throws(() => new ClientTimeout({ total: -1 }), { name: "RangeError" });
    assert.throws(() => new TCPConnector({ limit: -1 }), { name: "RangeError" });
    assert.throws(() => new ClientSession({ timeout: 5 as unknown as ClientTimeout }), { name: "TypeError" });
    assert.throws(() => session.get(srv.url()).with(5 as never), { name: "TypeError" });
  });
});

it("baseUrl: request paths are joined to it", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession({ baseUrl: srv.url() }).with(async (session) => {
      assert.equal(((await (await session.get("/x/y?q=1")).json()) as Echo).url, "/x/y?q=1");
      await assert.rejects(session.get("http://example.com/"), { name: "RangeError" });
    });
  });
});

it("connection errors: refused is ClientConnectorError, a server closing without a response ServerDisconnectedError", async (t) => {
  const srv = await startHttp(t, (req) => {
    req.socket.destroy();
  });
  const closed = await startHttp(t, () => undefined);
  const port = closed.port;
  await new Promise<void>((resolve) => {
    closed.server.close(() => {
      resolve();
    });
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const err = await session.get(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
      assert.ok(err instanceof ClientConnectorError && err instanceof ClientConnectionError);
      assert.equal(
        err.message,
        `Cannot connect to host 127.0.0.1:${port} ssl:default [Connect call failed ('127.0.0.1', ${port})]`,
      );
      assert.equal(err.host, "127.0.0.1");
      assert.equal(err.port, port);
      const err2 = await session.get(srv.url()).catch((e: unknown) => e);
      assert.ok(err2 instanceof ServerDisconnectedError, String(err2));
      assert.equal(err2.message, "Server disconnected");
      assert.equal(acquired(session), 0);
    });
  });
});

it("keep-alive: sequential requests reuse connections; leaving .with() closes them", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      for (let i = 0; i < 20; i++) await (await session.get(srv.url())).read();
      // undici frees a connection for reuse one setImmediate after its response ends, so a request
      // sent at once opens a second one (undici.request and fetch do the same); never more.
      assert.ok(srv.sockets.length <= 2, `${srv.sockets.length} connections`);
      assert.equal(srv.openSockets, srv.sockets.length);
    });
    await srv.socketsClosed(srv.sockets.length);
    assert.equal(srv.openSockets, 0);
  });
});

it("release() before the body is read closes the connection; the content then raises", async (t) => {
  const srv = await startHttp(t, (_req, res) => {
    res.write("partial");
    // Never ends.
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url());
      assert.equal(String(await resp.content.read(7)), "partial");
      resp.release();
      assert.equal(acquired(session), 0);
      await assert.rejects(resp.content.read(), {
        name: "ClientConnectionError",
        message: "Connection closed",
      });
      await srv.socketsClosed(1);
      // Leaving .with() of a response releases it too.
      await session.get(srv.url()).with(async (r) => {
        assert.equal(String(await r.content.read(7)), "partial");
      });
      await srv.socketsClosed(2);
      assert.equal(acquired(session), 0);
    });
  });
});

it("lazy: a request sends nothing until awaited; waitFor(session.get(url), 0) sends nothing", async (t) => {
  const srv = await echo(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const pending = session.get(srv.url());
      await asyncio.sleep(0.05);
      assert.equal(srv.requests, 0);
      await assert.rejects(asyncio.waitFor(session.get(srv.url()), 0), { name: "TimeoutError" });
      await asyncio.sleep(0.05);
      assert.equal(srv.requests, 0);
      assert.equal((await pending).status, 200);
      assert.equal(srv.requests, 1);
      const task = asyncio.createTask(session.get(srv.url()));
      assert.equal((await task).status, 200);
    });
  });
});

it("unclosed client session: reported through the loop's exception handler when the loop closes", async (t) => {
  const srv = await echo(t);
  const reports: Record<string, unknown>[] = [];
  let leaked: ClientSession | null = null;
  await asyncio.run(async () => {
    asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
      reports.push({ ...context });
    });
    leaked = new ClientSession();
    await (await leaked.get(srv.url())).read();
    // A closed session is not reported.
    await new ClientSession().with(async () => undefined);
  });
  const [report, ...more] = reports;
  assert.deepEqual(more, []);
  assert.equal(report?.message, "Unclosed client session");
  assert.equal(report.client_session, leaked);
  // Its connections were closed with the loop.
  await srv.socketsClosed(1);
});

it("unclosed client session: the default handler prints it on stderr", async () => {
  const program = `
    import * as asyncio from "./src/index.ts";
    import { ClientSession } from "./src/http/index.ts";
    await asyncio.run(async () => { new ClientSession(); });
  `;
  const { stderr } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", program], {
    cwd: ROOT,
  });
  assert.equal(stderr, "Unclosed client session\nclient_session: <ClientSession>\n");
});

it("importing asyncio-ts never loads undici; asyncio-ts/http does", async () => {
  const probe = (entry: string): string => `
    import { registerHooks } from "node:module";
    const seen = [];
    registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
    await import(${JSON.stringify(entry)});
    console.log(JSON.stringify(seen.filter((u) => /node_modules\\/(undici|ws)\\//.test(u)).length));
  `;
  const run = async (entry: string): Promise<number> => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--input-type=module", "-e", probe(entry)],
      {
        cwd: ROOT,
      },
    );
    return Number(stdout.trim());
  };
  assert.equal(await run("./src/index.ts"), 0);
  assert.ok((await run("./src/http/index.ts")) > 0);
});
