// Type-only checks (issue 8, item 3), compiled by `tsc --noEmit` in `npm run check`, never run:
// what createTask refuses at run time does not type-check, and the library's async methods are
// typed as the lazy Coroutines they return.
import * as asyncio from "../../src/index.ts";

declare const q: asyncio.Queue<number>;
declare const lock: asyncio.Lock;
declare const barrier: asyncio.Barrier;
declare const reader: asyncio.StreamReader;
declare function fetchSomething(): Promise<string>;

export function checks(): void {
  // A running promise cannot be owned by a task: a TypeError at run time, and a type error here.
  // @ts-expect-error -- a running Promise is not a TaskBody
  asyncio.createTask(fetchSomething());
  // @ts-expect-error -- nor an async function's call
  asyncio.createTask((async () => 1)());
  // @ts-expect-error -- ensureFuture(() => ...) is fine, but a Task needs no promise
  new asyncio.Task(Promise.resolve(1));

  // What CPython's docs write: the library's own coroutines, as tasks.
  const t1: asyncio.Task<number> = asyncio.createTask(q.get());
  const t2: asyncio.Task<number> = asyncio.createTask(barrier.wait());
  const t3: asyncio.Task<true> = asyncio.createTask(lock.acquire());
  const t4: asyncio.Task<Buffer> = asyncio.createTask(reader.readline());
  const t5: asyncio.Task<[asyncio.StreamReader, asyncio.StreamWriter]> = asyncio.createTask(
    asyncio.openConnection("127.0.0.1", 8888),
  );
  const t6: asyncio.Task<string> = asyncio.createTask(asyncio.sleep(1, "x"));
  // A function returning a promise runs in the task: still fine.
  const t7: asyncio.Task<string> = asyncio.createTask(() => fetchSomething());
  for (const t of [t1, t2, t3, t4, t5, t6, t7]) t.cancel();

  // The library's async methods return Coroutines (lazy), not Promises.
  const c1: asyncio.Coroutine<number> = q.get();
  const c2: asyncio.Coroutine<void> = q.put(1);
  const c3: asyncio.Coroutine<true> = lock.acquire();
  const c4: asyncio.Coroutine<string> = lock.with(() => "held");
  const c5: asyncio.Coroutine<number> = asyncio.waitFor(q.get(), 1);
  for (const c of [c1, c2, c3, c4, c5]) c.close();

  // The low-level API: the protocol's type comes from the factory, a class or a function.
  const loop = asyncio.getRunningLoop();
  class Echo extends asyncio.DatagramProtocol {
    readonly seen: Buffer[] = [];
  }
  const e1: asyncio.Coroutine<[asyncio.DatagramSocketTransport, Echo]> = loop.createDatagramEndpoint(Echo, {
    localAddr: ["127.0.0.1", 0],
  });
  const e2: asyncio.Coroutine<[asyncio.DatagramSocketTransport, Echo]> = loop.createDatagramEndpoint(
    () => new Echo(),
    { remoteAddr: ["127.0.0.1", 9999] },
  );
  const g1: asyncio.Coroutine<asyncio.AddrInfo[]> = loop.getaddrinfo("localhost", 80);
  const g2: asyncio.Coroutine<[string, string]> = loop.getnameinfo(["127.0.0.1", 80]);
  // @ts-expect-error -- CPython 3.13 has no reuse_address here any more
  const e3 = loop.createDatagramEndpoint(Echo, { reuseAddress: true });
  for (const c of [e1, e2, e3, g1, g2]) c.close();

  // TLS on protocol transports: ssl is true or a context on the client, a context on the server.
  class Line extends asyncio.Protocol {}
  const s1: asyncio.Coroutine<[asyncio.SocketTransport, Line]> = loop.createConnection(Line, "h", 443, {
    ssl: true,
    serverHostname: "h",
    sslShutdownTimeout: 5,
  });
  // @ts-expect-error -- CPython: ssl argument must be an SSLContext or None
  const s2 = loop.createServer(Line, "h", 0, { ssl: true });
  const s3 = loop.createServer(Line, "h", 0, { ssl: { key: "k", cert: "c" }, sslHandshakeTimeout: 1 });
  for (const c of [s1, s2, s3]) c.close();
  const _upgrade = async (transport: asyncio.SocketTransport, protocol: Line): Promise<void> => {
    const secure: asyncio.SocketTransport = await loop.startTls(
      transport,
      protocol,
      { ca: "ca" },
      {
        serverHostname: "h",
      },
    );
    // @ts-expect-error -- the context comes third, the options after it
    await loop.startTls(transport, protocol, { serverSide: true });
    secure.close();
  };

  // gather, wait and waitFor still take a running promise (wrapped: it cannot be cancelled).
  void asyncio.gather(fetchSomething(), q.get());
  const w: asyncio.Coroutine<string> = asyncio.waitFor(fetchSomething(), 1);
  w.close();
}
