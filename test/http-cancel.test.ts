// asyncio-ts/http: cancellation reaches the request (the server sees its connection close and the
// pool slot is free again), ClientTimeout's total, connect and sockRead, the connector's limit and
// limitPerHost under 200 concurrent requests, back-pressure on a slow reader, and a connection
// that breaks mid-body. Real node:http servers on 127.0.0.1; every test is bounded by a timeout.
import { it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import v8 from "node:v8";
import vm from "node:vm";
import * as asyncio from "../src/index.ts";
import {
  ClientConnectionError,
  ClientPayloadError,
  ClientSession,
  ClientTimeout,
  ServerTimeoutError,
  TCPConnector,
} from "../src/http/index.ts";
import { assertCancelled } from "./helpers/index.ts";
import { later, runHttp, startHttp, type TestServer } from "./helpers/http.ts";

function acquired(session: ClientSession): number {
  const connector: TCPConnector | null = session.connector;
  return connector === null ? -1 : connector._acquired;
}

/** A server that never answers (the request stays in flight). */
function silent(t: Parameters<typeof startHttp>[0]): Promise<TestServer> {
  return startHttp(t, () => undefined);
}

/** A server that sends its head and one chunk, then nothing more. */
function stalling(t: Parameters<typeof startHttp>[0]): Promise<TestServer> {
  return startHttp(t, (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write("first chunk\n");
  });
}

it("cancelling the task awaiting the response aborts the request: the server sees the connection close", async (t) => {
  const srv = await silent(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const task = asyncio.createTask(session.get(srv.url()));
      while (srv.requests === 0) await asyncio.sleep(0.005);
      task.cancel();
      await assertCancelled(task);
      await srv.socketsClosed(1);
      assert.equal(acquired(session), 0);
    });
  });
});

it("cancelling the task reading the body closes the connection", async (t) => {
  const srv = await stalling(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url());
      assert.equal(String(await resp.content.readline()), "first chunk\n");
      const reader = asyncio.createTask(resp.text());
      await asyncio.sleep(0.02);
      reader.cancel();
      await assertCancelled(reader);
      await srv.socketsClosed(1);
      assert.equal(acquired(session), 0);
      assert.equal(resp.closed, true);
    });
  });
});

it("waitFor and timeout() around a request or a body read abort it at their deadline", async (t) => {
  const quiet = await silent(t);
  const slow = await stalling(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      await assert.rejects(asyncio.waitFor(session.get(quiet.url()), 0.05), asyncio.TimeoutError);
      await quiet.socketsClosed(1);
      await assert.rejects(
        asyncio.timeout(0.05).with(async () => (await session.get(slow.url())).read()),
        asyncio.TimeoutError,
      );
      await slow.socketsClosed(1);
      assert.equal(acquired(session), 0);
    });
  });
});

it("a failing TaskGroup sibling cancels a request in flight", async (t) => {
  const srv = await silent(t);
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const err = await new asyncio.TaskGroup()
        .with(async (tg) => {
          tg.createTask(session.get(srv.url()));
          tg.createTask(async () => {
            while (srv.requests === 0) await asyncio.sleep(0.005);
            throw new Error("sibling failed");
          });
        })
        .catch((e: unknown) => e);
      assert.ok(err instanceof asyncio.ExceptionGroup);
      assert.equal((err.exceptions[0] as Error).message, "sibling failed");
      await srv.socketsClosed(1);
      assert.equal(acquired(session), 0);
    });
  });
});

it("ClientTimeout total: a TimeoutError for the request, and for the body read afterwards", async (t) => {
  const quiet = await silent(t);
  const slow = await stalling(t);
  await runHttp(async () => {
    await new ClientSession({ timeout: new ClientTimeout({ total: 0.1 }) }).with(async (session) => {
      const loop = asyncio.getRunningLoop();
      const start = loop.time();
      const err = await session.get(quiet.url()).catch((e: unknown) => e);
      assert.ok(err instanceof asyncio.TimeoutError && !(err instanceof ServerTimeoutError), String(err));
      assert.ok(loop.time() - start >= 0.09);
      await quiet.socketsClosed(1);
      // The total also bounds reading the body.
      const resp = await session.get(slow.url());
      await assert.rejects(resp.read(), asyncio.TimeoutError);
      await slow.socketsClosed(1);
      // A request's own timeout overrides the session's.
      await assert.rejects(session.get(quiet.url(), { timeout: 0.02 }), asyncio.TimeoutError);
      assert.equal(acquired(session), 0);
    });
    assert.equal(new ClientSession().timeout.total, 300);
  });
});

it("ClientTimeout sockRead: a pause longer than it between pieces raises ServerTimeoutError", async (t) => {
  const srv = await startHttp(t, (_req, res) => {
    res.writeHead(200);
    // Three pieces 30 ms apart, then silence.
    void (async () => {
      for (let i = 0; i < 3; i++) {
        res.write(`piece ${i}\n`);
        await later(30);
      }
    })();
  });
  await runHttp(async () => {
    await new ClientSession({ timeout: new ClientTimeout({ sockRead: 0.15 }) }).with(async (session) => {
      const resp = await session.get(srv.url());
      const lines: string[] = [];
      const err = await (async () => {
        for await (const line of resp.content) lines.push(String(line));
      })().catch((e: unknown) => e);
      assert.deepEqual(lines, ["piece 0\n", "piece 1\n", "piece 2\n"]);
      assert.ok(
        err instanceof ServerTimeoutError &&
          err instanceof asyncio.TimeoutError &&
          err instanceof ClientConnectionError,
      );
      assert.equal(err.message, "Timeout on reading data from socket");
      await srv.socketsClosed(1);
    });
  });
});

it("ClientTimeout connect: waiting for a pool slot counts, and raises ServerTimeoutError", async (t) => {
  const srv = await silent(t);
  await runHttp(async () => {
    const connector = new TCPConnector({ limit: 1 });
    await new ClientSession({ connector, timeout: new ClientTimeout({ connect: 0.05, total: 5 }) }).with(
      async (session) => {
        const first = asyncio.createTask(session.get(srv.url()));
        while (srv.requests === 0) await asyncio.sleep(0.005);
        const err = await session.get(srv.url("/second")).catch((e: unknown) => e);
        assert.ok(err instanceof ServerTimeoutError, String(err));
        assert.equal(err.message, `Connection timeout to host ${srv.url("/second")}`);
        assert.equal(srv.requests, 1);
        first.cancel();
        await assertCancelled(first);
        assert.equal(connector._acquired, 0);
      },
    );
  });
});

it("limit: 200 concurrent requests, the server never sees more than `limit` at once", async (t) => {
  const srv = await startHttp(t, (_req, res) => {
    void later(10).then(() => res.end("ok"));
  });
  await runHttp(async () => {
    await new ClientSession({ connector: new TCPConnector({ limit: 10 }) }).with(async (session) => {
      const get = asyncio.coroutine("get", async () => (await session.get(srv.url())).text());
      const results = await asyncio.gather(...Array.from({ length: 200 }, () => get()));
      assert.equal(results.length, 200);
      assert.ok(results.every((r) => r === "ok"));
      assert.equal(srv.requests, 200);
      assert.equal(srv.maxActive, 10);
      assert.ok(srv.sockets.length <= 10, `${srv.sockets.length} connections`);
    });
  });
});

it("limitPerHost under a total limit: each host sees at most limitPerHost, both together at most limit", async (t) => {
  let active = 0;
  let maxActive = 0;
  const handler = (_req: unknown, res: { end(s: string): void }): void => {
    active++;
    maxActive = Math.max(maxActive, active);
    void later(10).then(() => {
      active--;
      res.end("ok");
    });
  };
  const a = await startHttp(t, handler);
  const b = await startHttp(t, handler);
  const c = await startHttp(t, handler);
  await runHttp(async () => {
    const connector = new TCPConnector({ limit: 7, limitPerHost: 3 });
    await new ClientSession({ connector }).with(async (session) => {
      const get = asyncio.coroutine("get", async (url: string) => (await session.get(url)).read());
      const servers = [a, b, c];
      await asyncio.gather(
        ...Array.from({ length: 200 }, (_, i) => get((servers[i % 3] as TestServer).url())),
      );
    });
  });
  for (const s of [a, b, c]) {
    assert.equal(s.maxActive, 3);
    assert.ok(s.sockets.length <= 3);
  }
  assert.equal(a.requests + b.requests + c.requests, 200);
  assert.equal(maxActive, 7);
});

it("a request cancelled while waiting for a pool slot never reaches the server", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/hold") void later(100).then(() => res.end("held"));
    else res.end("quick");
  });
  await runHttp(async () => {
    const connector = new TCPConnector({ limit: 1 });
    await new ClientSession({ connector }).with(async (session) => {
      const holder = asyncio.createTask(session.get(srv.url("/hold")));
      await asyncio.sleep(0.01);
      const waiting = asyncio.createTask(session.get(srv.url("/never")));
      await asyncio.sleep(0.01);
      waiting.cancel();
      await assertCancelled(waiting);
      assert.equal(await (await holder).text(), "held");
      assert.equal(await (await session.get(srv.url("/after"))).text(), "quick");
      assert.equal(srv.requests, 2);
    });
  });
});

it("back-pressure: a slow reader of a 100 MB body keeps memory flat (RSS grows by less than 32 MB)", async (t) => {
  const TOTAL = 100 * 2 ** 20;
  const CHUNK = Buffer.alloc(64 * 1024, 97);
  let serverWaits = 0;
  const srv = await startHttp(t, (_req, res) => {
    res.writeHead(200, { "Content-Length": String(TOTAL) });
    let sent = 0;
    const pump = (): void => {
      while (sent < TOTAL) {
        sent += CHUNK.length;
        if (!res.write(CHUNK)) {
          serverWaits++;
          res.once("drain", pump);
          return;
        }
      }
      res.end();
    };
    pump();
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const resp = await session.get(srv.url());
      // Let the server fill whatever it can before reading starts.
      await asyncio.sleep(0.2);
      // What is measured is the memory held, not garbage not yet collected (each socket read
      // allocates its own buffer): collect before each sample.
      v8.setFlagsFromString("--expose-gc");
      const gc = vm.runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;
      gc();
      const before = process.memoryUsage().rss;
      let peak = before;
      let received = 0;
      let reads = 0;
      let maxBuffered = 0;
      for (;;) {
        const m = /^<StreamReader (\d+) bytes/.exec(String(resp.content));
        maxBuffered = Math.max(maxBuffered, m === null ? 0 : Number(m[1]));
        const chunk = await resp.content.read(256 * 1024);
        if (chunk.length === 0) break;
        received += chunk.length;
        if (++reads % 8 === 0) {
          // A scavenge frees the young buffers already read.
          gc({ type: "minor" });
          peak = Math.max(peak, process.memoryUsage().rss);
          await asyncio.sleep(0.001);
        }
      }
      assert.equal(received, TOTAL);
      const grown = (peak - before) / 2 ** 20;
      assert.ok(grown < 32, `RSS grew by ${grown.toFixed(1)} MB`);
      // The reader pauses undici past 2 × 64 KiB: what it holds stays near that.
      assert.ok(maxBuffered <= 512 * 1024, `${maxBuffered} bytes buffered`);
      assert.ok(serverWaits > 0, "the server was never made to wait");
    });
  }, 30);
});

it("a server that resets the connection mid-body gives ClientPayloadError", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/short") {
      res.writeHead(200, { "Content-Length": "1000" });
      res.write("only this");
      void later(10).then(() => res.socket?.destroy());
      return;
    }
    res.writeHead(200);
    res.write("some of the body");
    void later(10).then(() => res.socket?.resetAndDestroy());
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      for (const p of ["/reset", "/short"]) {
        const resp = await session.get(srv.url(p));
        const err = await resp.read().catch((e: unknown) => e);
        assert.ok(err instanceof ClientPayloadError, `${p}: ${String(err)}`);
        assert.equal(err.message, "Response payload is not completed");
      }
      assert.equal(acquired(session), 0);
    });
  });
});

it("closing the session fails its requests in flight and closes their connections", async (t) => {
  const srv = await silent(t);
  await runHttp(async () => {
    const session = new ClientSession();
    const task = asyncio.createTask(session.get(srv.url()));
    while (srv.requests === 0) await asyncio.sleep(0.005);
    await session.close();
    const err = await task.then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof ClientConnectionError, String(err));
    await srv.socketsClosed(1);
  });
});

it("total timeouts of different lengths in flight together each fire at their own deadline", async (t) => {
  const srv = await startHttp(t, (req, res) => {
    if (req.url === "/slow") void later(150).then(() => res.end("slow"));
  });
  await runHttp(async () => {
    await new ClientSession().with(async (session) => {
      const loop = asyncio.getRunningLoop();
      const start = loop.time();
      const long = asyncio.createTask(session.get(srv.url("/slow"), { timeout: 5 }));
      const medium = asyncio.createTask(session.get(srv.url("/never"), { timeout: 0.3 }));
      const short = asyncio.createTask(session.get(srv.url("/never"), { timeout: 0.05 }));
      await assert.rejects(async () => short, asyncio.TimeoutError);
      const shortAt = loop.time() - start;
      await assert.rejects(async () => medium, asyncio.TimeoutError);
      const mediumAt = loop.time() - start;
      assert.ok(shortAt >= 0.045 && shortAt < 0.25, `short timed out after ${shortAt.toFixed(3)} s`);
      assert.ok(mediumAt >= 0.29 && mediumAt < 1, `medium timed out after ${mediumAt.toFixed(3)} s`);
      assert.equal(await (await long).text(), "slow");
    });
  });
});
