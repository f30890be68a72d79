// Helpers of the HTTP client tests: a real node:http server on 127.0.0.1 that counts requests,
// their concurrency and its sockets (so a test can assert that the client closed a connection),
// closed with all its connections by t.after().
import type { TestContext } from "node:test";
import http from "node:http";
import type net from "node:net";
import * as asyncio from "../../src/index.ts";

export const HOST = "127.0.0.1";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, server: TestServer) => void;

/** A node:http server for one test, and what it saw. */
export class TestServer {
  readonly server: http.Server;
  /** Requests received. */
  requests = 0;
  /** Requests whose response is not finished (or aborted) yet, and the most there were at once. */
  active = 0;
  maxActive = 0;
  /** Every connection accepted, and how many have closed. */
  readonly sockets: net.Socket[] = [];
  closedSockets = 0;
  readonly #closeWaiters: (() => void)[] = [];
  port = 0;

  constructor(handler: Handler) {
    this.server = http.createServer((req, res) => {
      this.requests++;
      this.active++;
      this.maxActive = Math.max(this.maxActive, this.active);
      let done = false;
      const end = (): void => {
        if (done) return;
        done = true;
        this.active--;
      };
      res.on("finish", end);
      res.on("close", end);
      handler(req, res, this);
    });
    this.server.on("connection", (socket) => {
      this.sockets.push(socket);
      socket.on("close", () => {
        this.closedSockets++;
        for (const w of this.#closeWaiters.splice(0)) w();
      });
    });
  }

  /** The URL of `path` on this server. */
  url(path = "/"): string {
    return `http://${HOST}:${this.port}${path}`;
  }

  /** Connections still open. */
  get openSockets(): number {
    return this.sockets.length - this.closedSockets;
  }

  /** Resolve once `n` connections have closed in all (a test bounds the wait with its timeout). */
  async socketsClosed(n: number): Promise<void> {
    while (this.closedSockets < n) {
      await new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    }
  }
}

/** Start a server with `handler` on 127.0.0.1, port 0; t.after() closes it and its connections. */
export async function startHttp(t: TestContext, handler: Handler): Promise<TestServer> {
  const s = new TestServer(handler);
  await new Promise<void>((resolve) => s.server.listen(0, HOST, resolve));
  s.port = (s.server.address() as net.AddressInfo).port;
  t.after(
    () =>
      new Promise<void>((resolve) => {
        s.server.closeAllConnections();
        s.server.close(() => {
          resolve();
        });
      }),
  );
  return s;
}

/** Run `body` as the main task of asyncio.run(), under a 10 s asyncio timeout. */
export function runHttp<T>(body: () => Promise<T>, seconds = 10): Promise<T> {
  return asyncio.run(() => asyncio.timeout(seconds).with(body));
}

/** Resolve after `ms` milliseconds of real time, outside the loop (for server handlers). */
export function later(ms: number): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}
