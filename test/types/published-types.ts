// Type-only checks (issue 9, item 2), compiled by `tsc --noEmit` in `npm run check`, never run:
// server addresses and extra info are typed without casts, the constructors the library alone
// calls are private, and the types exported signatures name are exported.
import type net from "node:net";
import type tls from "node:tls";
import * as asyncio from "../../src/index.ts";

declare const writer: asyncio.StreamWriter;
declare const conn: unknown;

export async function checks(): Promise<unknown[]> {
  const handle = (_r: asyncio.StreamReader, _w: asyncio.StreamWriter): void => {};

  // A TCP server's sockets give `[host, port]`, a Unix server's the path: no cast.
  const tcp = await asyncio.startServer(handle, "127.0.0.1", 0);
  const [tcpSocket] = tcp.sockets;
  const [host, port]: [string, number] = tcpSocket?.getsockname() ?? ["", 0];
  const unix = await asyncio.startUnixServer(handle, "/tmp/x.sock");
  const [unixSocket] = unix.sockets;
  const path: string | undefined = unixSocket?.getsockname();
  // @ts-expect-error -- a Unix server's address is a path, not `[host, port]`
  const [, unixPort]: [string, number] = unixSocket?.getsockname() ?? ["", 0];
  // Either kind is still an asyncio.Server, whose address is a SockName.
  const servers: asyncio.Server[] = [tcp, unix];
  const name: asyncio.SockName | undefined = servers[0]?.sockets[0]?.getsockname();
  const inet: asyncio.InetSockName = [host, port];

  // getExtraInfo is typed by key; another name gives unknown.
  const peer: asyncio.SockName | null = writer.getExtraInfo("peername");
  const socket: net.Socket | null = writer.getExtraInfo("socket");
  const sslObject: tls.TLSSocket | undefined = writer.getExtraInfo("ssl_object", undefined);
  const cipher = writer.getExtraInfo("cipher");
  const cipherParts: [string, string, number | null] | null = cipher;
  const other: unknown = writer.getExtraInfo("something else", 0);
  // @ts-expect-error -- peername is an address, not a socket
  const wrong: net.Socket | null = writer.getExtraInfo("peername");
  const info: Partial<asyncio.ExtraInfo> = { compression: null };

  // The library makes these; their constructors are private.
  // @ts-expect-error -- made by openConnection() and the servers
  new asyncio.StreamWriter(conn);
  // @ts-expect-error -- made by startServer() and startUnixServer()
  new asyncio.Server();
  // @ts-expect-error -- made by createSubprocessExec() and createSubprocessShell()
  new asyncio.Process();
  // @ts-expect-error -- made by gather()
  new asyncio.GatheringFuture();
  // @ts-expect-error -- made by asCompleted()
  new asyncio.AsCompletedIterator();
  // @ts-expect-error -- made by coroutine() functions
  new asyncio.Coroutine(() => 1);

  // That internals (`Handle._callback`, ...) are not in the published types is checked against
  // the packed package in test/package.test.ts: here the sources, which have them, are checked.

  // Types named by exported signatures are exported.
  const body: asyncio.MainBody<number> = () => 1;
  const taskBody: asyncio.TaskBody<number> = async () => 1;
  const results: asyncio.GatherResults<[asyncio.Future<number>, Promise<string>]> = [1, "x"];
  const done: asyncio.DoneCallback<number> = (f) => f.result();
  const match: asyncio.ExceptionGroupMatcher = TypeError;
  const pool: asyncio.PoolExecutor = new asyncio.ThreadPoolExecutor();
  const lock: asyncio.ContextManager = new asyncio.Lock();
  const bound: asyncio.LoopBound = new asyncio.Event();
  const args: asyncio.ArgsOf<(a: number) => string> = [1];
  const result: asyncio.ResultOf<(a: number) => Promise<string>> = "x";
  const error: asyncio.AsyncioError = new asyncio.QueueEmpty();
  return [
    path,
    unixPort,
    name,
    inet,
    peer,
    socket,
    sslObject,
    cipherParts,
    other,
    wrong,
    info,
    body,
    taskBody,
  ].concat([results, done, match, pool, lock, bound, args, result, error]);
}
