// loop.getaddrinfo() and loop.getnameinfo() (src/dns.ts) against what CPython 3.13 returns on Linux for the same
// calls (printed by `python3 -c "import asyncio; ... await loop.getaddrinfo(...)"`). Loopback names and literals
// only: no test needs a network.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { runNet } from "./helpers/net.ts";

const { socket } = asyncio;
const { AF_INET, AF_INET6, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW } = socket;
const loop = (): asyncio.BaseEventLoop => asyncio.getRunningLoop();

/** An assert.rejects() check for a gaierror with Python's message. */
function gai(errno: number, text: string) {
  return (e: unknown): boolean => {
    const err = e as asyncio.GaiError;
    assert.equal(err.name, "gaierror");
    assert.equal(err.message, `[Errno ${errno}] ${text}`);
    assert.equal(err.errno, errno);
    assert.deepEqual(err.args, [errno, text]);
    return true;
  };
}

describe(
  "loop.getaddrinfo",
  { skip: process.platform !== "linux" ? "the constants pinned are Linux's" : false },
  () => {
    it("a literal: one entry per socket type, CPython's (family, type, proto, canonname, sockaddr)", () =>
      runNet(async () => {
        assert.deepEqual(await loop().getaddrinfo("127.0.0.1", 80), [
          [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]],
          [AF_INET, SOCK_DGRAM, 17, "", ["127.0.0.1", 80]],
          [AF_INET, SOCK_RAW, 0, "", ["127.0.0.1", 80]],
        ]);
        assert.deepEqual(await loop().getaddrinfo("::1", 53, { type: SOCK_DGRAM }), [
          [AF_INET6, SOCK_DGRAM, 17, "", ["::1", 53, 0, 0]],
        ]);
        assert.deepEqual(await loop().getaddrinfo("127.0.0.1", 80, { proto: socket.IPPROTO_UDP }), [
          [AF_INET, SOCK_DGRAM, 17, "", ["127.0.0.1", 80]],
        ]);
        assert.deepEqual(await loop().getaddrinfo("127.0.0.1", "80", { type: SOCK_STREAM }), [
          [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]],
        ]);
        assert.deepEqual(await loop().getaddrinfo("127.0.0.1", null, { type: SOCK_STREAM }), [
          [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 0]],
        ]);
        assert.deepEqual(
          await loop().getaddrinfo("127.0.0.1", 80, { type: SOCK_STREAM, flags: socket.AI_CANONNAME }),
          [[AF_INET, SOCK_STREAM, 6, "127.0.0.1", ["127.0.0.1", 80]]],
        );
      }));

    it("localhost through node:dns; no host: the loopback or (AI_PASSIVE) the wildcard addresses", () =>
      runNet(async () => {
        const infos = await loop().getaddrinfo("localhost", 80, { type: SOCK_STREAM, family: AF_INET });
        assert.deepEqual(infos, [[AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]]]);
        assert.deepEqual(
          await loop().getaddrinfo(null, 80, { type: SOCK_STREAM, flags: socket.AI_PASSIVE }),
          [
            [AF_INET, SOCK_STREAM, 6, "", ["0.0.0.0", 80]],
            [AF_INET6, SOCK_STREAM, 6, "", ["::", 80, 0, 0]],
          ],
        );
        assert.deepEqual(await loop().getaddrinfo(null, 80, { type: SOCK_STREAM }), [
          [AF_INET6, SOCK_STREAM, 6, "", ["::1", 80, 0, 0]],
          [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 80]],
        ]);
      }));

    it("a service name comes from /etc/services, per protocol", () =>
      runNet(async () => {
        assert.deepEqual(await loop().getaddrinfo("127.0.0.1", "domain"), [
          [AF_INET, SOCK_STREAM, 6, "", ["127.0.0.1", 53]],
          [AF_INET, SOCK_DGRAM, 17, "", ["127.0.0.1", 53]],
        ]);
        await assert.rejects(
          loop().getaddrinfo("127.0.0.1", "nosuchservice"),
          gai(-8, "Servname not supported for ai_socktype"),
        );
        await assert.rejects(
          loop().getaddrinfo("127.0.0.1", "domain", { flags: socket.AI_NUMERICSERV }),
          gai(-2, "Name or service not known"),
        );
      }));

    it("errors: CPython's gaierrors and TypeErrors", () =>
      runNet(async () => {
        await assert.rejects(loop().getaddrinfo("nonexistent.invalid", 80), (e: unknown) => {
          gai(-2, "Name or service not known")(e);
          assert.equal((e as asyncio.GaiError).code, "ENOTFOUND");
          return true;
        });
        await assert.rejects(
          loop().getaddrinfo("127.0.0.1", 80, { family: 12345 }),
          gai(-6, "ai_family not supported"),
        );
        await assert.rejects(
          loop().getaddrinfo("127.0.0.1", -1),
          gai(-8, "Servname not supported for ai_socktype"),
        );
        await assert.rejects(
          loop().getaddrinfo("::1", 80, { family: AF_INET }),
          gai(-9, "Address family for hostname not supported"),
        );
        await assert.rejects(
          loop().getaddrinfo("localhost", 80, { flags: socket.AI_NUMERICHOST }),
          gai(-2, "Name or service not known"),
        );
        await assert.rejects(loop().getaddrinfo(null, null), gai(-2, "Name or service not known"));
        await assert.rejects(
          loop().getaddrinfo("127.0.0.1", 80, { type: SOCK_STREAM, proto: 17 }),
          gai(-7, "ai_socktype not supported"),
        );
        await assert.rejects(loop().getaddrinfo(123 as unknown as string, 80), {
          name: "TypeError",
          message: "getaddrinfo() argument 1 must be string or None",
        });
        await assert.rejects(loop().getaddrinfo("127.0.0.1", 1.5), {
          name: "TypeError",
          message: "Int or String expected",
        });
        await assert.rejects(loop().getaddrinfo("127.0.0.1", 80, { flags: "x" as unknown as number }), {
          name: "TypeError",
          message: "flags must be an integer (a socket constant), got x",
        });
      }));

    it("is lazy: nothing is looked up until it is awaited", () =>
      runNet(async () => {
        const x = loop().getaddrinfo("localhost", 80);
        assert.ok(asyncio.iscoroutine(x));
        assert.equal(x.name, "BaseEventLoop.getaddrinfo");
        assert.equal(x.started(), false);
        x.close();
      }));
  },
);

describe(
  "loop.getnameinfo",
  { skip: process.platform !== "linux" ? "the constants pinned are Linux's" : false },
  () => {
    it("host and service, as CPython's", () =>
      runNet(async () => {
        assert.deepEqual(await loop().getnameinfo(["127.0.0.1", 80]), ["localhost", "http"]);
        assert.deepEqual(await loop().getnameinfo(["127.0.0.1", 5555]), ["localhost", "5555"]);
        assert.deepEqual(
          await loop().getnameinfo(["127.0.0.1", 80], socket.NI_NUMERICHOST | socket.NI_NUMERICSERV),
          ["127.0.0.1", "80"],
        );
        // No name for ::1 here (/etc/hosts may not list it): the numeric host, unless NI_NAMEREQD.
        const [host6, service6] = await loop().getnameinfo(["::1", 53, 0, 0], socket.NI_DGRAM);
        assert.ok(host6 === "::1" || host6 === "localhost" || host6 === "ip6-localhost", host6);
        assert.equal(service6, "domain");
      }));

    it("errors: CPython's", () =>
      runNet(async () => {
        await assert.rejects(
          loop().getnameinfo(["192.0.2.1", 80], socket.NI_NAMEREQD),
          gai(-2, "Name or service not known"),
        );
        await assert.rejects(
          loop().getnameinfo(["nonexistent.invalid", 80]),
          gai(-2, "Name or service not known"),
        );
        await assert.rejects(loop().getnameinfo(["127.0.0.1"] as unknown as [string, number]), {
          name: "TypeError",
          message: "getnameinfo(): illegal sockaddr argument",
        });
        await assert.rejects(loop().getnameinfo("127.0.0.1" as unknown as [string, number]), {
          name: "TypeError",
          message: "getnameinfo() argument 1 must be a tuple",
        });
        await assert.rejects(loop().getnameinfo(["127.0.0.1", "80"] as unknown as [string, number]), {
          name: "TypeError",
          message: "'str' object cannot be interpreted as an integer",
        });
      }));
  },
);
