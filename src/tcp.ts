/**
 * Stream sockets for protocols (CPython's `loop.create_connection()`, `create_server()`, their
 * Unix forms, `connect_accepted_socket()` and the `_SelectorSocketTransport` they make) on
 * `node:net`: the socket transport, and the connection's or server's creation.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#opening-network-connections
 * @module
 */
import type { Buffer } from "node:buffer";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import type tls from "node:tls";
import path from "node:path";
import type { BaseEventLoop } from "./base-events.ts";
import type { ProtocolFactory } from "./datagram.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { logger } from "./debug.ts";
import { getRunningLoop } from "./events.ts";
import type { TimerHandle } from "./events.ts";
import { NotImplementedError, RuntimeError, TimeoutError } from "./exceptions.ts";
import type { Future } from "./futures.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { WriteFlowControl } from "./internal/flow-control.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import { connectionLost, socketNames } from "./internal/stream-transport.ts";
import { kTakeSocket } from "./internal/symbols.ts";
import { BufferedProtocol, feedDataToBufferedProto, type Protocol } from "./protocols.ts";
import { listen, newServer, serverOf, type Server, type ServerClient } from "./server.ts";
import { socket as sk, streamSocketOf } from "./socket.ts";
import {
  handshake,
  type ProtocolTls,
  protocolClientTls,
  protocolServerTls,
  serverHandshake,
  checkSslContext,
  startTlsParams,
  type StartTlsTransportOptions,
  type TlsExtraInfo,
  tlsExtra,
  upgradeSocket,
} from "./ssl-transport.ts";
import { debug, type SSLContext } from "./sslproto.ts";
import type { ExtraInfo, InetSockName } from "./streams.ts";
import { Transport } from "./transports.ts";

/** CPython 3.13 asyncio/constants.py. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;

/** The key of SocketTransport's `_protocol_paused`. @internal */
export const kWritingPaused: unique symbol = Symbol("asyncio-ts.writingPaused");

/** A stream protocol: a {@link Protocol} or a {@link BufferedProtocol}. */
export type StreamProtocol = Protocol | BufferedProtocol;

/**
 * What `getExtraInfo()` knows on a socket transport: `peername`, `sockname`, `socket` (the
 * `net.Socket`); over TLS also `sslcontext`, `peercert`, `cipher`, `compression` and `ssl_object`
 * (the `tls.TLSSocket`), as `StreamWriter.getExtraInfo()` gives them.
 */
export type SocketExtraInfo = Pick<ExtraInfo, "peername" | "sockname" | "socket"> & Partial<TlsExtraInfo>;

function noop(): void {}

function isClass(fn: unknown): fn is new () => unknown {
  return typeof fn === "function" && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** @internal */
export function makeProtocol<P>(factory: ProtocolFactory<P>): P {
  return isClass(factory) ? new factory() : factory();
}

/** @internal */
export function checkFactory(factory: unknown): void {
  if (typeof factory !== "function") {
    throw new TypeError(
      `protocolFactory must be a function returning a Protocol (or a protocol class), got ${reprValue(factory)}`,
    );
  }
}

function checkOptions(options: unknown): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`options must be an object, got ${reprValue(options)}`);
  }
}

/**
 * The transport of a stream socket (TCP or Unix), over a `net.Socket`. Data, end of file and
 * errors reach the protocol from loop callbacks, in the order Node delivered them. The write
 * buffer is Node's (`socket.writableLength`): `pauseWriting()` is called when it goes over the
 * high-water mark, `resumeWriting()` when Node has handed enough of it to the kernel.
 *
 * Over TLS (`ssl` of the loop's methods, `loop.startTls()`) the socket is a `tls.TLSSocket`, as
 * CPython's `_SSLProtocolTransport`: no half-close (`canWriteEof()` is false), the peer's end of
 * file closes the transport, and `close()` sends the TLS close_notify and waits up to
 * `sslShutdownTimeout` seconds for the peer's (then `eofReceived()`, `connectionLost(null)`)
 * before aborting with `TimeoutError('SSL shutdown timed out')`.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.Transport
 */
export class SocketTransport extends Transport<SocketExtraInfo> {
  readonly #loop: BaseEventLoop;
  readonly #socket: net.Socket;
  #protocol: StreamProtocol;
  readonly #flow: WriteFlowControl;
  #closing = false;
  #eof = false;
  /** Set when connectionLost() is scheduled; counts the writes dropped since (CPython's _conn_lost). */
  #connLost = 0;
  #paused = false;
  /** Chunks received and not yet delivered (reading paused), then `null` for the end of file. */
  readonly #pending: (Buffer | null)[] = [];
  #flushing = false;
  #onLost: (() => void) | null = null;
  #resumeScheduled = false;
  /** The socket closed under us (both ends done): lost once the pending data is delivered. */
  #socketGone = false;
  readonly #unhook: () => void;
  /** Over TLS: the seconds close() waits for the TLS shutdown (CPython's ssl_shutdown_timeout). */
  readonly #tls: { readonly shutdownTimeout: number } | null;
  #shutdownTimer: TimerHandle | null = null;
  /** The TLS transport `loop.startTls()` made over this one's socket. */
  #successor: SocketTransport | null = null;

  /**
   * Made by the loop's connection and server methods. `tls` once `socket` is a secure TLS socket;
   * `connectionMade` false for `loop.startTls()`, whose protocol has had its call. @internal
   */
  constructor(
    loop: BaseEventLoop,
    socket: net.Socket,
    protocol: StreamProtocol,
    extra: SocketExtraInfo,
    waiter: Future<null> | null,
    tls: { readonly shutdownTimeout: number } | null = null,
    connectionMade = true,
  ) {
    super(extra);
    this.#loop = loop;
    this.#socket = socket;
    this.#protocol = protocol;
    this.#tls = tls;
    this.#flow = new WriteFlowControl(loop, this);
    // CPython sets TCP_NODELAY on every TCP transport (selector_events._set_nodelay).
    if (typeof extra.peername !== "string") socket.setNoDelay(true);
    socket.on("data", this.#onData);
    socket.on("end", this.#onEnd);
    socket.on("error", this.#onError);
    socket.on("close", this.#onClose);
    // The loop owns the socket: one still open when the loop closes is destroyed.
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#destroy();
    });
    // CPython: connection_made, then reading starts, then the waiter is woken.
    socket.pause();
    if (connectionMade) {
      loop.callSoon(() => {
        this.#protocol.connectionMade(this);
      });
    }
    loop.callSoon(() => {
      if (!this.#closing && !this.#paused) socket.resume();
    });
    if (waiter !== null) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(null);
      });
    }
  }

  /** Run `fn` on the loop, unless the loop is closed (then the socket is destroyed). */
  #post(fn: () => void): void {
    if (this.#loop.isClosed()) {
      this.#destroy();
      return;
    }
    this.#loop.callSoon(fn);
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#pending.push(chunk);
    if (this.#pending.length === 1) this.#post(this.#flush);
  };

  readonly #onEnd = (): void => {
    this.#pending.push(null);
    if (this.#pending.length === 1) this.#post(this.#flush);
  };

  /** Deliver what arrived, in order, until reading is paused or the transport is lost. */
  readonly #flush = (): void => {
    if (this.#flushing) return;
    this.#flushing = true;
    const pending = this.#pending;
    try {
      while (pending.length > 0 && !this.#paused && this.#connLost === 0) {
        const chunk = pending.shift() as Buffer | null;
        if (chunk === null) this.#eofReceived();
        else this.#dataReceived(chunk);
      }
    } finally {
      this.#flushing = false;
    }
    if (this.#connLost !== 0) pending.length = 0;
    else if (pending.length === 0 && this.#socketGone) {
      this.#closing = true;
      this.#scheduleLost(null);
    }
  };

  #dataReceived(data: Buffer): void {
    try {
      const protocol = this.#protocol;
      if (protocol instanceof BufferedProtocol) feedDataToBufferedProto(protocol, data);
      else protocol.dataReceived(data);
    } catch (exc) {
      this.#fatalError(exc, "Fatal error: protocol.data_received() call failed.");
    }
  }

  #eofReceived(): void {
    let keepOpen: unknown;
    try {
      keepOpen = this.#protocol.eofReceived();
    } catch (exc) {
      this.#fatalError(exc, "Fatal error: protocol.eof_received() call failed.");
      return;
    }
    // CPython: a truthy return keeps the transport open (half-closed); else it is closed. TLS has
    // no half-close (CPython 3.13 sslproto.py _call_eof_received).
    if (keepOpen && this.#tls !== null) {
      logger.warn("returning true from eof_received() has no effect when using ssl");
    }
    if (!keepOpen || this.#tls !== null) this.close();
  }

  readonly #onError = (err: Error): void => {
    this.#post(() => {
      if (this.#connLost !== 0) return;
      this.#fatalError(err, "Fatal read error on socket transport");
    });
  };

  // Closed under us (both directions ended, or destroyed by its owner): the connection is lost.
  readonly #onClose = (): void => {
    this.#post(() => {
      this.#socketGone = true;
      // What arrived before is delivered first (reading may be paused): #flush then ends it.
      if (this.#connLost !== 0 || this.#pending.length > 0) return;
      this.#closing = true;
      this.#scheduleLost(null);
    });
  };

  /** CPython `_fatal_error`: OSErrors (Node's system errors) are not reported, others are. */
  #fatalError(exc: unknown, message: string): void {
    const system = exc instanceof Error && typeof (exc as NodeJS.ErrnoException).code === "string";
    if (!system) {
      this.#loop.callExceptionHandler({ message, exception: exc, transport: this, protocol: this.#protocol });
    } else {
      debug("%s: %s: %s", String(this), message, exc);
    }
    this.#forceClose(exc instanceof Error ? exc : new Error(String(exc)));
  }

  #forceClose(exc: Error | null): void {
    if (this.#connLost !== 0) return;
    this.#closing = true;
    this.#socket.pause();
    this.#scheduleLost(exc);
  }

  #scheduleLost(exc: Error | null): void {
    this.#connLost++;
    this.#shutdownTimer?.cancel();
    this.#loop.callSoon(() => {
      try {
        this.#protocol.connectionLost(exc);
      } finally {
        this.#destroy();
        const onLost = this.#onLost;
        this.#onLost = null;
        onLost?.();
      }
    });
  }

  #destroy(): void {
    this.#unhook();
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onClose);
    // Errors of a closing socket reach nobody; the listener stays so none is unhandled.
    this.#socket.on("error", noop);
    this.#socket.off("error", this.#onError);
    this.#socket.destroy();
  }

  /** @internal for the server: called once the transport is lost. */
  setOnLost(fn: () => void): void {
    this.#onLost = fn;
  }

  /**
   * Write `data`: what the kernel does not take at once is buffered. The bytes are not copied.
   * @throws {TypeError} `data argument must be a bytes-like object, not 'str'`.
   * @throws {RuntimeError} `Cannot call write() after write_eof()`.
   */
  override write(data: Uint8Array | ArrayBufferView): void {
    const given: unknown = data;
    if (!ArrayBuffer.isView(given)) {
      const name = typeof given === "string" ? "str" : given === null ? "NoneType" : typeof given;
      throw new TypeError(`data argument must be a bytes-like object, not '${name}'`);
    }
    if (this.#eof) throw new RuntimeError("Cannot call write() after write_eof()");
    if (data.byteLength === 0) return;
    if (this.#connLost !== 0) {
      if (this.#connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) logger.warn("socket.send() raised exception.");
      this.#connLost++;
      return;
    }
    const bytes =
      data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.#socket.write(bytes, this.#written);
    this.#flow.maybePause(this.#socket.writableLength, this.#protocol);
  }

  // A write reached the kernel: resume the protocol once the buffer is at the low mark.
  readonly #written = (): void => {
    if (!this.#flow.paused || this.#resumeScheduled) return;
    this.#resumeScheduled = true;
    this.#post(() => {
      this.#resumeScheduled = false;
      if (this.#connLost === 0) this.#flow.maybeResume(this.#socket.writableLength, this.#protocol);
    });
  };

  /** Write each chunk of `listOfData` (no concatenation: Node writes them in order). */
  override writelines(listOfData: Iterable<Uint8Array>): void {
    for (const data of listOfData) this.write(data);
  }

  /**
   * Close the write end (a FIN) once the buffer is flushed; data may still be received.
   * @throws {NotImplementedError} `writeEof() is not supported by TLS transports` over TLS (CPython
   * raises a bare NotImplementedError).
   */
  override writeEof(): void {
    if (this.#tls !== null) throw new NotImplementedError("writeEof() is not supported by TLS transports");
    if (this.#closing || this.#eof) return;
    this.#eof = true;
    this.#socket.end();
  }

  /** True, but false over TLS, which has no half-close. */
  override canWriteEof(): boolean {
    return this.#tls === null;
  }

  /**
   * Close the transport: stop reading, flush the write buffer, then call the protocol's
   * `connectionLost(null)`.
   */
  override close(): void {
    if (this.#successor !== null) {
      this.#successor.close();
      return;
    }
    if (this.#closing) return;
    this.#closing = true;
    this.#pending.length = 0;
    const socket = this.#socket;
    if (this.#tls !== null) {
      this.#shutdownTls(socket, this.#tls.shutdownTimeout);
      return;
    }
    socket.pause();
    if (socket.writableLength === 0 || socket.writableFinished) {
      this.#scheduleLost(null);
      return;
    }
    // Wait for the buffer to reach the kernel, as CPython's close() waits for its own.
    if (!this.#eof) socket.end();
    socket.once("finish", () => {
      this.#post(() => {
        if (this.#connLost === 0) this.#scheduleLost(null);
      });
    });
  }

  /**
   * CPython 3.13 sslproto.py _start_shutdown: the close_notify goes out after the buffered data,
   * then the peer's is awaited. Its end of file reaches the protocol (`eofReceived()`, as CPython
   * calls it on the closing side too), then the socket's close calls `connectionLost(null)`. Data
   * arriving meanwhile is dropped. No answer within `timeout` seconds: `TimeoutError`.
   */
  #shutdownTls(socket: net.Socket, timeout: number): void {
    socket.off("data", this.#onData);
    socket.on("data", noop);
    if (!socket.writableEnded) socket.end();
    socket.resume();
    this.#shutdownTimer = this.#loop.callLater(timeout, () => {
      this.#forceClose(new TimeoutError("SSL shutdown timed out"));
    });
  }

  /** Close the transport at once: buffered data is lost; then `connectionLost(null)`. */
  override abort(): void {
    if (this.#successor !== null) {
      this.#successor.abort();
      return;
    }
    this.#forceClose(null);
  }

  override isClosing(): boolean {
    return this.#closing;
  }

  override isReading(): boolean {
    return !this.#paused && !this.#closing;
  }

  /** Stop delivering data: no `dataReceived()` until `resumeReading()`. */
  override pauseReading(): void {
    if (this.#closing || this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  override resumeReading(): void {
    if (this.#closing || !this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
    if (this.#pending.length > 0) this.#loop.callSoon(this.#flush);
  }

  override setProtocol(protocol: StreamProtocol): void {
    this.#protocol = protocol;
  }

  override getProtocol(): StreamProtocol {
    return this.#protocol;
  }

  /** Whether the protocol's writing is paused (CPython's `_protocol_paused`), for sendfile. @internal */
  [kWritingPaused](): boolean {
    return this.#flow.paused;
  }

  /** The bytes written and not yet handed to the kernel (Node's `socket.writableLength`). */
  override getWriteBufferSize(): number {
    return this.#socket.writableLength;
  }

  override getWriteBufferLimits(): [low: number, high: number] {
    return this.#flow.limits();
  }

  /**
   * Set the write flow control marks, in bytes (see WriteTransport.setWriteBufferLimits).
   * @throws {RangeError} `high (…) must be >= low (…) must be >= 0`.
   */
  override setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    this.#flow.setLimits(high, low);
    this.#flow.maybePause(this.#socket.writableLength, this.#protocol);
  }

  /**
   * Give the socket up to `loop.startTls()`: no listener or close hook of this transport stays on
   * it, and what was received but not delivered goes back into it, for the TLS socket (CPython
   * leaves it in the kernel: start_tls pauses reading first). The transport is closed from now on,
   * without a connectionLost(); `handOver` names its successor, which a server closes through it
   * and which tells the server when it is lost. @internal
   */
  [kTakeSocket](): { socket: net.Socket; handOver: (next: SocketTransport | null) => void } {
    if (this.#closing || this.#pending.includes(null)) throw connectionLost();
    const socket = this.#socket;
    this.#unhook();
    this.#closing = true;
    this.#connLost = 1;
    socket.pause();
    socket.off("data", this.#onData);
    socket.off("end", this.#onEnd);
    socket.off("error", this.#onError);
    socket.off("close", this.#onClose);
    const pending = this.#pending as Buffer[];
    for (let i = pending.length - 1; i >= 0; i--) socket.unshift(pending[i]);
    pending.length = 0;
    const onLost = this.#onLost;
    this.#onLost = null;
    const handOver = (next: SocketTransport | null): void => {
      this.#successor = next;
      if (next !== null && onLost !== null) next.setOnLost(onLost);
      else onLost?.();
    };
    return { socket, handOver };
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const state =
      (this.#connLost !== 0 ? " closed" : this.#closing ? " closing" : "") +
      (this.#tls !== null ? " tls" : "");
    const peer = this._extra.peername;
    const name =
      peer === undefined
        ? ""
        : ` peername=${typeof peer === "string" ? reprValue(peer) : `(${reprValue(peer[0])}, ${peer[1]})`}`;
    return `<SocketTransport${state}${name}>`;
  }
}

function extraOf(socket: net.Socket, unixPath: string | null, serverSide: boolean): SocketExtraInfo {
  if (unixPath === null && socket.remoteAddress === undefined && socket.localAddress === undefined) {
    // A Unix socket given as sock=: Node knows no path for it.
    return { socket, peername: "", sockname: "" };
  }
  return { socket, ...socketNames(socket, unixPath, serverSide) };
}

/** Make the transport and protocol over a connected socket; wait for connectionMade. */
async function makeTransport<P extends StreamProtocol>(
  loop: BaseEventLoop,
  socket: net.Socket,
  protocolFactory: ProtocolFactory<P>,
  unixPath: string | null,
  serverSide: boolean,
  tlsParams: ProtocolTls | null,
): Promise<[SocketTransport, P]> {
  let protocol: P;
  try {
    protocol = makeProtocol(protocolFactory);
  } catch (e) {
    socket.destroy();
    throw e;
  }
  const extra = extraOf(socket, unixPath, serverSide);
  let secure: net.Socket = socket;
  // CPython 3.13 sslproto.py: the protocol's connection_made comes after the handshake.
  if (tlsParams !== null) {
    const t = await handshake(loop, socket, tlsParams);
    Object.assign(extra, tlsExtra(t, tlsParams.context));
    secure = t;
  }
  const waiter = loop.createFuture<null>();
  const transport = new SocketTransport(loop, secure, protocol, extra, waiter, tlsParams);
  try {
    await waiter;
  } catch (e) {
    transport.close();
    throw e;
  }
  return [transport, protocol];
}

/** Wait for `socket` to connect; destroy it on failure or cancellation. */
async function connected(loop: BaseEventLoop, socket: net.Socket, start: () => void): Promise<void> {
  const fut = loop.createFuture<null>();
  const onConnect = (): void => {
    loop.callSoon(() => {
      if (!fut.done()) fut.setResult(null);
    });
  };
  const onError = (err: Error): void => {
    loop.callSoon(() => {
      if (!fut.done()) fut.setException(err);
    });
  };
  socket.once("connect", onConnect);
  socket.once("error", onError);
  start();
  try {
    await fut;
  } catch (e) {
    socket.destroy();
    throw e;
  } finally {
    socket.off("connect", onConnect);
    socket.off("error", onError);
  }
}

/** Options of `loop.createConnection()`: CPython's keyword arguments, camelCased. */
export interface CreateConnectionOptions {
  /**
   * TLS: `true` for Node's default context (its bundled root certificates), or a
   * `tls.SecureContext` or the options of one (`{ ca }`, `rejectUnauthorized`, ...). The
   * protocol's `connectionMade` comes after the handshake.
   */
  ssl?: boolean | SSLContext | null;
  /** `socket.AF_INET`, `socket.AF_INET6`, or 0 (the default: either). */
  family?: number;
  /** The local `[host, port]` to bind the socket to. */
  localAddr?: readonly [host: string, port: number] | null;
  /**
   * With ssl: the name the server's certificate must match (default: `host`; `""` skips the
   * hostname check). Required with ssl and no host (`sock`).
   * @throws {RangeError} `server_hostname is only meaningful with ssl`.
   */
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /**
   * Happy Eyeballs (RFC 8305): seconds before trying the next address in parallel (Node's
   * `autoSelectFamily`, at least 10 ms).
   */
  happyEyeballsDelay?: number | null;
  /** An existing connected `net.Socket` (or its file descriptor) to use instead of connecting. */
  sock?: net.Socket | number | null;
}

/** CPython's `loop.create_connection()`, run in the awaiting task. @internal */
export async function createConnectionNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  host: string | null | undefined,
  port: number | null | undefined,
  options: CreateConnectionOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolClientTls(options, host ?? null, false);
  const { family = 0, localAddr = null, happyEyeballsDelay = null, sock = null } = options;
  if (sock !== null) {
    // CPython 3.13 base_events.py create_connection.
    if (host != null || port != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    const socket = streamSocketOf(sock);
    if (socket.connecting) await connected(loop, socket, noop);
    return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
  }
  if (host == null && port == null)
    throw new RangeError("host and port was not specified and no sock specified");
  const connectOptions: net.TcpSocketConnectOpts = { host: host ?? "localhost", port: port ?? 0 };
  if (family !== 0) {
    if (family === sk.AF_INET) connectOptions.family = 4;
    else if (family === sk.AF_INET6) connectOptions.family = 6;
    else
      throw new RangeError(`family must be socket.AF_INET, socket.AF_INET6 or 0, got ${reprValue(family)}`);
  }
  if (localAddr !== null) {
    const shape: unknown = localAddr;
    if (!Array.isArray(shape) || shape.length !== 2)
      throw new TypeError("localAddr must be a [host, port] tuple");
    connectOptions.localAddress = localAddr[0];
    connectOptions.localPort = localAddr[1];
  }
  if (happyEyeballsDelay !== null) {
    if (!(happyEyeballsDelay >= 0)) throw new RangeError("happyEyeballsDelay must be >= 0 seconds");
    connectOptions.autoSelectFamily = true;
    connectOptions.autoSelectFamilyAttemptTimeout = Math.max(10, Math.round(happyEyeballsDelay * 1000));
  }
  const socket = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
  await connected(loop, socket, () => {
    taskStorage.exit(() => socket.connect(connectOptions));
  });
  return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
}

/** Options of `loop.createUnixConnection()`. */
export interface CreateUnixConnectionOptions {
  /** TLS, as {@link CreateConnectionOptions.ssl}. */
  ssl?: boolean | SSLContext | null;
  /**
   * With ssl: the name the server's certificate must match; required (`""` skips the check).
   * @throws {RangeError} `you have to pass server_hostname when using ssl`.
   */
  serverHostname?: string | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /** An existing connected `net.Socket` (or its file descriptor) to use instead of connecting. */
  sock?: net.Socket | number | null;
}

/** CPython's `loop.create_unix_connection()`. @internal */
export async function createUnixConnectionNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  path: string | null | undefined,
  options: CreateUnixConnectionOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolClientTls(options, path ?? null, true);
  const { sock = null } = options;
  if (sock !== null) {
    if (path != null) throw new RangeError("path and sock can not be specified at the same time");
    const socket = streamSocketOf(sock);
    if (socket.connecting) await connected(loop, socket, noop);
    return await makeTransport(loop, socket, protocolFactory, null, false, tlsParams);
  }
  if (path == null) throw new RangeError("no path and sock were specified");
  if (typeof path !== "string") throw new TypeError(`path must be a string, got ${reprValue(path)}`);
  const socket = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
  await connected(loop, socket, () => {
    taskStorage.exit(() => socket.connect({ path }));
  });
  return await makeTransport(loop, socket, protocolFactory, path, false, tlsParams);
}

/** Options of `loop.connectAcceptedSocket()`. */
export interface ConnectAcceptedSocketOptions {
  /** TLS as the server side: a `tls.SecureContext` or the options of one (with `key` and `cert`). */
  ssl?: SSLContext | null;
  /** Seconds to wait for the TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
}

/** CPython's `loop.connect_accepted_socket()`. @internal */
export async function connectAcceptedSocketNow<P extends StreamProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  sock: net.Socket | number,
  options: ConnectAcceptedSocketOptions,
): Promise<[SocketTransport, P]> {
  checkFactory(protocolFactory);
  checkOptions(options);
  const tlsParams = protocolServerTls(options);
  const socket = streamSocketOf(sock);
  return await makeTransport(loop, socket, protocolFactory, null, true, tlsParams);
}

/** Options of `loop.createServer()`: CPython's keyword arguments, camelCased. */
export interface CreateServerOptions {
  /** `socket.AF_INET`, `socket.AF_INET6`, or 0 (the default: both, as the host resolves). */
  family?: number;
  /** The listen backlog (default 100). */
  backlog?: number;
  /**
   * TLS: a `tls.SecureContext` or the options of one (`key`, `cert`, ...). Each connection's
   * protocol gets `connectionMade` after its handshake; a failed handshake reaches no protocol.
   * @throws {TypeError} `ssl argument must be an SSLContext or None` for a boolean.
   */
  ssl?: SSLContext | null;
  /** Seconds to wait for each TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /**
   * `SO_REUSEADDR`: always on where libuv listens (Unix), which is asyncio's default there.
   * @throws {RangeError} for `false`, which Node cannot honour.
   */
  reuseAddress?: boolean | null;
  /** `SO_REUSEPORT`: several sockets may bind the same port. */
  reusePort?: boolean | null;
  /** An existing `net.Server` (listening or not) or the file descriptor of a listening socket. */
  sock?: net.Server | number | null;
  /**
   * Serve at once (the default). `false`: connections are accepted by the kernel but reach no
   * protocol until `server.startServing()` or `serveForever()`.
   */
  startServing?: boolean;
}

function acceptInto(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  unixPath: string | null,
  tlsParams: ProtocolTls | null,
): (socket: net.Socket) => ServerClient {
  return (socket) => {
    let protocol: StreamProtocol;
    try {
      protocol = makeProtocol(protocolFactory);
    } catch (exc) {
      // CPython 3.13 selector_events.py _accept_connection2.
      loop.callExceptionHandler({
        message: "Error on transport creation for incoming connection",
        exception: exc,
      });
      socket.destroy();
      return { close: noop, abort: noop, setOnLost: (fn) => loop.callSoon(fn) };
    }
    const extra = extraOf(socket, unixPath, true);
    if (tlsParams === null) return new SocketTransport(loop, socket, protocol, extra, null);
    return serverHandshake(loop, socket, tlsParams, (t) => {
      Object.assign(extra, tlsExtra(t, tlsParams.context));
      return new SocketTransport(loop, t, protocol, extra, null, tlsParams);
    });
  };
}

function checkServerOptions(options: CreateServerOptions): ProtocolTls | null {
  checkOptions(options);
  const tlsParams = protocolServerTls(options);
  if (options.reuseAddress === false) {
    throw new RangeError("reuseAddress=false is not supported: libuv always sets SO_REUSEADDR");
  }
  return tlsParams;
}

/** CPython's `loop.create_server()`. @internal */
export async function createServerNow(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  host: string | readonly string[] | null | undefined,
  port: number | null | undefined,
  options: CreateServerOptions,
): Promise<Server<InetSockName>> {
  checkFactory(protocolFactory);
  const tlsParams = checkServerOptions(options);
  const { family = 0, backlog = 100, reusePort = null, sock = null, startServing = true } = options;
  const accept = acceptInto(loop, protocolFactory, null, tlsParams);
  if (sock !== null) {
    if (host != null || port != null)
      throw new RangeError("host/port and sock can not be specified at the same time");
    const server = await serverOf(sock, backlog);
    return new newServer<InetSockName>(loop, [server], noop, undefined, null, null, accept, startServing);
  }
  let ipv6Only = false;
  let hosts: (string | undefined)[] =
    host === null || host === undefined || host === ""
      ? [undefined]
      : typeof host === "string"
        ? [host]
        : [...host];
  if (family === sk.AF_INET && hosts.length === 1 && hosts[0] === undefined) hosts = ["0.0.0.0"];
  else if (family === sk.AF_INET6) ipv6Only = true;
  else if (family !== 0 && family !== sk.AF_INET) {
    throw new RangeError(`family must be socket.AF_INET, socket.AF_INET6 or 0, got ${reprValue(family)}`);
  }
  const servers = hosts.map(() => net.createServer({ allowHalfOpen: true, pauseOnConnect: true }));
  await listen(
    servers,
    hosts.map((h) => ({
      host: h ?? (ipv6Only ? "::" : undefined),
      port: port ?? 0,
      backlog,
      ipv6Only,
      ...(reusePort === null ? {} : { reusePort }),
    })),
  );
  return new newServer<InetSockName>(loop, servers, noop, undefined, null, null, accept, startServing);
}

/** Options of `loop.createUnixServer()`. */
export interface CreateUnixServerOptions {
  /** The listen backlog (default 100). */
  backlog?: number;
  /** TLS, as {@link CreateServerOptions.ssl}. */
  ssl?: SSLContext | null;
  /** Seconds to wait for each TLS handshake (default 60); only meaningful with ssl. */
  sslHandshakeTimeout?: number | null;
  /** Seconds `close()` waits for the TLS shutdown (default 30); only meaningful with ssl. */
  sslShutdownTimeout?: number | null;
  /** An existing `net.Server` (listening) or the file descriptor of a listening socket. */
  sock?: net.Server | number | null;
  /** Serve at once (the default); see {@link CreateServerOptions.startServing}. */
  startServing?: boolean;
  /** Remove the socket file when the server closes (default true). */
  cleanup?: boolean;
}

/** CPython's `loop.create_unix_server()`. @internal */
export async function createUnixServerNow(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<StreamProtocol>,
  path: string | null | undefined,
  options: CreateUnixServerOptions,
): Promise<Server<string>> {
  checkFactory(protocolFactory);
  const tlsParams = checkServerOptions(options);
  const { backlog = 100, sock = null, startServing = true } = options;
  if (sock !== null) {
    if (path != null) throw new RangeError("path and sock can not be specified at the same time");
    const server = await serverOf(sock, backlog);
    const accept = acceptInto(loop, protocolFactory, "", tlsParams);
    return new newServer<string>(loop, [server], noop, undefined, "", null, accept, startServing);
  }
  if (typeof path !== "string") throw new TypeError(`path must be a string, got ${reprValue(path)}`);
  try {
    if (fs.statSync(path).isSocket()) fs.unlinkSync(path);
  } catch {
    // No file there: nothing to clean.
  }
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  await listen([server], [{ path, backlog }]);
  const accept = acceptInto(loop, protocolFactory, path, tlsParams);
  return new newServer<string>(loop, [server], noop, undefined, path, null, accept, startServing);
}

/** CPython's `loop.start_tls()`. @internal */
export async function startTlsNow(
  loop: BaseEventLoop,
  transport: unknown,
  protocol: StreamProtocol,
  sslcontext: unknown,
  options: StartTlsTransportOptions,
): Promise<SocketTransport> {
  // CPython 3.13 base_events.py start_tls: the context first, then the transport (only its
  // socket and TLS transports upgrade), then the SSLProtocol's own checks.
  checkSslContext(sslcontext);
  if (!(transport instanceof SocketTransport)) {
    throw new TypeError(`transport ${reprValue(transport)} is not supported by start_tls()`);
  }
  const params = startTlsParams(sslcontext, options);
  if (typeof protocol !== "object" || (protocol as unknown) === null) {
    throw new TypeError(`protocol must be a Protocol, got ${reprValue(protocol)}`);
  }
  const old = transport;
  const extra = {
    socket: old.getExtraInfo("socket"),
    peername: old.getExtraInfo("peername"),
    sockname: old.getExtraInfo("sockname"),
  } as SocketExtraInfo;
  const { socket, handOver } = old[kTakeSocket]();
  let t: tls.TLSSocket;
  try {
    t = await upgradeSocket(loop, socket, params);
  } catch (e) {
    handOver(null);
    throw e;
  }
  Object.assign(extra, tlsExtra(t, params.context));
  const secure = new SocketTransport(loop, t, protocol, extra, null, params, false);
  handOver(secure);
  return secure;
}

/**
 * A pair of connected stream sockets (Python's `socket.socketpair()`), for `sock=` of
 * `openConnection()`, `createConnection()`, `connectAcceptedSocket()`... Lazy.
 *
 * **Differs from Python:** Node has no `socketpair(2)`, so this listens on a temporary Unix socket
 * (in a fresh directory under `os.tmpdir()`), connects to it, accepts, then removes the listener,
 * the socket file and the directory: it is asynchronous, and the names of both sockets are `""`.
 * See docs/differences.md#socketpair.
 * @extension Python has it in its `socket` module, synchronous.
 * @see https://docs.python.org/3.13/library/socket.html#socket.socketpair
 */
export function socketpair(): Coroutine<[net.Socket, net.Socket]> {
  return libraryCoroutine("socketpair", undefined, socketpairNow);
}

async function socketpairNow(): Promise<[net.Socket, net.Socket]> {
  const loop = getRunningLoop();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "asyncio-ts-pair-"));
  const where = path.join(dir, "s");
  // Not paused on connect: the accepted socket then flows as soon as someone listens for 'data'.
  const server = taskStorage.exit(() => net.createServer({ allowHalfOpen: true }));
  const accepted = loop.createFuture<net.Socket>();
  const onConnection = (s: net.Socket): void => {
    loop.callSoon(() => {
      if (accepted.done()) s.destroy();
      else accepted.setResult(s);
    });
  };
  server.on("connection", onConnection);
  let client: net.Socket | null = null;
  try {
    await listen([server], [{ path: where, backlog: 1 }]);
    const c = taskStorage.exit(() => new net.Socket({ allowHalfOpen: true }));
    client = c;
    await connected(loop, c, () => {
      taskStorage.exit(() => c.connect({ path: where }));
    });
    return [c, await accepted];
  } catch (e) {
    client?.destroy();
    throw e;
  } finally {
    server.off("connection", onConnection);
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
