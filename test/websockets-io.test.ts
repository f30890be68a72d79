// asyncio-ts/websockets under load and at its edges, on 127.0.0.1: 1,000 clients echo and close
// with no socket left open; a cancelled recv() loses no message (fast-check: random schedules of
// sends, recv() bounded by waitFor, recv tasks cancelled before and after a message wakes them);
// TLS with certificates made by openssl; the reconnecting `for await (... of connect())` with
// back-off and processException; and importing the core never loads `ws`.
// Reproduce a property failure with FC_SEED=<seed>; FC_RUNS sets numRuns.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import ts from "typescript";
import * as asyncio from "../src/index.ts";
import { selfSignedCertificate } from "./helpers/tls.ts";
import {
  connect,
  ConnectionClosedOK,
  InvalidStatus,
  processException,
  Response,
  serve,
  type ClientConnection,
  type ServerConnection,
} from "../src/websockets/index.ts";
import { accepted, HOST, runWs, until, wsPort, wsUri } from "./helpers/websockets.ts";

const SEED = process.env.FC_SEED === undefined ? Date.now() % 0x7fffffff : Number(process.env.FC_SEED);
const NUM_RUNS = process.env.FC_RUNS === undefined ? 40 : Number(process.env.FC_RUNS);
const repo = fileURLToPath(new URL("..", import.meta.url));

const echo = async (ws: ServerConnection): Promise<void> => {
  for await (const message of ws) await ws.send(message);
};

describe("websockets: load", () => {
  it("1,000 clients connect, echo and close; no socket is left open", () =>
    runWs(async () => {
      let handled = 0;
      const handler = async (ws: ServerConnection): Promise<void> => {
        await echo(ws);
        handled++;
      };
      await serve(handler, HOST, 0).with(async (server) => {
        const uri = wsUri(server);
        const sem = new asyncio.Semaphore(100);
        let echoed = 0;
        const client = asyncio.coroutine("client", async (i: number) => {
          await sem.with(async () => {
            await connect(uri).with(async (ws) => {
              await ws.send(`hello ${String(i)}`);
              assert.equal(await ws.recv(), `hello ${String(i)}`);
              echoed++;
            });
          });
        });
        await new asyncio.TaskGroup().with((tg) => {
          for (let i = 0; i < 1000; i++) tg.createTask(client(i));
        });
        assert.equal(echoed, 1000);
        await until(() => handled === 1000, 5);
        assert.equal(server.connections.size, 0);
      });
    }, 60));
});

type Op =
  | { op: "send"; n: number }
  | { op: "recv" }
  | { op: "waitFor0" }
  | { op: "waitForShort" }
  | { op: "cancelTask"; steps: number }
  | { op: "cancelAfterSend"; steps: number; wait: number }
  | { op: "cancelAtWake" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("send" as const), n: fc.integer({ min: 1, max: 3 }) }),
  fc.constant({ op: "recv" as const }),
  fc.constant({ op: "waitFor0" as const }),
  fc.constant({ op: "waitForShort" as const }),
  fc.record({ op: fc.constant("cancelTask" as const), steps: fc.integer({ min: 0, max: 2 }) }),
  fc.constant({ op: "cancelAtWake" as const }),
  fc.record({
    op: fc.constant("cancelAfterSend" as const),
    steps: fc.integer({ min: 0, max: 8 }),
    wait: fc.constantFrom(0, 0.0005, 0.001),
  }),
);

describe("websockets: cancel-safety", () => {
  it("a cancelled recv() loses no message: every message sent is received once, in order", () =>
    runWs(async () => {
      let conn: ServerConnection | null = null;
      await serve(
        async (ws) => {
          conn = ws;
          await ws.waitClosed();
        },
        HOST,
        0,
      ).with(async (server) => {
        const sockets = accepted(server);
        // Uncompressed, so that ws parses a message in the socket's 'data' event itself.
        const client = await connect(wsUri(server), { compression: null });
        await until(() => conn !== null);
        const peer = conn as unknown as ServerConnection;
        const [raw] = sockets;
        assert.ok(raw !== undefined);
        const loop = asyncio.getRunningLoop();
        let next = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(opArb, { maxLength: 12 }), async (ops) => {
            const sent: string[] = [];
            const got: string[] = [];
            const send = async (): Promise<void> => {
              const m = `m${String(next++)}`;
              sent.push(m);
              await client.send(m);
            };
            const keep = (r: unknown): void => {
              got.push(r as string);
            };
            for (const o of ops) {
              switch (o.op) {
                case "send":
                  for (let i = 0; i < o.n; i++) await send();
                  break;
                case "recv":
                  if (got.length < sent.length) keep(await peer.recv());
                  break;
                case "waitFor0":
                case "waitForShort":
                  try {
                    keep(await asyncio.waitFor(peer.recv(), o.op === "waitFor0" ? 0 : 0.001));
                  } catch (e) {
                    if (!(e instanceof asyncio.TimeoutError)) throw e;
                  }
                  break;
                case "cancelAtWake": {
                  // The race websockets' recv() is built for: the message wakes the waiting recv()
                  // and, in the same loop iteration, the task is cancelled before it resumes. This
                  // listener runs after ws's, which queued the message and scheduled the wake-up.
                  const task = asyncio.createTask(peer.recv());
                  await asyncio.sleep(0);
                  raw.once("data", () => {
                    loop.callSoon(() => task.cancel());
                  });
                  await send();
                  try {
                    keep(await task);
                  } catch (e) {
                    if (!(e instanceof asyncio.CancelledError)) throw e;
                  }
                  break;
                }
                case "cancelTask":
                case "cancelAfterSend": {
                  const task = asyncio.createTask(peer.recv());
                  if (o.op === "cancelTask") {
                    for (let i = 0; i < o.steps; i++) await asyncio.sleep(0);
                  } else {
                    // Cancelled around the time the message wakes it: before, between the wake-up
                    // and the task's resumption, or after.
                    await asyncio.sleep(0);
                    await send();
                    if (o.wait > 0) await asyncio.sleep(o.wait);
                    for (let i = 0; i < o.steps; i++) await asyncio.sleep(0);
                  }
                  task.cancel();
                  try {
                    keep(await task);
                  } catch (e) {
                    if (!(e instanceof asyncio.CancelledError)) throw e;
                  }
                  break;
                }
              }
            }
            while (got.length < sent.length) keep(await asyncio.waitFor(peer.recv(), 2));
            assert.deepEqual(got, sent);
          }),
          { seed: SEED, numRuns: NUM_RUNS },
        );
        await client.close();
      });
    }, 60));
});

describe("websockets: TLS", () => {
  let cert: Buffer;
  let key: Buffer;
  before(() => {
    ({ cert, key } = selfSignedCertificate());
  });

  it("wss:// with a self-signed certificate: echo when trusted, a TLS error when not", () =>
    runWs(async () => {
      await serve(echo, HOST, 0, { ssl: { cert, key } }).with(async (server) => {
        const uri = `wss://${HOST}:${String(wsPort(server))}/secure`;
        await connect(uri, { ssl: { ca: cert } }).with(async (ws) => {
          await ws.send("over TLS");
          assert.equal(await ws.recv(), "over TLS");
        });
        // Node's root certificates do not trust it: Node's TLS error, as Python's SSLError.
        await assert.rejects(connect(uri), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
        // A plain ws:// client to the TLS server never completes the handshake.
        await assert.rejects(connect(wsUri(server), { openTimeout: 0.3 }));
      });
    }));
});

describe("websockets: reconnecting connect()", () => {
  const saved = {
    initial: process.env.WEBSOCKETS_BACKOFF_INITIAL_DELAY,
    min: process.env.WEBSOCKETS_BACKOFF_MIN_DELAY,
  };
  before(() => {
    process.env.WEBSOCKETS_BACKOFF_INITIAL_DELAY = "0.01";
    process.env.WEBSOCKETS_BACKOFF_MIN_DELAY = "0.01";
  });
  after(() => {
    if (saved.initial === undefined) delete process.env.WEBSOCKETS_BACKOFF_INITIAL_DELAY;
    else process.env.WEBSOCKETS_BACKOFF_INITIAL_DELAY = saved.initial;
    if (saved.min === undefined) delete process.env.WEBSOCKETS_BACKOFF_MIN_DELAY;
    else process.env.WEBSOCKETS_BACKOFF_MIN_DELAY = saved.min;
  });

  it("retries transient errors (503) with back-off, reconnects after each iteration, stops on a fatal one (403)", () =>
    runWs(async () => {
      let attempts = 0;
      const processRequest = (ws: ServerConnection) => {
        if (ws.request?.path !== "/retry") return null;
        attempts++;
        if (attempts <= 2 || attempts === 4) return ws.respond(503, "try later\n");
        if (attempts >= 6) return ws.respond(403, "go away\n");
        return null;
      };
      await serve(echo, HOST, 0, { processRequest })
        .with(async (server) => {
          const seen: string[] = [];
          const e = await (async () => {
            try {
              for await (const ws of connect(wsUri(server, "/retry"))) {
                await ws.send(`attempt ${String(attempts)}`);
                seen.push((await ws.recv()) as string);
              }
            } catch (exc) {
              return exc;
            }
            return null;
          })();
          assert.ok(e instanceof InvalidStatus);
          assert.equal(e.response.statusCode, 403);
          // Attempts 1, 2 and 4 were retried (503); 3 and 5 connected; 6 was fatal.
          assert.deepEqual(seen, ["attempt 3", "attempt 5"]);
          assert.equal(attempts, 6);
          // Leaving the loop closes the connection.
          let closed: ClientConnection | null = null;
          for await (const ws of connect(wsUri(server))) {
            closed = ws;
            break;
          }
          assert.ok(closed !== null);
          await assert.rejects(closed.recv(), ConnectionClosedOK);
          // processException decides: here every InvalidStatus is fatal, even a 503.
          attempts = 0;
          const custom = connect(wsUri(server, "/retry"), {
            processException: (exc) => (exc instanceof InvalidStatus ? new RangeError("fatal") : null),
          });
          for await (const ws of custom) assert.fail(`connected: ${String(ws)}`);
        })
        .catch((e: unknown) => {
          assert.ok(e instanceof RangeError && e.message === "fatal", String(e));
          assert.ok(e.cause instanceof InvalidStatus);
        });
      assert.equal(
        processException(new InvalidStatus(new Response(502, "Bad Gateway", new Headers()))),
        null,
      );
      assert.ok(
        processException(new InvalidStatus(new Response(404, "Not Found", new Headers()))) instanceof
          InvalidStatus,
      );
    }));
});

describe("websockets: published types", () => {
  it("the declarations of asyncio-ts/websockets never mention ws (users need no @types/ws)", () => {
    const root = path.join(repo, "src", "websockets", "index.ts");
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(repo, "tsconfig.build.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    );
    assert.ok(config !== undefined);
    const outDir = path.join(os.tmpdir(), "asyncio-ts-ws-dts");
    const program = ts.createProgram([root], {
      ...config.options,
      noEmit: false,
      emitDeclarationOnly: true,
      outDir,
    });
    const written = new Map<string, string>();
    program.emit(undefined, (file, text) => {
      written.set(path.relative(outDir, file), text);
    });
    const ours = [...written].filter(
      ([file]) => file.startsWith(`websockets${path.sep}`) && file.endsWith(".d.ts"),
    );
    assert.deepEqual(ours.map(([file]) => path.basename(file)).sort(), [
      "client.d.ts",
      "connection.d.ts",
      "exceptions.d.ts",
      "frames.d.ts",
      "http11.d.ts",
      "index.d.ts",
      "server.d.ts",
    ]);
    for (const [file, text] of ours) {
      const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      assert.doesNotMatch(code, /["']ws["']/, `${file} imports ws`);
      assert.doesNotMatch(code, /\bWebSocket(Server)?\b/, `${file} names a ws type`);
    }
  });
});

describe("websockets: loading", () => {
  function loadsWs(entry: string): boolean {
    const program = `
      import { createRequire } from "node:module";
      await import(${JSON.stringify(entry)});
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(cache.some((k) => k.includes("/node_modules/ws/")));
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", program], {
      cwd: repo,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim() === "true";
  }

  it("importing the core never loads ws; importing asyncio-ts/websockets does", () => {
    assert.equal(loadsWs("./src/index.ts"), false);
    assert.equal(loadsWs("./src/testing/index.ts"), false);
    assert.equal(loadsWs("./src/websockets/index.ts"), true);
  });
});
