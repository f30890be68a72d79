/**
 * The loop's socket operations (CPython 3.13 selector_events.py `sock_recv()`, `sock_recv_into()`,
 * `sock_recvfrom()`, `sock_recvfrom_into()`, `sock_sendall()`, `sock_sendto()`, `sock_connect()`,
 * `sock_accept()`, and base_events.py `sock_sendfile()` and `sendfile()`) on the socket objects
 * Node has, since it has no raw sockets:
 *
 * - stream methods (`sockRecv`, `sockRecvInto`, `sockSendall`, `sockConnect`, `sockSendfile`)
 *   take a `net.Socket`, read through its `Readable` API in paused mode (no `'data'` listener:
 *   what is not asked for stays in the socket's buffer, as in the kernel's);
 * - `sockAccept` takes a listening `net.Server` and returns `[net.Socket, address]`; from the
 *   first `sockAccept` on a server, connections that arrive while no call waits are queued, as
 *   in the kernel's backlog (Node accepts at once), and reset when the server is closed (its
 *   `close` is wrapped for this: Node's `'close'` waits for every connection to end);
 * - datagram methods (`sockRecvfrom`, `sockRecvfromInto`, `sockSendto`) take a `dgram.Socket`;
 *   datagrams that arrive while no call waits are queued up to the socket's receive buffer size.
 *
 * A socket used here gets a no-op `'error'` listener: its error is raised by the next operation,
 * as a socket error is in Python, rather than crashing the process.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#working-with-socket-objects-directly
 * @module
 */
import { Buffer } from "node:buffer";
import dgram from "node:dgram";
import fs from "node:fs";
import type { FileHandle } from "node:fs/promises";
import net from "node:net";
import { constants as osConstants } from "node:os";
import tls from "node:tls";
import type { BaseEventLoop } from "./base-events.ts";
import { RuntimeError, SendfileNotAvailableError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { taskStorage } from "./internal/context.ts";
import { reprValue } from "./internal/repr.ts";
import { Waiters } from "./internal/waiters.ts";
import { Protocol, type DatagramAddress } from "./protocols.ts";
import { sockaddr } from "./socket.ts";
import { kWritingPaused, SocketTransport, type StreamProtocol } from "./socket-transport.ts";

/** A socket address for `sockConnect`: `[host, port]` (IPv6: 4 items), or a Unix socket's path. */
export type SocketAddress = DatagramAddress | string;

/** What `sockSendfile` and `sendfile` read: an open `fs.promises.FileHandle` or a file descriptor. */
export type SendfileSource = FileHandle | number;

/** Options of `sockSendfile()` and `sendfile()`. */
export interface SendfileOptions {
  /**
   * Read and send the file by chunks when the native sendfile(2) is not available, which in Node
   * is always (default true). `false` raises {@link SendfileNotAvailableError} (`sockSendfile`)
   * or `RuntimeError` (`sendfile`), as CPython does where it has no native sendfile.
   */
  fallback?: boolean;
}

const EMPTY = Buffer.alloc(0);

/** CPython 3.13 constants.py SENDFILE_FALLBACK_READBUFFER_SIZE (sock_sendfile). */
const SENDFILE_BLOCK = 256 * 1024;
/** CPython 3.13 base_events.py _sendfile_fallback's block size (sendfile on a transport). */
const TRANSPORT_SENDFILE_BLOCK = 16384;

function noop(): void {}

/** A short repr for messages: a Node object's class, anything else as Python would show it. */
function show(value: unknown): string {
  if (value instanceof net.Socket || value instanceof net.Server || value instanceof dgram.Socket) {
    return `<${value instanceof dgram.Socket ? "dgram" : "net"}.${value.constructor.name}>`;
  }
  return reprValue(value);
}

const STRERROR = {
  EBADF: "Bad file descriptor",
  EINVAL: "Invalid argument",
  EISCONN: "Transport endpoint is already connected",
  EPIPE: "Broken pipe",
} as const;

/** Python's OSError for `code` (`[Errno 9] Bad file descriptor`), with Node's `code`/`errno`. */
function osError(code: keyof typeof STRERROR, why: string, syscall: string): NodeJS.ErrnoException {
  const errno = osConstants.errno[code];
  const error: NodeJS.ErrnoException = new Error(`[Errno ${errno}] ${STRERROR[code]} (${why})`);
  error.code = code;
  error.errno = -errno;
  error.syscall = syscall;
  return error;
}

/** Wake waiters from a Node event: on the loop, unless it has closed meanwhile. */
function soon(loop: BaseEventLoop | null, fn: () => void): void {
  if (loop !== null && !loop.isClosed()) loop.callSoon(fn);
}

// ---- arguments ------------------------------------------------------------------------------------

/** The sockets and servers whose errors the next operation raises (they have our 'error' listener). */
const adopted = new WeakSet<object>();

function adopt(emitter: net.Socket): void {
  if (adopted.has(emitter)) return;
  adopted.add(emitter);
  emitter.on("error", noop);
}

function streamSocket(sock: unknown, method: string): net.Socket {
  // CPython 3.13 base_events.py _check_ssl_socket.
  if (sock instanceof tls.TLSSocket) throw new TypeError("Socket cannot be of type SSLSocket");
  if (sock instanceof net.Socket) return sock;
  const hint = sock instanceof dgram.Socket ? ": for a dgram.Socket use sockRecvfrom() and sockSendto()" : "";
  throw new TypeError(`${method}() takes a net.Socket, got ${show(sock)}${hint}`);
}

function datagramSocket(sock: unknown, method: string): dgram.Socket {
  if (sock instanceof dgram.Socket) return sock;
  const hint = sock instanceof net.Socket ? ": for a net.Socket use sockRecv() and sockSendall()" : "";
  throw new TypeError(`${method}() takes a dgram.Socket, got ${show(sock)}${hint}`);
}

/** A socket read by someone else ('data' listeners: a transport, a stream) cannot be read here. */
function notFlowing(sock: net.Socket): void {
  // CPython 3.13 selector_events.py _ensure_fd_no_transport raises a RuntimeError too.
  if (sock.readableFlowing === true) {
    throw new RuntimeError(
      "the socket is flowing (read by 'data' listeners, a transport or a stream): pass a socket nobody else reads",
    );
  }
}

function checkSize(n: unknown, name: string, call: string): number {
  if (typeof n !== "number" || !Number.isInteger(n)) {
    throw new TypeError(`${name} must be an integer number of bytes, got ${reprValue(n)}`);
  }
  // CPython's socket module: `negative buffersize in recv`.
  if (n < 0) throw new RangeError(`negative buffersize in ${call}`);
  return n;
}

/** The Python type name of a JavaScript value, for CPython's messages. */
function pyType(value: unknown): string {
  if (typeof value === "string") return "str";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "object") return value.constructor.name;
  return typeof value;
}

/** A writable byte view of `buf` (any ArrayBufferView). */
function bytesOf(buf: unknown, name: string): Uint8Array {
  if (buf instanceof Uint8Array) return buf;
  if (ArrayBuffer.isView(buf)) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  // CPython: `a bytes-like object is required, not 'str'`.
  throw new TypeError(
    `a bytes-like object is required, not '${pyType(buf)}': pass ${name} as a Buffer or Uint8Array`,
  );
}

/** A `[host, port]` (or IPv6 `[host, port, flowinfo, scopeId]`) address. */
function inetAddress(address: unknown): [host: string, port: number] {
  if (
    Array.isArray(address) &&
    (address.length === 2 || address.length === 4) &&
    typeof address[0] === "string" &&
    Number.isInteger(address[1])
  ) {
    return [address[0], address[1] as number];
  }
  throw new TypeError(`address must be a [host, port] tuple, got ${reprValue(address)}`);
}

/** The peer's address of an accepted socket: `[host, port]`, or `""` for a Unix socket. */
function peerAddress(sock: net.Socket): DatagramAddress | string {
  const { remoteAddress, remotePort } = sock;
  return remoteAddress === undefined || remotePort === undefined ? "" : sockaddr(remoteAddress, remotePort);
}

// ---- stream sockets: sockRecv, sockRecvInto, sockSendall, sockConnect ------------------------------

/** Up to `n` bytes the socket holds now, `EMPTY` at its end; null when it must wait. */
function takeNow(sock: net.Socket, n: number): Buffer | null {
  const error = sock.errored;
  if (error !== null) throw error;
  if (n === 0) return EMPTY;
  const buffered = sock.readableLength;
  if (buffered > 0) {
    const data = sock.read(Math.min(n, buffered)) as Buffer | null;
    if (data !== null) return data;
  }
  if (sock.readableEnded) return EMPTY;
  if (sock.destroyed) throw osError("EBADF", "the socket is closed", "recv");
  // Start reading if Node stopped (its buffer was full, or the socket was made paused); at the
  // end of the stream, this makes the socket emit 'end'.
  sock.read(0);
  return null;
}

/** Wait until the socket has data, its end, an error, or is closed. */
async function readable(loop: BaseEventLoop, sock: net.Socket): Promise<void> {
  const fut = loop.createFuture<null>();
  const wake = (): void => {
    off();
    soon(loop, () => {
      if (!fut.done()) fut.setResult(null);
    });
  };
  const off = (): void => {
    sock.off("readable", wake);
    sock.off("end", wake);
    sock.off("close", wake);
  };
  sock.on("readable", wake);
  sock.on("end", wake);
  sock.on("close", wake);
  try {
    await fut;
  } finally {
    off();
  }
}

/** CPython's `loop.sock_recv()`. @internal */
export async function sockRecvNow(loop: BaseEventLoop, sock: unknown, n: unknown): Promise<Buffer> {
  const s = streamSocket(sock, "sockRecv");
  const size = checkSize(n, "n", "recv");
  notFlowing(s);
  adopt(s);
  for (;;) {
    const data = takeNow(s, size);
    if (data !== null) return data;
    await readable(loop, s);
  }
}

/** CPython's `loop.sock_recv_into()`. @internal */
export async function sockRecvIntoNow(loop: BaseEventLoop, sock: unknown, buf: unknown): Promise<number> {
  const s = streamSocket(sock, "sockRecvInto");
  const into = bytesOf(buf, "buf");
  notFlowing(s);
  adopt(s);
  for (;;) {
    const data = takeNow(s, into.byteLength);
    if (data !== null) {
      into.set(data);
      return data.byteLength;
    }
    await readable(loop, s);
  }
}

/** CPython's `loop.sock_sendall()`. @internal */
export async function sockSendallNow(loop: BaseEventLoop, sock: unknown, data: unknown): Promise<void> {
  const s = streamSocket(sock, "sockSendall");
  const bytes = bytesOf(data, "data");
  adopt(s);
  if (s.errored !== null) throw s.errored;
  if (s.destroyed) throw osError("EBADF", "the socket is closed", "send");
  if (s.writableEnded) throw osError("EPIPE", "the socket's writing side was shut down", "send");
  if (bytes.byteLength === 0) return;
  const fut = loop.createFuture<null>();
  // The callback runs once Node has handed the data to the kernel (or failed).
  s.write(bytes, (err) => {
    soon(loop, () => {
      if (fut.done()) return;
      if (err === null || err === undefined) fut.setResult(null);
      else fut.setException(err);
    });
  });
  await fut;
}

/** CPython's `loop.sock_connect()`. @internal */
export async function sockConnectNow(loop: BaseEventLoop, sock: unknown, address: unknown): Promise<void> {
  const s = streamSocket(sock, "sockConnect");
  const options: net.SocketConnectOpts =
    typeof address === "string"
      ? { path: address }
      : (([host, port]) => ({ host, port }))(inetAddress(address));
  if (s.connecting || s.remoteAddress !== undefined) {
    throw osError("EISCONN", "the socket is connected already: pass a new net.Socket()", "connect");
  }
  if (s.destroyed) throw osError("EBADF", "the socket is closed", "connect");
  adopt(s);
  const fut = loop.createFuture<null>();
  const onConnect = (): void => {
    soon(loop, () => {
      if (!fut.done()) fut.setResult(null);
    });
  };
  const onError = (err: Error): void => {
    soon(loop, () => {
      if (!fut.done()) fut.setException(err);
    });
  };
  s.once("connect", onConnect);
  s.once("error", onError);
  try {
    taskStorage.exit(() => s.connect(options));
    await fut;
  } catch (e) {
    // Node cannot abandon a connect in progress: a cancelled sockConnect destroys the socket.
    s.destroy();
    throw e;
  } finally {
    s.off("connect", onConnect);
    s.off("error", onError);
  }
}

// ---- sockAccept ------------------------------------------------------------------------------------

/** The accept queue of a `net.Server` used with sockAccept (the kernel's backlog, as Node has none). */
class AcceptQueue {
  readonly pending: net.Socket[] = [];
  readonly waiters = new Waiters();
  loop: BaseEventLoop | null = null;
  closed = false;
  /** An error of the listening socket (EMFILE...), raised by the next sockAccept. */
  error: Error | null = null;

  constructor(server: net.Server) {
    server.on("error", (err: Error) => {
      this.error = err;
      soon(this.loop, () => {
        this.waiters.wakeAll(null);
      });
    });
    server.on("connection", (sock: net.Socket) => {
      sock.on("error", noop);
      adopted.add(sock);
      this.pending.push(sock);
      soon(this.loop, () => {
        this.waiters.wakeOne(null);
      });
    });
    // Node emits 'close' only once every connection has ended, queued ones included: hear the
    // close() call itself, as the listening socket closes then.
    const close = server.close.bind(server);
    server.close = (callback?: (err?: Error) => void): net.Server => {
      this.#stop();
      return close(callback);
    };
    server.on("close", () => {
      this.#stop();
    });
  }

  #stop(): void {
    if (this.closed) return;
    this.closed = true;
    // CPython: a connection in the backlog of a closed listening socket is reset.
    for (const sock of this.pending.splice(0)) {
      // An RST on TCP; a Unix socket (no RST) is just closed.
      if (sock.remoteAddress === undefined) sock.destroy();
      else sock.resetAndDestroy();
    }
    soon(this.loop, () => {
      this.waiters.wakeAll(null);
    });
  }
}

const acceptQueues = new WeakMap<net.Server, AcceptQueue>();

/** CPython's `loop.sock_accept()`. @internal */
export async function sockAcceptNow(
  loop: BaseEventLoop,
  server: unknown,
): Promise<[net.Socket, DatagramAddress | string]> {
  if (!(server instanceof net.Server)) {
    throw new TypeError(`sockAccept() takes a listening net.Server, got ${show(server)}`);
  }
  let queue = acceptQueues.get(server);
  if (queue === undefined) {
    if (!server.listening) {
      throw osError("EINVAL", "the net.Server is not listening: call server.listen() first", "accept");
    }
    if (server.listenerCount("connection") > 0) {
      throw new RuntimeError(
        "the net.Server has 'connection' listeners (a server of its own): pass a net.Server made without a connection listener",
      );
    }

    queue = new AcceptQueue(server);
    acceptQueues.set(server, queue);
  }
  queue.loop = loop;
  for (;;) {
    const sock = queue.pending.shift();
    if (sock !== undefined) return [sock, peerAddress(sock)];
    const error = queue.error;
    if (error !== null) {
      queue.error = null;
      throw error;
    }
    if (queue.closed || !server.listening) throw osError("EBADF", "the net.Server is closed", "accept");
    try {
      await queue.waiters.wait(loop);
    } catch (e) {
      // A connection that woke this cancelled call goes to the next waiter.
      if (queue.pending.length > 0) queue.waiters.wakeOne(null);
      throw e;
    }
  }
}

// ---- datagram sockets: sockRecvfrom, sockRecvfromInto, sockSendto ----------------------------------

/** The datagrams a `dgram.Socket` received that no call has taken yet (the kernel's receive queue). */
class DatagramInbox {
  readonly queue: [Buffer, DatagramAddress][] = [];
  bytes = 0;
  readonly waiters = new Waiters();
  loop: BaseEventLoop | null = null;
  /** An error the next receive raises (Python's pending socket error: `ECONNREFUSED`...). */
  error: Error | null = null;
  closed = false;

  constructor(sock: dgram.Socket) {
    sock.on("message", (msg: Buffer, rinfo: dgram.RemoteInfo) => {
      let limit = 212992;
      try {
        limit = sock.getRecvBufferSize();
      } catch {
        // Not bound (it cannot be, having received): keep Linux's default.
      }
      // A full receive queue drops the datagram, as the kernel's does.
      if (this.bytes + msg.byteLength > limit && this.queue.length > 0) return;
      this.queue.push([msg, sockaddr(rinfo.address, rinfo.port)]);
      this.bytes += msg.byteLength;
      soon(this.loop, () => {
        this.waiters.wakeOne(null);
      });
    });
    sock.on("error", (err: Error) => {
      this.error = err;
      soon(this.loop, () => {
        this.waiters.wakeAll(null);
      });
    });
    sock.on("close", () => {
      this.closed = true;
      soon(this.loop, () => {
        this.waiters.wakeAll(null);
      });
    });
  }
}

const inboxes = new WeakMap<dgram.Socket, DatagramInbox>();

function inboxOf(sock: dgram.Socket): DatagramInbox {
  let inbox = inboxes.get(sock);
  if (inbox === undefined) {
    if (sock.listenerCount("message") > 0) {
      throw new RuntimeError(
        "the dgram.Socket has 'message' listeners (a transport or another reader): pass a socket nobody else reads",
      );
    }
    inbox = new DatagramInbox(sock);
    inboxes.set(sock, inbox);
  }
  return inbox;
}

/** The next datagram and its sender, once one has arrived. */
async function nextDatagram(loop: BaseEventLoop, sock: dgram.Socket): Promise<[Buffer, DatagramAddress]> {
  const inbox = inboxOf(sock);
  inbox.loop = loop;
  for (;;) {
    const error = inbox.error;
    if (error !== null) {
      inbox.error = null;
      throw error;
    }
    const first = inbox.queue.shift();
    if (first !== undefined) {
      inbox.bytes -= first[0].byteLength;
      return first;
    }
    if (inbox.closed) throw osError("EBADF", "the dgram.Socket is closed", "recvfrom");
    try {
      await inbox.waiters.wait(loop);
    } catch (e) {
      if (inbox.queue.length > 0) inbox.waiters.wakeOne(null);
      throw e;
    }
  }
}

/** CPython's `loop.sock_recvfrom()`. @internal */
export async function sockRecvfromNow(
  loop: BaseEventLoop,
  sock: unknown,
  bufsize: unknown,
): Promise<[Buffer, DatagramAddress]> {
  const s = datagramSocket(sock, "sockRecvfrom");
  const size = checkSize(bufsize, "bufsize", "recvfrom");
  const [data, address] = await nextDatagram(loop, s);
  // A datagram longer than bufsize is truncated; the rest is lost, as with recvfrom(2).
  return [data.byteLength > size ? data.subarray(0, size) : data, address];
}

/** CPython's `loop.sock_recvfrom_into()`. @internal */
export async function sockRecvfromIntoNow(
  loop: BaseEventLoop,
  sock: unknown,
  buf: unknown,
  nbytes: unknown,
): Promise<[number, DatagramAddress]> {
  const s = datagramSocket(sock, "sockRecvfromInto");
  const into = bytesOf(buf, "buf");
  let size = checkSize(nbytes, "nbytes", "recvfrom_into");
  // CPython's socket.recvfrom_into: `nbytes is greater than the length of the buffer`.
  if (size > into.byteLength) throw new RangeError("nbytes is greater than the length of the buffer");
  if (size === 0) size = into.byteLength;
  const [data, address] = await nextDatagram(loop, s);
  const n = Math.min(size, data.byteLength);
  into.set(data.subarray(0, n));
  return [n, address];
}

/** CPython's `loop.sock_sendto()`. @internal */
export async function sockSendtoNow(
  loop: BaseEventLoop,
  sock: unknown,
  data: unknown,
  address: unknown,
): Promise<number> {
  const s = datagramSocket(sock, "sockSendto");
  const bytes = bytesOf(data, "data");
  const [host, port] = inetAddress(address);
  // Datagrams answering this one are kept from now on, for the sockRecvfrom() that follows.
  inboxOf(s).loop = loop;
  const fut = loop.createFuture<number>();
  taskStorage.exit(() => {
    s.send(bytes, port, host, (err, sent) => {
      soon(loop, () => {
        if (fut.done()) return;
        if (err === null) fut.setResult(sent);
        else fut.setException(err);
      });
    });
  });
  return await fut;
}

// ---- sendfile ------------------------------------------------------------------------------------

/** CPython 3.13 base_events.py _check_sendfile_params (the parts that apply). */
function checkSendfile(file: unknown, offset: unknown, count: unknown, options: unknown): boolean {
  const isHandle =
    typeof file === "object" && file !== null && typeof (file as { fd?: unknown }).fd === "number";
  if (!isHandle && !(typeof file === "number" && Number.isInteger(file) && file >= 0)) {
    throw new TypeError(`file must be an fs.promises.FileHandle or a file descriptor, got ${show(file)}`);
  }
  if (count !== null && count !== undefined) {
    if (typeof count !== "number" || !Number.isInteger(count)) {
      throw new TypeError(`count must be a positive integer (got ${reprValue(count)})`);
    }
    if (count <= 0) throw new RangeError(`count must be a positive integer (got ${reprValue(count)})`);
  }
  if (typeof offset !== "number" || !Number.isInteger(offset)) {
    throw new TypeError(`offset must be a non-negative integer (got ${reprValue(offset)})`);
  }
  if (offset < 0) throw new RangeError(`offset must be a non-negative integer (got ${reprValue(offset)})`);
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${reprValue(options)}`);
  }
  return (options as SendfileOptions).fallback ?? true;
}

function fdOf(file: SendfileSource): number {
  return typeof file === "number" ? file : file.fd;
}

/** Read up to `length` bytes of `fd` at `position` (null: where the file is) into `buf`. */
async function readFile(
  loop: BaseEventLoop,
  fd: number,
  buf: Buffer,
  length: number,
  position: number | null,
): Promise<number> {
  const fut = loop.createFuture<number>();
  fs.read(fd, buf, 0, length, position, (err, n) => {
    soon(loop, () => {
      if (fut.done()) return;
      if (err === null) fut.setResult(n);
      else fut.setException(err);
    });
  });
  return await fut;
}

/**
 * Read `file` from `offset` by blocks of at most `block` bytes, `count` bytes or to its end, and
 * give each block to `send` (which may keep it). Offset 0 reads from the file's position and
 * moves it, as Python does; another offset reads there and leaves the position alone (Node
 * cannot seek a file descriptor).
 */
async function readBlocks(
  loop: BaseEventLoop,
  file: SendfileSource,
  offset: number,
  count: number | null,
  block: number,
  send: (chunk: Buffer) => Promise<void> | void,
): Promise<number> {
  const fd = fdOf(file);
  const size = count === null ? block : Math.min(count, block);
  let total = 0;
  for (;;) {
    const want = count === null ? size : Math.min(count - total, size);
    if (want <= 0) return total;
    const buf = Buffer.allocUnsafe(want);
    const n = await readFile(loop, fd, buf, want, offset === 0 ? null : offset + total);
    if (n === 0) return total;
    await send(n === want ? buf : buf.subarray(0, n));
    total += n;
  }
}

/** CPython's `loop.sock_sendfile()`. @internal */
export async function sockSendfileNow(
  loop: BaseEventLoop,
  sock: unknown,
  file: unknown,
  offset: unknown,
  count: unknown,
  options: unknown,
): Promise<number> {
  // CPython: `only SOCK_STREAM type sockets are supported`.
  if (sock instanceof dgram.Socket) throw new RangeError("only SOCK_STREAM type sockets are supported");
  const s = streamSocket(sock, "sockSendfile");
  const fallback = checkSendfile(file, offset, count, options);
  if (!fallback) {
    // CPython 3.13 unix_events.py where os.sendfile is missing.
    throw new SendfileNotAvailableError(
      "os.sendfile() is not available: Node has no sendfile(2) for sockets; pass { fallback: true } to send the file by chunks",
    );
  }
  return await readBlocks(
    loop,
    file as SendfileSource,
    offset as number,
    (count ?? null) as number | null,
    SENDFILE_BLOCK,
    (chunk) => sockSendallNow(loop, s, chunk),
  );
}

/**
 * CPython 3.13 base_events.py _SendfileFallbackProtocol: stands in for the transport's protocol
 * while sendfile writes, with reading paused, and resumes the writes on resumeWriting().
 */
class SendfileFallbackProtocol extends Protocol {
  readonly #transport: SocketTransport;
  readonly #proto: StreamProtocol;
  readonly #shouldResumeReading: boolean;
  readonly #shouldResumeWriting: boolean;
  #writeReady: Future<null> | null;
  readonly #loop: BaseEventLoop;

  constructor(loop: BaseEventLoop, transport: SocketTransport) {
    super();
    this.#loop = loop;
    this.#transport = transport;
    this.#proto = transport.getProtocol();
    this.#shouldResumeReading = transport.isReading();
    this.#shouldResumeWriting = transport[kWritingPaused]();
    transport.pauseReading();
    transport.setProtocol(this);
    this.#writeReady = this.#shouldResumeWriting ? loop.createFuture<null>() : null;
  }

  async drain(): Promise<void> {
    if (this.#transport.isClosing()) throw new ConnectionError("Connection closed by peer");
    const fut = this.#writeReady;
    if (fut !== null) await fut;
  }

  override connectionMade(): void {
    throw new RuntimeError("Invalid state: connection should have been established already.");
  }

  override connectionLost(exc: Error | null): void {
    const fut = this.#writeReady;
    if (fut !== null && !fut.done()) {
      // CPython: never happens if the peer disconnects after the whole content was sent.
      fut.setException(exc ?? new ConnectionError("Connection is closed by peer"));
    }
    this.#proto.connectionLost(exc);
  }

  override pauseWriting(): void {
    this.#writeReady ??= this.#loop.createFuture<null>();
  }

  override resumeWriting(): void {
    const fut = this.#writeReady;
    if (fut === null) return;
    this.#writeReady = null;
    if (!fut.done()) fut.setResult(null);
  }

  override dataReceived(): void {
    throw new RuntimeError("Invalid state: reading should be paused");
  }

  override eofReceived(): boolean {
    throw new RuntimeError("Invalid state: reading should be paused");
  }

  restore(): void {
    this.#transport.setProtocol(this.#proto);
    if (this.#shouldResumeReading) this.#transport.resumeReading();
    // Nobody waits on it any more: the protocol is switched back.
    this.#writeReady?.cancel();
    if (this.#shouldResumeWriting) this.#proto.resumeWriting();
  }
}

/** Python's ConnectionError, which sendfile's fallback raises when the peer goes away. */
class ConnectionError extends Error {
  override readonly name = "ConnectionError";
}

/** CPython's `loop.sendfile()`. @internal */
export async function sendfileNow(
  loop: BaseEventLoop,
  transport: unknown,
  file: unknown,
  offset: unknown,
  count: unknown,
  options: unknown,
): Promise<number> {
  if (transport instanceof net.Socket) {
    // A StreamWriter's transport (a TLS one too, as CPython's SSL transport takes the fallback):
    // the file is written as the writer writes, waiting for 'drain'.
    const fallback = checkSendfile(file, offset, count, options);
    if (transport.destroyed || transport.writableEnded) throw new RuntimeError("Transport is closing");
    if (!fallback) {
      throw new RuntimeError(
        `fallback is disabled and native sendfile is not supported for transport ${show(transport)}`,
      );
    }
    adopt(transport);
    return await readBlocks(
      loop,
      file as SendfileSource,
      offset as number,
      (count ?? null) as number | null,
      TRANSPORT_SENDFILE_BLOCK,
      async (chunk) => {
        if (transport.errored !== null) throw transport.errored;
        if (transport.destroyed) throw new ConnectionError("Connection closed by peer");
        if (!transport.write(chunk)) await drained(loop, transport);
      },
    );
  }
  if (!(transport instanceof SocketTransport)) {
    // CPython: a transport without _sendfile_compatible (datagram, subprocess, SSL...).
    throw new RuntimeError(`sendfile is not supported for transport ${show(transport)}`);
  }
  if (transport.isClosing()) throw new RuntimeError("Transport is closing");
  const fallback = checkSendfile(file, offset, count, options);
  if (!fallback) {
    throw new RuntimeError(
      `fallback is disabled and native sendfile is not supported for transport ${show(transport)}`,
    );
  }
  const proto = new SendfileFallbackProtocol(loop, transport);
  try {
    return await readBlocks(
      loop,
      file as SendfileSource,
      offset as number,
      (count ?? null) as number | null,
      TRANSPORT_SENDFILE_BLOCK,
      async (chunk) => {
        await proto.drain();
        transport.write(chunk);
      },
    );
  } finally {
    proto.restore();
  }
}

/** Wait for a socket's 'drain' (or its end). */
async function drained(loop: BaseEventLoop, sock: net.Socket): Promise<void> {
  const fut = loop.createFuture<null>();
  const wake = (): void => {
    soon(loop, () => {
      if (!fut.done()) fut.setResult(null);
    });
  };
  sock.once("drain", wake);
  sock.once("close", wake);
  try {
    await fut;
  } finally {
    sock.off("drain", wake);
    sock.off("close", wake);
  }
}
