/**
 * Abstract transport classes (CPython's transports.py): what a protocol may call on the
 * connection it was given. The loop makes the concrete transports (`createDatagramEndpoint()`,
 * ...); a method a transport does not support raises {@link NotImplementedError}, as in CPython.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#transports
 * @module
 */
import { Buffer } from "node:buffer";
import { NotImplementedError } from "./exceptions.ts";
import type { BaseProtocol } from "./protocols.ts";
import type { DatagramAddress } from "./protocols.ts";

function notImplemented(transport: BaseTransport, method: string): NotImplementedError {
  return new NotImplementedError(`${transport.constructor.name}.${method}() is not implemented`);
}

/**
 * The base of the transport classes: extra information, closing, and the protocol it feeds.
 * @typeParam Extra the keys {@link BaseTransport.getExtraInfo} knows and the type of each.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.BaseTransport
 */
export class BaseTransport<Extra extends object = Record<string, unknown>> {
  /** @internal the extra information (CPython's `_extra`) */
  protected readonly _extra: Partial<Extra>;

  /** `new BaseTransport(extra)`, as Python's `BaseTransport(extra=None)`. */
  constructor(extra: Partial<Extra> | null = null) {
    this._extra = extra ?? {};
  }

  /**
   * Return information about the transport or the resources it uses: `"peername"`, `"sockname"`,
   * `"socket"`, ... or `defaultValue` (null) if the transport does not know it.
   * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.BaseTransport.get_extra_info
   */
  getExtraInfo<K extends keyof Extra & string>(name: K): Extra[K] | null;
  getExtraInfo<K extends keyof Extra & string, D>(name: K, defaultValue: D): Extra[K] | D;
  getExtraInfo(name: string, defaultValue?: unknown): unknown;
  getExtraInfo(name: string, defaultValue: unknown = null): unknown {
    const extra = this._extra as Record<string, unknown>;
    return Object.hasOwn(extra, name) ? extra[name] : defaultValue;
  }

  /** Return true if the transport is closing or closed. */
  isClosing(): boolean {
    throw notImplemented(this, "isClosing");
  }

  /**
   * Close the transport: buffered data is flushed asynchronously, no more data is received, then
   * the protocol's `connectionLost(null)` is called.
   */
  close(): void {
    throw notImplemented(this, "close");
  }

  /** Set a new protocol: the transport calls it from now on. */
  setProtocol(_protocol: BaseProtocol): void {
    throw notImplemented(this, "setProtocol");
  }

  /** Return the current protocol. */
  getProtocol(): BaseProtocol {
    throw notImplemented(this, "getProtocol");
  }
}

/**
 * A read-only transport.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.ReadTransport
 */
export class ReadTransport<Extra extends object = Record<string, unknown>> extends BaseTransport<Extra> {
  /** Return true if the transport is receiving. */
  isReading(): boolean {
    throw notImplemented(this, "isReading");
  }

  /** Pause the receiving end: no data reaches the protocol until `resumeReading()`. */
  pauseReading(): void {
    throw notImplemented(this, "pauseReading");
  }

  /** Resume the receiving end. */
  resumeReading(): void {
    throw notImplemented(this, "resumeReading");
  }
}

/**
 * A write-only transport.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.WriteTransport
 */
export class WriteTransport<Extra extends object = Record<string, unknown>> extends BaseTransport<Extra> {
  /**
   * Set the high- and low-water marks (bytes) of write flow control: the protocol's
   * `pauseWriting()` is called when the buffer goes over `high`, `resumeWriting()` when it drains
   * to `low`. `high` alone sets `low` to `high / 4` (rounded down); `low` alone sets `high` to
   * `4 * low`; neither: 64 KiB and 16 KiB.
   * @throws {RangeError} `high (…) must be >= low (…) must be >= 0`.
   */
  setWriteBufferLimits(_high: number | null = null, _low: number | null = null): void {
    throw notImplemented(this, "setWriteBufferLimits");
  }

  /** Return the current size of the write buffer, in bytes. */
  getWriteBufferSize(): number {
    throw notImplemented(this, "getWriteBufferSize");
  }

  /** Return the write flow control marks as `[low, high]`, in bytes. */
  getWriteBufferLimits(): [low: number, high: number] {
    throw notImplemented(this, "getWriteBufferLimits");
  }

  /** Write `data` to the transport: it never blocks; what cannot be sent at once is buffered. */
  write(_data: Uint8Array): void {
    throw notImplemented(this, "write");
  }

  /** Write a list (any iterable) of byte chunks: by default, one `write()` of their concatenation. */
  writelines(listOfData: Iterable<Uint8Array>): void {
    this.write(Buffer.concat([...listOfData]));
  }

  /** Close the write end after flushing buffered data; data may still be received. */
  writeEof(): void {
    throw notImplemented(this, "writeEof");
  }

  /** Return true if the transport supports `writeEof()`. */
  canWriteEof(): boolean {
    throw notImplemented(this, "canWriteEof");
  }

  /**
   * Close the transport at once: buffered data is lost, then the protocol's
   * `connectionLost(null)` is called.
   */
  abort(): void {
    throw notImplemented(this, "abort");
  }
}

// Transport is both a ReadTransport and a WriteTransport. JavaScript has single inheritance:
// it extends WriteTransport and takes ReadTransport's methods, and `instanceof ReadTransport`
// holds for it through Symbol.hasInstance below.
/**
 * A bidirectional transport (a TCP connection): both a {@link ReadTransport} and a
 * {@link WriteTransport}.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.Transport
 */
export class Transport<Extra extends object = Record<string, unknown>> extends WriteTransport<Extra> {
  /** Return true if the transport is receiving. */
  isReading(): boolean {
    throw notImplemented(this, "isReading");
  }

  /** Pause the receiving end: no data reaches the protocol until `resumeReading()`. */
  pauseReading(): void {
    throw notImplemented(this, "pauseReading");
  }

  /** Resume the receiving end. */
  resumeReading(): void {
    throw notImplemented(this, "resumeReading");
  }
}

// `transport instanceof ReadTransport` is true for a Transport too, as in Python.
Object.defineProperty(ReadTransport, Symbol.hasInstance, {
  value(this: unknown, value: unknown): boolean {
    if (typeof value !== "object" || value === null) return false;
    const proto = (this as { prototype: object }).prototype;
    if (Object.prototype.isPrototypeOf.call(proto, value)) return true;
    return this === ReadTransport && Object.prototype.isPrototypeOf.call(Transport.prototype, value);
  },
});

/**
 * A datagram (UDP) transport.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.DatagramTransport
 */
export class DatagramTransport<Extra extends object = Record<string, unknown>> extends BaseTransport<Extra> {
  /**
   * Send `data` to `addr` (null: the remote address the endpoint was connected to). It never
   * blocks; what cannot be sent at once is buffered. Empty data sends a zero-length datagram.
   */
  sendto(_data: Uint8Array, _addr: DatagramAddress | null = null): void {
    throw notImplemented(this, "sendto");
  }

  /**
   * Close the transport at once: buffered datagrams are lost, then the protocol's
   * `connectionLost(null)` is called.
   */
  abort(): void {
    throw notImplemented(this, "abort");
  }
}

/**
 * The transport of a child process made by `loop.subprocessExec()`/`subprocessShell()`.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.SubprocessTransport
 */
export class SubprocessTransport<
  Extra extends object = Record<string, unknown>,
> extends BaseTransport<Extra> {
  /** Return the child's process id. */
  getPid(): number {
    throw notImplemented(this, "getPid");
  }

  /** Return the child's return code, or null while it runs (negative: killed by that signal). */
  getReturncode(): number | null {
    throw notImplemented(this, "getReturncode");
  }

  /** Return the transport of the child's pipe `fd` (0, 1 or 2), or null if it has none. */
  getPipeTransport(_fd: number): ReadTransport | WriteTransport | null {
    throw notImplemented(this, "getPipeTransport");
  }

  /** Send signal `signal` (a name such as `"SIGTERM"`, or a number) to the child. */
  sendSignal(_signal: NodeJS.Signals | number): void {
    throw notImplemented(this, "sendSignal");
  }

  /** Stop the child: SIGTERM on POSIX. */
  terminate(): void {
    throw notImplemented(this, "terminate");
  }

  /** Kill the child: SIGKILL on POSIX. */
  kill(): void {
    throw notImplemented(this, "kill");
  }
}
