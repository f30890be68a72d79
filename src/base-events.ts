/**
 * The event loop: CPython's BaseEventLoop scheduling (a FIFO ready queue, a heap of timers,
 * `_run_once` snapshots) driven on top of Node's own loop.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html
 * @module
 */
/**
 * The event loop: CPython's BaseEventLoop scheduling (a FIFO ready queue, a heap of timers,
 * `_run_once` snapshots) driven on top of Node's own loop.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html
 * @module
 */
import { Handle } from "./events.ts";
import { Coroutine, libraryCoroutine } from "./coroutines.ts";
import { threadHandleFor, type ThreadHandle } from "./threadsafe.ts";
import {
  createDatagramEndpointNow,
  type DatagramEndpointOptions,
  type DatagramSocketTransport,
  type ProtocolFactory,
} from "./datagram.ts";
import { getaddrinfoNow, getnameinfoNow, type AddrInfo, type GetaddrinfoOptions } from "./dns.ts";
import {
  connectAcceptedSocketNow,
  createConnectionNow,
  createServerNow,
  createUnixConnectionNow,
  createUnixServerNow,
  startTlsNow,
  type ConnectAcceptedSocketOptions,
  type CreateConnectionOptions,
  type CreateServerOptions,
  type CreateUnixConnectionOptions,
  type CreateUnixServerOptions,
  type SocketTransport,
  type StreamProtocol,
} from "./tcp.ts";
import type { Server } from "./server.ts";
import {
  connectReadPipeNow,
  connectWritePipeNow,
  type ReadPipe,
  type ReadPipeTransport,
  type WritePipe,
  type WritePipeTransport,
} from "./pipes.ts";
import {
  subprocessExecNow,
  subprocessShellNow,
  type BaseSubprocessTransport,
  type SubprocessTransportOptions,
} from "./base-subprocess.ts";
import type {
  BaseProtocol,
  BufferedProtocol,
  DatagramAddress,
  DatagramProtocol,
  Protocol,
  SubprocessProtocol,
} from "./protocols.ts";
import type { StartTlsTransportOptions } from "./ssl-transport.ts";
import type { SSLContext } from "./sslproto.ts";
import type { ExtraInfo, InetSockName } from "./streams.ts";
import type { Transport } from "./transports.ts";
import type net from "node:net";

import type dgram from "node:dgram";

import type { Buffer } from "node:buffer";
import {
  sendfileNow,
  sockAcceptNow,
  sockConnectNow,
  sockRecvfromIntoNow,
  sockRecvfromNow,
  sockRecvIntoNow,
  sockRecvNow,
  sockSendallNow,
  sockSendfileNow,
  sockSendtoNow,
  type SendfileOptions,
  type SendfileSource,
  type SocketAddress,
} from "./selector-events.ts";
import { LoopCore } from "./loop-core.ts";
export type { ExceptionContext, ExceptionHandler, TaskFactory, TaskFactoryOptions } from "./loop-core.ts";

/**
 * The event loop. `EventLoop` (the real-clock one) and the virtual-time loop of
 * `asyncio-ts/testing` share this class.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.AbstractEventLoop
 */
export class BaseEventLoop extends LoopCore {
  // ---- the low-level network API: thin delegates to datagram.ts and dns.ts ------------------

  /**
   * Create a UDP endpoint on `node:dgram` and return `[transport, protocol]`. `localAddr` binds
   * it, `remoteAddr` connects it (then `sendto(data)` needs no address, and an ICMP "port
   * unreachable" reaches `errorReceived` as `ECONNREFUSED`); `sock` takes an existing
   * `dgram.Socket`. Lazy, as every coroutine.
   * @throws {TypeError} for `reuseAddress` (removed in CPython 3.13), a bad address or factory.
   * @example
   * class Echo extends asyncio.DatagramProtocol {
   *   transport!: asyncio.DatagramTransport;
   *   override connectionMade(t: asyncio.DatagramTransport) { this.transport = t; }
   *   override datagramReceived(data: Buffer, addr: asyncio.DatagramAddress) { this.transport.sendto(data, addr); }
   * }
   * const [transport] = await loop.createDatagramEndpoint(Echo, { localAddr: ["127.0.0.1", 9999] });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_datagram_endpoint
   */
  createDatagramEndpoint<P extends DatagramProtocol>(
    protocolFactory: ProtocolFactory<P>,
    options: DatagramEndpointOptions = {},
  ): Coroutine<[DatagramSocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_datagram_endpoint", this, createDatagramEndpointNow, null, [
      this,
      protocolFactory,
      options,
    ]);
  }

  /**
   * Resolve `host`/`port` on `node:dns` into `[family, type, proto, canonname, sockaddr]` entries
   * (Python's `socket.getaddrinfo()`), with `asyncio.socket`'s constants. Lazy.
   * @throws gaierror (`name === "gaierror"`, Python's message) when the name does not resolve.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.getaddrinfo
   */
  getaddrinfo(
    host: string | null,
    port: string | number | null,
    options: GetaddrinfoOptions = {},
  ): Coroutine<AddrInfo[]> {
    return libraryCoroutine("BaseEventLoop.getaddrinfo", this, getaddrinfoNow, null, [
      this,
      host,
      port,
      options,
    ]);
  }

  /**
   * Look up the host name and service of a socket address (Python's `socket.getnameinfo()`):
   * `[host, service]`; `flags` are `asyncio.socket.NI_*`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.getnameinfo
   */
  getnameinfo(sockaddr: DatagramAddress, flags = 0): Coroutine<[host: string, service: string]> {
    return libraryCoroutine("BaseEventLoop.getnameinfo", this, getnameinfoNow, null, [this, sockaddr, flags]);
  }

  // ---- threads (src/threadsafe.ts) ----------------------------------------------------------

  /**
   * Schedule `callback(...args)` from this loop's own thread: the same as {@link callSoon} (a
   * loop object cannot reach another thread). From another thread, use the module function
   * `callSoonThreadsafe(handle, { module, name }, ...args)` with this loop's {@link threadHandle}.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.call_soon_threadsafe
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    return this.callSoon(callback, ...args);
  }

  /**
   * A new handle to this loop for another thread (send it with its port in the transfer list),
   * where `runCoroutineThreadsafe` and `callSoonThreadsafe` run functions on this loop. See
   * docs/io.md#loops-in-worker-threads. @extension
   * @throws {RuntimeError} `Event loop is closed`.
   */
  threadHandle(): ThreadHandle {
    return threadHandleFor(this);
  }

  // ---- stream sockets for protocols: thin delegates to tcp.ts ----------------------------------

  /**
   * Open a TCP connection to `host`:`port` (or use `sock`, a connected `net.Socket` or file
   * descriptor) and return `[transport, protocol]` once `connectionMade` has run. Lazy.
   * @throws {RangeError} `host and port was not specified and no sock specified`, ...
   * @throws the connection's error, with Node's `code` (`ECONNREFUSED`...).
   * @example
   * const [transport, protocol] = await loop.createConnection(() => new EchoClient(), "127.0.0.1", 8888);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_connection
   */
  createConnection<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    host: string | null = null,
    port: number | null = null,
    options: CreateConnectionOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_connection", this, createConnectionNow, null, [
      this,
      protocolFactory,
      host,
      port,
      options,
    ]);
  }

  /**
   * Start a TCP server on `host` (a name, a list, or null for all interfaces) and `port`; each
   * connection gets a protocol from `protocolFactory` and a transport. Lazy.
   * @example
   * const server = await loop.createServer(() => new EchoServer(), "127.0.0.1", 8888);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_server
   */
  createServer(
    protocolFactory: ProtocolFactory<StreamProtocol>,
    host: string | readonly string[] | null = null,
    port: number | null = null,
    options: CreateServerOptions = {},
  ): Coroutine<Server<InetSockName>> {
    return libraryCoroutine("BaseEventLoop.create_server", this, createServerNow, null, [
      this,
      protocolFactory,
      host,
      port,
      options,
    ]);
  }

  /**
   * Open a Unix socket connection to `path` and return `[transport, protocol]`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_unix_connection
   */
  createUnixConnection<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    path: string | null = null,
    options: CreateUnixConnectionOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.create_unix_connection", this, createUnixConnectionNow, null, [
      this,
      protocolFactory,
      path,
      options,
    ]);
  }

  /**
   * Start a Unix socket server on `path` (a stale socket file there is removed first). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_unix_server
   */
  createUnixServer(
    protocolFactory: ProtocolFactory<StreamProtocol>,
    path: string | null = null,
    options: CreateUnixServerOptions = {},
  ): Coroutine<Server<string>> {
    return libraryCoroutine("BaseEventLoop.create_unix_server", this, createUnixServerNow, null, [
      this,
      protocolFactory,
      path,
      options,
    ]);
  }

  /**
   * Wrap a connection accepted outside asyncio (a `net.Socket`, or its file descriptor) into a
   * transport and protocol; with `ssl`, as the server side of a TLS handshake first. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_accepted_socket
   */
  connectAcceptedSocket<P extends StreamProtocol>(
    protocolFactory: ProtocolFactory<P>,
    sock: net.Socket | number,
    options: ConnectAcceptedSocketOptions = {},
  ): Coroutine<[SocketTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_accepted_socket", this, connectAcceptedSocketNow, null, [
      this,
      protocolFactory,
      sock,
      options,
    ]);
  }

  /**
   * Upgrade an existing connection to TLS (STARTTLS): run the handshake over `transport`'s socket
   * and return the new transport, which `protocol` uses from now on (its `connectionMade` is not
   * called again). The old transport must not be used afterwards: it is closed, without a
   * `connectionLost()`. Data received and not yet delivered to the old protocol goes to the
   * handshake, as in CPython. On failure, timeout or cancellation the connection is closed. Lazy.
   * @param sslcontext a `tls.SecureContext` or the options of one (`{ ca }`; `{ key, cert }` on
   * the server side).
   * @param options `serverSide`, `serverHostname` (client side: the name the certificate must
   * match; `""` skips the hostname check), `sslHandshakeTimeout` (seconds, default 60),
   * `sslShutdownTimeout` (seconds, default 30).
   * @throws {TypeError} `transport <…> is not supported by start_tls()` for a transport that is
   * not a stream socket's (datagram, pipe, subprocess); `sslcontext is expected to be an
   * instance of ssl.SSLContext …` for a non-object.
   * @throws {RangeError} `check_hostname requires server_hostname` for a client with no
   * `serverHostname` and a verifying context.
   * @throws the handshake's error: Node's, with its `code`, or `ECONNABORTED` on timeout.
   * @example
   * const tlsTransport = await loop.startTls(transport, protocol, { ca }, { serverHostname: "localhost" });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.start_tls
   */
  startTls(
    transport: SocketTransport,
    protocol: StreamProtocol,
    sslcontext: SSLContext,
    options: StartTlsTransportOptions = {},
  ): Coroutine<SocketTransport> {
    return libraryCoroutine("BaseEventLoop.start_tls", this, startTlsNow, null, [
      this,
      transport,
      protocol,
      sslcontext,
      options,
    ]);
  }

  // ---- socket objects used directly: thin delegates to selector-events.ts ----------------------

  /**
   * Receive up to `n` bytes from `sock`, a connected `net.Socket` read by nobody else (no `'data'`
   * listener); an empty Buffer at the end of the stream. Lazy.
   * @throws {RangeError} `negative buffersize in recv`; the socket's error (`ECONNRESET`...).
   * @throws {RuntimeError} when the socket is flowing (a transport or stream reads it).
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recv
   */
  sockRecv(sock: net.Socket, n: number): Coroutine<Buffer> {
    return libraryCoroutine("BaseEventLoop.sock_recv", this, sockRecvNow, null, [this, sock, n]);
  }

  /**
   * Receive bytes from `sock` (a `net.Socket`) into `buf`; return how many (0 at the end). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recv_into
   */
  sockRecvInto(sock: net.Socket, buf: ArrayBufferView): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_recv_into", this, sockRecvIntoNow, null, [this, sock, buf]);
  }

  /**
   * Receive a datagram of up to `bufsize` bytes (longer ones are truncated) from `sock`, a
   * `dgram.Socket`: `[data, address]`. Datagrams that arrive while no call waits are queued. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom
   */
  sockRecvfrom(sock: dgram.Socket, bufsize: number): Coroutine<[Buffer, DatagramAddress]> {
    return libraryCoroutine("BaseEventLoop.sock_recvfrom", this, sockRecvfromNow, null, [
      this,
      sock,
      bufsize,
    ]);
  }

  /**
   * Receive a datagram from `sock` (a `dgram.Socket`) into `buf` (up to `nbytes`, 0 for all of
   * it): `[nbytes, address]`. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_recvfrom_into
   */
  sockRecvfromInto(
    sock: dgram.Socket,
    buf: ArrayBufferView,
    nbytes = 0,
  ): Coroutine<[number, DatagramAddress]> {
    return libraryCoroutine("BaseEventLoop.sock_recvfrom_into", this, sockRecvfromIntoNow, null, [
      this,
      sock,
      buf,
      nbytes,
    ]);
  }

  /**
   * Send `data` on `sock`, a connected `net.Socket`; return once Node has handed all of it to
   * the kernel. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendall
   */
  sockSendall(sock: net.Socket, data: ArrayBufferView): Coroutine<void> {
    return libraryCoroutine("BaseEventLoop.sock_sendall", this, sockSendallNow, null, [this, sock, data]);
  }

  /**
   * Send a datagram from `sock` (a `dgram.Socket`, bound on first use if it is not) to `address`
   * (`[host, port]`); return the number of bytes sent. Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendto
   */
  sockSendto(sock: dgram.Socket, data: ArrayBufferView, address: DatagramAddress): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_sendto", this, sockSendtoNow, null, [
      this,
      sock,
      data,
      address,
    ]);
  }

  /**
   * Connect `sock`, a new `net.Socket`, to `address`: `[host, port]` (a name is resolved) or a
   * Unix socket's path. Cancelling it destroys the socket (Node cannot abandon a connect). Lazy.
   * @throws the connection's error, with Node's `code` (`ECONNREFUSED`...).
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_connect
   */
  sockConnect(sock: net.Socket, address: SocketAddress): Coroutine<void> {
    return libraryCoroutine("BaseEventLoop.sock_connect", this, sockConnectNow, null, [this, sock, address]);
  }

  /**
   * Accept a connection on `server`, a listening `net.Server` with no `'connection'` listener of
   * its own: `[socket, address]` (address `""` for a Unix socket). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_accept
   */
  sockAccept(server: net.Server): Coroutine<[net.Socket, DatagramAddress | string]> {
    return libraryCoroutine("BaseEventLoop.sock_accept", this, sockAcceptNow, null, [this, server]);
  }

  /**
   * Send `file` (a `FileHandle` or file descriptor) on `sock`, a connected `net.Socket`, from
   * `offset`, `count` bytes or to its end; return the bytes sent. Node has no sendfile(2) for
   * sockets: the file is read and sent by chunks (`fallback: false` raises
   * SendfileNotAvailableError). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sock_sendfile
   */
  sockSendfile(
    sock: net.Socket,
    file: SendfileSource,
    offset = 0,
    count: number | null = null,
    options: SendfileOptions = {},
  ): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sock_sendfile", this, sockSendfileNow, null, [
      this,
      sock,
      file,
      offset,
      count,
      options,
    ]);
  }

  /**
   * Send `file` on `transport` (a SocketTransport, or a StreamWriter's `transport`) from `offset`,
   * `count` bytes or to its end, with the transport's flow control; return the bytes sent. By
   * chunks, as Node has no sendfile(2) (`fallback: false` raises RuntimeError). Lazy.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.sendfile
   */
  sendfile(
    transport: SocketTransport | Transport<ExtraInfo> | net.Socket,
    file: SendfileSource,
    offset = 0,
    count: number | null = null,
    options: SendfileOptions = {},
  ): Coroutine<number> {
    return libraryCoroutine("BaseEventLoop.sendfile", this, sendfileNow, null, [
      this,
      transport,
      file,
      offset,
      count,
      options,
    ]);
  }

  // ---- pipes and subprocesses: thin delegates to pipes.ts and base-subprocess.ts ---------------

  /**
   * Register the read end of a pipe: `pipe` is a file descriptor (a FIFO, a socket or a
   * character device, as CPython takes) or a readable stream (`process.stdin`, a child's
   * `stdout`, a `net.Socket`, an `fs.ReadStream`). Return `[transport, protocol]` once
   * `connectionMade` has run; the transport closes the pipe when it is lost. Lazy.
   * @throws {TypeError} `connectReadPipe() pipe must be a file descriptor (a number), a net.Socket or a stream ...`.
   * @throws {RangeError} `Pipe transport is for pipes/sockets only.` for a regular file's descriptor.
   * @example
   * const [transport, protocol] = await loop.connectReadPipe(() => new Reader(), child.stdout);
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_read_pipe
   */
  connectReadPipe<P extends Protocol | BufferedProtocol>(
    protocolFactory: ProtocolFactory<P>,
    pipe: ReadPipe,
  ): Coroutine<[ReadPipeTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_read_pipe", this, connectReadPipeNow, null, [
      this,
      protocolFactory,
      pipe,
    ]);
  }

  /**
   * Register the write end of a pipe: `pipe` is a file descriptor (a FIFO, a socket or a
   * character device) or a writable stream (`process.stdout`, a child's `stdin`, a `net.Socket`,
   * an `fs.WriteStream`). Return `[transport, protocol]` once `connectionMade` has run. Lazy.
   * @throws {TypeError} `connectWritePipe() pipe must be a file descriptor (a number), a net.Socket or a stream ...`.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.connect_write_pipe
   */
  connectWritePipe<P extends BaseProtocol>(
    protocolFactory: ProtocolFactory<P>,
    pipe: WritePipe,
  ): Coroutine<[WritePipeTransport, P]> {
    return libraryCoroutine("BaseEventLoop.connect_write_pipe", this, connectWritePipeNow, null, [
      this,
      protocolFactory,
      pipe,
    ]);
  }

  /**
   * Run `program` with `args` (no shell; the last argument may be an options object) under a
   * {@link SubprocessProtocol}; return `[transport, protocol]` once `connectionMade` has run.
   * stdin, stdout and stderr default to `PIPE`, as CPython's. Lazy.
   * @throws Node's spawn error (`code` `ENOENT`...), `TypeError` for an argument that is not a
   * string, `RangeError` for text-mode options (`text must be False`...).
   * @example
   * const [transport, protocol] = await loop.subprocessExec(() => new P(), "ls", "-l", { stdin: null });
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.subprocess_exec
   */
  subprocessExec<P extends SubprocessProtocol>(
    protocolFactory: ProtocolFactory<P>,
    program: string,
    ...args: [...string[], SubprocessTransportOptions] | string[]
  ): Coroutine<[BaseSubprocessTransport, P]> {
    return libraryCoroutine("BaseEventLoop.subprocess_exec", this, subprocessExecNow, null, [
      this,
      protocolFactory,
      program,
      ...args,
    ]);
  }

  /**
   * Run `cmd` through the shell (`/bin/sh -c` on POSIX) under a {@link SubprocessProtocol}, as
   * {@link subprocessExec}. Quote every piece of data that goes into `cmd`. Lazy.
   * @throws {RangeError} `cmd must be a string`, or for text-mode options.
   * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.subprocess_shell
   */
  subprocessShell<P extends SubprocessProtocol>(
    protocolFactory: ProtocolFactory<P>,
    cmd: string,
    options: SubprocessTransportOptions = {},
  ): Coroutine<[BaseSubprocessTransport, P]> {
    return libraryCoroutine("BaseEventLoop.subprocess_shell", this, subprocessShellNow, null, [
      this,
      protocolFactory,
      cmd,
      options,
    ]);
  }
}

/**
 * The platform's event loop class (Node's libuv underneath): what `newEventLoop()` returns.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.EventLoop
 */
export class EventLoop extends BaseEventLoop {}

/**
 * Create and return a new event loop object.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.new_event_loop
 */
export function newEventLoop(): EventLoop {
  return new EventLoop();
}
