/**
 * UDP endpoints (CPython's `loop.create_datagram_endpoint()` and its `_SelectorDatagramTransport`)
 * on `node:dgram`: the transport, and the endpoint's creation (address resolution, bind, connect).
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#asyncio.loop.create_datagram_endpoint
 * @module
 */
import type { Buffer } from "node:buffer";
import dgram from "node:dgram";
import dns from "node:dns";
import net from "node:net";
import type { BaseEventLoop } from "./base-events.ts";
import { logger } from "./debug.ts";
import { getaddrinfoNow } from "./dns.ts";
import type { Future } from "./futures.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { taskStorage } from "./internal/context.ts";
import { WriteFlowControl } from "./internal/flow-control.ts";
import { inspectCustom, reprValue } from "./internal/repr.ts";
import type { DatagramAddress, DatagramProtocol } from "./protocols.ts";
import { sockaddr, socket as sk } from "./socket.ts";
import { DatagramTransport } from "./transports.ts";

/** CPython 3.13 asyncio/constants.py. */
const LOG_THRESHOLD_FOR_CONNLOST_WRITES = 5;
/** CPython counts 8 bytes of header per buffered datagram (selector_events.py sendto). */
const HEADER_SIZE = 8;

/** What `getExtraInfo()` knows on a datagram transport. */
export interface DatagramExtraInfo {
  /** The `dgram.Socket`. */
  socket: dgram.Socket;
  /** The local address: `[host, port]`, or `[host, port, flowinfo, scopeId]` over IPv6. */
  sockname: DatagramAddress;
  /** The address the socket is connected to (`remoteAddr`), else null. */
  peername: DatagramAddress | null;
}

/** Options of `loop.createDatagramEndpoint()`: CPython's keyword arguments, camelCased. */
export interface DatagramEndpointOptions {
  /** `[host, port]` to bind the socket to; port 0 picks a free one. */
  localAddr?: readonly [host: string, port: number] | null;
  /** `[host, port]` to connect the socket to: `sendto()` then needs no address. */
  remoteAddr?: readonly [host: string, port: number] | null;
  /** `socket.AF_INET` or `socket.AF_INET6`; 0 (the default) takes the addresses' own. */
  family?: number;
  /** `socket.IPPROTO_UDP` or 0 (the default). */
  proto?: number;
  /** `socket.AI_*` flags for resolving the addresses. */
  flags?: number;
  /** Set `SO_REUSEPORT` (Linux, BSDs): several endpoints may bind the same address. */
  reusePort?: boolean | null;
  /** Set `SO_BROADCAST`; with `remoteAddr` the socket is then not connected. */
  allowBroadcast?: boolean | null;
  /** An existing `dgram.Socket` to use (then no other option may be given). */
  sock?: dgram.Socket | null;
}

/** A protocol factory: a function returning the protocol, or a protocol class (called with `new`). */
export type ProtocolFactory<P> = (() => P) | (new () => P);

/** Python's repr of a socket address tuple, for messages. */
function pyAddr(addr: readonly unknown[]): string {
  const items = addr.map((x) => reprValue(x));
  return `(${items.join(", ")}${items.length === 1 ? "," : ""})`;
}

/** Node's family of an address tuple's host. */
function addrOf(info: dgram.RemoteInfo | net.AddressInfo): DatagramAddress {
  return sockaddr(info.address, info.port);
}

/** A lookup for `dgram` that answers IP literals at once, so that a send starts synchronously. */
function lookup(
  address: string,
  family: number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const ip = net.isIP(address);
  if (ip !== 0) callback(null, address, ip);
  else dns.lookup(address, family, callback);
}

function checkAddress(addr: unknown, what: string): asserts addr is DatagramAddress {
  if (
    !Array.isArray(addr) ||
    (addr.length !== 2 && addr.length !== 4) ||
    typeof addr[0] !== "string" ||
    !Number.isInteger(addr[1])
  ) {
    throw new TypeError(`${what} must be a [host, port] tuple, got ${reprValue(addr)}`);
  }
  const port = addr[1] as number;
  if (port < 0 || port > 65535) throw new RangeError(`port must be 0-65535, got ${port}`);
}

function sameAddress(a: DatagramAddress, b: DatagramAddress): boolean {
  return a[0] === b[0] && a[1] === b[1] && (a[2] ?? 0) === (b[2] ?? 0) && (a[3] ?? 0) === (b[3] ?? 0);
}

/**
 * The transport of a UDP endpoint, over a `dgram.Socket`. Datagrams and errors reach the
 * protocol from loop callbacks, in the order Node delivered them.
 *
 * **Differs from asyncio:** a datagram counts in `getWriteBufferSize()` (its length plus 8 bytes,
 * as CPython counts it) from `sendto()` until Node reports it sent, which is at the latest one
 * loop iteration later; CPython counts only what the kernel could not take at once. A send error
 * (`EMSGSIZE`...) reaches `errorReceived()` from a loop callback, not from inside `sendto()`.
 * See docs/differences.md#datagram-transport.
 */
export class DatagramSocketTransport extends DatagramTransport<DatagramExtraInfo> {
  readonly #loop: BaseEventLoop;
  readonly #socket: dgram.Socket;
  #protocol: DatagramProtocol;
  readonly #address: DatagramAddress | null;
  readonly #flow: WriteFlowControl;
  #bufferSize = 0;
  #inFlight = 0;
  #closing = false;
  /** Set when connectionLost() is scheduled; counts the sends dropped since (CPython's _conn_lost). */
  #connLost = 0;
  #reading = false;
  #socketClosed = false;
  readonly #unhook: () => void;

  /** Made by `loop.createDatagramEndpoint()`. @internal */
  constructor(
    loop: BaseEventLoop,
    sock: dgram.Socket,
    protocol: DatagramProtocol,
    address: DatagramAddress | null,
    waiter: Future<null> | null,
  ) {
    let peername: DatagramAddress | null = null;
    try {
      peername = addrOf(sock.remoteAddress());
    } catch {
      // Not connected.
    }
    super({ socket: sock, sockname: addrOf(sock.address()), peername });
    this.#loop = loop;
    this.#socket = sock;
    this.#protocol = protocol;
    this.#address = address;
    this.#flow = new WriteFlowControl(loop, this);
    sock.on("message", this.#onMessage);
    sock.on("error", this.#onError);
    const early = stopHolding(sock);
    // The loop owns the socket: one still open when the loop closes is closed then.
    this.#unhook = addCloseHook(loop, () => {
      if (loop.getDebug()) logger.warn(`ResourceWarning: unclosed transport ${String(this)}`);
      this.#closeSocket();
    });
    // CPython: connection_made, then reading starts, then the waiter is woken.
    loop.callSoon(() => {
      this.#protocol.connectionMade(this);
    });
    loop.callSoon(() => {
      if (!this.#closing) this.#reading = true;
    });
    // What arrived while the endpoint was being made, as the kernel would have kept it for CPython.
    for (const [msg, rinfo] of early) this.#onMessage(msg, rinfo);
    if (waiter !== null) {
      loop.callSoon(() => {
        if (!waiter.done()) waiter.setResult(null);
      });
    }
  }

  /** Run `fn` on the loop, unless the loop is closed (then the socket is closed). */
  #post(fn: () => void): void {
    if (this.#loop.isClosed()) {
      this.#closeSocket();
      return;
    }
    this.#loop.callSoon(fn);
  }

  readonly #onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
    this.#post(() => {
      if (this.#connLost !== 0 || !this.#reading) return;
      this.#protocol.datagramReceived(msg, addrOf(rinfo));
    });
  };

  // An error of the socket itself: an ICMP error read back (ECONNREFUSED on a connected socket).
  readonly #onError = (err: Error): void => {
    this.#post(() => {
      if (this.#connLost !== 0) return;
      this.#protocol.errorReceived(err);
    });
  };

  /** @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.DatagramTransport.sendto */
  override sendto(data: Uint8Array | ArrayBufferView, addr: DatagramAddress | null = null): void {
    const given: unknown = data;
    if (!ArrayBuffer.isView(given)) {
      const name = typeof given === "string" ? "str" : given === null ? "NoneType" : typeof given;
      throw new TypeError(`data argument must be a bytes-like object, not '${name}'`);
    }
    // JavaScript callers may pass undefined for Python's None.
    let target = addr as DatagramAddress | null | undefined;
    if (this.#address !== null) {
      if (target !== null && target !== undefined) {
        checkAddress(target, "addr");
        if (!sameAddress(target, this.#address)) {
          // CPython 3.13 selector_events.py _SelectorDatagramTransport.sendto.
          throw new RangeError(`Invalid address: must be None or ${pyAddr(this.#address)}`);
        }
      }
      target = this.#address;
    } else if (target === null || target === undefined) {
      if (this.#extra().peername === null) {
        throw new TypeError("sendto() needs an address: this endpoint has no remoteAddr");
      }
    } else {
      checkAddress(target, "addr");
    }
    if (this.#connLost !== 0) {
      if (this.#connLost >= LOG_THRESHOLD_FOR_CONNLOST_WRITES) logger.warn("socket.send() raised exception.");
      this.#connLost++;
      return;
    }
    const size = data.byteLength + HEADER_SIZE;
    this.#bufferSize += size;
    this.#inFlight++;
    const done = (err: Error | null): void => {
      this.#post(() => {
        this.#sent(size, err);
      });
    };
    const bytes =
      data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    // A connected socket sends without an address (Node refuses one), as CPython's send().
    try {
      if (this.#extra().peername !== null || target == null) this.#socket.send(bytes, done);
      else this.#socket.send(bytes, target[1], target[0], done);
    } catch (e) {
      // Node refused it before sending (a port it does not take): nothing is in flight.
      this.#bufferSize -= size;
      this.#inFlight--;
      throw e;
    }
    this.#flow.maybePause(this.#bufferSize, this.#protocol);
  }

  #extra(): Partial<DatagramExtraInfo> {
    return this._extra;
  }

  #sent(size: number, err: Error | null): void {
    this.#bufferSize -= size;
    this.#inFlight--;
    // Aborted, or closed and already reported lost: nobody listens any more.
    if (this.#connLost !== 0) return;
    try {
      if (err !== null) this.#protocol.errorReceived(err);
    } finally {
      this.#flow.maybeResume(this.#bufferSize, this.#protocol);
      // close() waits for the datagrams in flight, as CPython's for its buffer.
      if (this.#closing && this.#inFlight === 0) this.#scheduleLost(null);
    }
  }

  /** @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.BaseTransport.close */
  override close(): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#reading = false;
    if (this.#inFlight === 0) this.#scheduleLost(null);
  }

  /** @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.DatagramTransport.abort */
  override abort(): void {
    this.#closing = true;
    this.#reading = false;
    if (this.#connLost === 0) this.#scheduleLost(null);
  }

  #scheduleLost(exc: Error | null): void {
    this.#connLost++;
    this.#loop.callSoon(() => {
      try {
        this.#protocol.connectionLost(exc);
      } finally {
        this.#closeSocket();
      }
    });
  }

  #closeSocket(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    this.#unhook();
    this.#socket.off("message", this.#onMessage);
    // Errors of a closing socket reach nobody; the listener stays so none is unhandled.
    this.#socket.on("error", noop);
    this.#socket.off("error", this.#onError);
    try {
      this.#socket.close();
    } catch {
      // Already closed by its owner.
    }
  }

  override isClosing(): boolean {
    return this.#closing;
  }

  override setProtocol(protocol: DatagramProtocol): void {
    this.#protocol = protocol;
  }

  override getProtocol(): DatagramProtocol {
    return this.#protocol;
  }

  /** The bytes sent and not yet confirmed by Node, plus 8 per datagram (CPython's header count). */
  getWriteBufferSize(): number {
    return this.#bufferSize;
  }

  /** `[low, high]`: the write flow control marks, in bytes. */
  getWriteBufferLimits(): [low: number, high: number] {
    return this.#flow.limits();
  }

  /**
   * Set the write flow control marks, in bytes (see WriteTransport.setWriteBufferLimits).
   * @throws {RangeError} `high (…) must be >= low (…) must be >= 0`.
   */
  setWriteBufferLimits(high: number | null = null, low: number | null = null): void {
    this.#flow.setLimits(high, low);
    this.#flow.maybePause(this.#bufferSize, this.#protocol);
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const info: string[] = [this.constructor.name];
    if (this.#socketClosed) info.push("closed");
    else if (this.#closing) info.push("closing");
    if (!this.#loop.isClosed()) {
      info.push(`read=${this.#reading ? "polling" : "idle"}`);
      info.push(`write=<${this.#inFlight > 0 ? "polling" : "idle"}, bufsize=${this.#bufferSize}>`);
    }
    return `<${info.join(" ")}>`;
  }
}

// Datagrams that arrive between the bind and the transport's construction (a loop callback
// later) are held here instead of being emitted to nobody.
const held = new WeakMap<
  dgram.Socket,
  { list: [Buffer, dgram.RemoteInfo][]; listener: (m: Buffer, r: dgram.RemoteInfo) => void }
>();

function holdMessages(sock: dgram.Socket): void {
  if (held.has(sock)) return;
  const list: [Buffer, dgram.RemoteInfo][] = [];
  const listener = (m: Buffer, r: dgram.RemoteInfo): void => {
    list.push([m, r]);
  };
  held.set(sock, { list, listener });
  sock.on("message", listener);
}

function stopHolding(sock: dgram.Socket): [Buffer, dgram.RemoteInfo][] {
  const entry = held.get(sock);
  if (entry === undefined) return [];
  held.delete(sock);
  sock.off("message", entry.listener);
  return entry.list;
}

function noop(): void {
  // Swallows the errors of a socket being closed.
}

/** Wait for a Node socket operation: `start(done)` calls `done(err)`; settled on the loop. */
async function socketOp(
  loop: BaseEventLoop,
  sock: dgram.Socket,
  start: (done: () => void) => void,
): Promise<void> {
  const fut = loop.createFuture<null>();
  const onError = (err: Error): void => {
    if (!loop.isClosed())
      loop.callSoon(() => {
        if (!fut.done()) fut.setException(err);
      });
  };
  sock.once("error", onError);
  try {
    taskStorage.exit(() => {
      start(() => {
        if (!loop.isClosed())
          loop.callSoon(() => {
            if (!fut.done()) fut.setResult(null);
          });
      });
    });
    await fut;
  } finally {
    sock.off("error", onError);
  }
}

function isBound(sock: dgram.Socket): boolean {
  try {
    sock.address();
    return true;
  } catch {
    return false;
  }
}

function isClass(fn: unknown): fn is new () => unknown {
  return typeof fn === "function" && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** CPython's `loop.create_datagram_endpoint()`, run in the awaiting task. @internal */
export async function createDatagramEndpointNow<P extends DatagramProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  options: DatagramEndpointOptions = {},
): Promise<[DatagramSocketTransport, P]> {
  if (typeof protocolFactory !== "function") {
    throw new TypeError(
      `protocolFactory must be a function returning a DatagramProtocol (or a protocol class), got ${reprValue(protocolFactory)}`,
    );
  }
  if (typeof options !== "object" || (options as unknown) === null) {
    throw new TypeError(`options must be an object, got ${reprValue(options)}`);
  }
  if ("reuseAddress" in options) {
    // CPython 3.13 removed the argument (SO_REUSEADDR on UDP lets another process steal the port).
    throw new TypeError(
      "BaseEventLoop.create_datagram_endpoint() got an unexpected keyword argument 'reuse_address'",
    );
  }
  const {
    localAddr = null,
    remoteAddr = null,
    family = 0,
    proto = 0,
    flags = 0,
    reusePort = null,
    allowBroadcast = null,
    sock = null,
  } = options;
  let socket: dgram.Socket;
  let rAddr: DatagramAddress | null = null;
  if (sock !== null) {
    if (!(sock instanceof dgram.Socket)) {
      const given: unknown = sock;
      const name =
        typeof given === "object" && given !== null ? `<${given.constructor.name}>` : reprValue(given);
      throw new RangeError(`A datagram socket was expected, got ${name}`);
    }
    const given = { localAddr, remoteAddr, family, proto, flags, reusePort, allowBroadcast };
    const problems = Object.entries(given)
      .filter(([, v]) => v !== null && v !== 0 && v !== false)
      .map(
        ([k, v]) =>
          `${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}=${Array.isArray(v) ? pyAddr(v) : reprValue(v)}`,
      );
    if (problems.length > 0) {
      throw new RangeError(
        `socket modifier keyword arguments can not be used when sock is specified. (${problems.join(", ")})`,
      );
    }
    socket = sock;
    holdMessages(socket);
    // An unbound socket is bound to a free port, so that it can receive.
    if (!isBound(socket)) {
      try {
        await socketOp(loop, socket, (done) => {
          socket.bind(0, done);
        });
      } catch (e) {
        stopHolding(socket);
        throw e;
      }
    }
  } else {
    [socket, rAddr] = await openSocket(loop, {
      localAddr,
      remoteAddr,
      family,
      proto,
      flags,
      reusePort: reusePort === true,
      allowBroadcast: allowBroadcast === true,
    });
  }
  let protocol: P;
  try {
    protocol = isClass(protocolFactory) ? new protocolFactory() : protocolFactory();
  } catch (e) {
    stopHolding(socket);
    if (sock === null) socket.close();
    throw e;
  }
  const waiter = loop.createFuture<null>();
  const transport = new DatagramSocketTransport(loop, socket, protocol, rAddr, waiter);
  try {
    await waiter;
  } catch (e) {
    transport.close();
    throw e;
  }
  return [transport, protocol];
}

interface OpenOptions {
  localAddr: readonly [string, number] | null;
  remoteAddr: readonly [string, number] | null;
  family: number;
  proto: number;
  flags: number;
  reusePort: boolean;
  allowBroadcast: boolean;
}

/** Resolve the addresses and make the socket: CPython's loop over `(family, proto)` pairs. */
async function openSocket(
  loop: BaseEventLoop,
  o: OpenOptions,
): Promise<[dgram.Socket, DatagramAddress | null]> {
  // [family, proto] -> [local, remote], in order of appearance.
  const pairs = new Map<string, [number, number, DatagramAddress | null, DatagramAddress | null]>();
  if (o.localAddr === null && o.remoteAddr === null) {
    if (o.family === 0) throw new RangeError("unexpected address family");
    pairs.set("", [o.family, o.proto, null, null]);
  } else {
    if (o.family === sk.AF_UNIX) {
      throw new RangeError("family AF_UNIX is not supported: node:dgram has no Unix datagram sockets");
    }
    for (const [idx, addr] of [
      [0, o.localAddr],
      [1, o.remoteAddr],
    ] as const) {
      if (addr === null) continue;
      const shape: unknown = addr;
      if (!Array.isArray(shape) || shape.length !== 2) throw new TypeError("2-tuple is expected");
      const infos = await getaddrinfoNow(loop, addr[0], addr[1], {
        family: o.family,
        type: sk.SOCK_DGRAM,
        proto: o.proto,
        flags: o.flags,
      });
      if (infos.length === 0) throw new Error("getaddrinfo() returned empty list");
      for (const [fam, , pro, , address] of infos) {
        const key = `${fam}/${pro}`;
        let entry = pairs.get(key);
        if (entry === undefined) {
          entry = [fam, pro, null, null];
          pairs.set(key, entry);
        }
        entry[2 + idx] = address;
      }
    }
    for (const [key, [, , local, remote]] of pairs) {
      if ((o.localAddr !== null && local === null) || (o.remoteAddr !== null && remote === null))
        pairs.delete(key);
    }
    if (pairs.size === 0) throw new RangeError("can not get address information");
  }
  const errors: unknown[] = [];
  for (const [fam, , local, remote] of pairs.values()) {
    if (fam !== sk.AF_INET && fam !== sk.AF_INET6) {
      errors.push(
        new RangeError(`address family ${fam} is not supported: pass socket.AF_INET or socket.AF_INET6`),
      );
      continue;
    }
    const s = taskStorage.exit(() =>
      dgram.createSocket({
        type: fam === sk.AF_INET6 ? "udp6" : "udp4",
        reusePort: o.reusePort,
        lookup: lookup as unknown as dgram.SocketOptions["lookup"],
      }),
    );
    holdMessages(s);
    try {
      const bindTo = local ?? (fam === sk.AF_INET6 ? ["::", 0] : ["0.0.0.0", 0]);
      await socketOp(loop, s, (done) => {
        s.bind({ address: bindTo[0], port: bindTo[1], exclusive: true }, done);
      });
      if (o.allowBroadcast) s.setBroadcast(true);
      if (remote !== null) {
        if (!o.allowBroadcast) {
          await socketOp(loop, s, (done) => {
            s.connect(remote[1], remote[0], done);
          });
        }
        return [s, remote];
      }
      return [s, null];
    } catch (e) {
      s.on("error", noop);
      try {
        s.close();
      } catch {
        // Never bound: nothing to close.
      }
      if (!(e instanceof Error) || (e as NodeJS.ErrnoException).code === undefined) throw e;
      errors.push(e);
    }
  }
  throw errors[0];
}
