// asyncio-ts/http over TLS: an https server on 127.0.0.1 with a self-signed certificate (for
// IP:127.0.0.1 and DNS:localhost) made once with the openssl CLI. The default setting verifies and
// refuses it (ClientConnectorCertificateError); `ssl: false` skips verification (aiohttp's
// ssl=False); trusting the certificate as a CA, per connector or per request, verifies it.
import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import https from "node:https";
import type net from "node:net";
import tls from "node:tls";
import {
  ClientConnectorCertificateError,
  ClientConnectorError,
  ClientSession,
  TCPConnector,
} from "../src/http/index.ts";
import { runHttp } from "./helpers/http.ts";
import { selfSignedCertificate } from "./helpers/tls.ts";

let cert: Buffer;
let server: https.Server;
let port = 0;
const sockets: net.Socket[] = [];

before(async () => {
  const made = selfSignedCertificate();
  cert = made.cert;
  server = https.createServer({ key: made.key, cert }, (req, res) => {
    res.end(`secure ${req.url ?? ""}`);
  });
  server.on("secureConnection", (s: net.Socket) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as net.AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
});

const url = (p = "/"): string => `https://127.0.0.1:${port}${p}`;

it("the default setting verifies the certificate: a self-signed one is refused", async () => {
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const err = await session.get(url()).catch((e: unknown) => e);
      assert.ok(
        err instanceof ClientConnectorCertificateError && err instanceof ClientConnectorError,
        String(err),
      );
      assert.match(
        err.message,
        new RegExp(`^Cannot connect to host 127\\.0\\.0\\.1:${port} ssl:default \\[self-signed certificate`),
      );
      assert.equal(err.errno, "DEPTH_ZERO_SELF_SIGNED_CERT");
    });
  });
});

it("ssl: false skips verification, per request or for the connector", async () => {
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      assert.equal(await (await session.get(url("/a"), { ssl: false })).text(), "secure /a");
    });
    await new ClientSession({ connector: new TCPConnector({ ssl: false }) }).with(async (session) => {
      assert.equal(await (await session.get(url("/b"))).text(), "secure /b");
    });
  });
});

it("ssl with the certificate as CA (options or a SecureContext) verifies it", async () => {
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      assert.equal(await (await session.get(url("/c"), { ssl: { ca: cert } })).text(), "secure /c");
      const context = tls.createSecureContext({ ca: cert });
      assert.equal(await (await session.get(url("/d"), { ssl: context })).text(), "secure /d");
      await assert.rejects(session.get(url(), { ssl: "yes" as never }), { name: "TypeError" });
    });
  });
  // Leaving the sessions closed every TLS connection.
  assert.ok(sockets.length >= 2);
  for (let i = 0; i < 100 && sockets.some((s) => !s.destroyed); i++)
    await new Promise((r) => setImmediate(r));
  assert.ok(sockets.every((s) => s.destroyed));
});
