/**
 * Abstract protocol classes (CPython's protocols.py): the callbacks a transport calls. Subclass
 * the one that fits and override what you need; every callback here does nothing.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#protocols
 * @module
 */
import type { Buffer } from "node:buffer";
import { RuntimeError } from "./exceptions.ts";
import type {
  BaseTransport,
  DatagramTransport,
  ReadTransport,
  SubprocessTransport,
  Transport,
  WriteTransport,
} from "./transports.ts";

/**
 * The base of the protocol classes: connection set-up and tear-down, and write flow control.
 * Implement it directly only for a write-only transport (a write pipe).
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.BaseProtocol
 */
export class BaseProtocol {
  /**
   * Called when a connection is made, with the transport representing it. Data arrives through
   * the other callbacks; `connectionLost()` is called when the connection closes.
   */
  connectionMade(_transport: BaseTransport): void {}

  /**
   * Called once when the connection is lost or closed: with the error, or null for a regular
   * end of file, a close or an abort.
   */
  connectionLost(_exc: Error | null): void {}

  /**
   * Called when the transport's write buffer goes strictly over the high-water mark. Pause and
   * resume calls are paired. Unlike every other callback it is called synchronously, from inside
   * the `write()` that crossed the mark.
   */
  pauseWriting(): void {
    // Nothing to do by default.
  }

  /** Called when the transport's write buffer drains to the low-water mark or below. */
  resumeWriting(): void {
    // Nothing to do by default.
  }
}

/**
 * A stream protocol (TCP, Unix sockets, pipes). Calls: `connectionMade`, then `dataReceived`
 * zero or more times, at most one `eofReceived`, then `connectionLost` exactly once.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.Protocol
 */
export class Protocol extends BaseProtocol {
  override connectionMade(_transport: Transport | ReadTransport | WriteTransport): void {}

  /** Called when some data is received (a Buffer; Python's bytes). */
  dataReceived(_data: Buffer): void {}

  /**
   * Called when the other end signals it will send no more data (it called `writeEof()`). A
   * falsy return closes the transport; a truthy one leaves closing to the protocol.
   */
  eofReceived(): unknown {
    return undefined;
  }
}

/**
 * A stream protocol that receives into buffers it provides itself (no copy per read). Calls:
 * `connectionMade`, then `getBuffer`/`bufferUpdated` pairs, at most one `eofReceived`, then
 * `connectionLost`.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.BufferedProtocol
 */
export class BufferedProtocol extends BaseProtocol {
  override connectionMade(_transport: Transport | ReadTransport): void {}

  /**
   * Called to get a buffer to receive into; `sizehint` is the recommended minimal size (-1: any).
   * Returning an empty buffer is an error.
   */
  getBuffer(_sizehint: number): Uint8Array {
    throw new RuntimeError("BufferedProtocol.getBuffer() is not implemented: override it");
  }

  /** Called when `nbytes` bytes were written into the buffer `getBuffer()` returned. */
  bufferUpdated(_nbytes: number): void {}

  /** As {@link Protocol.eofReceived}: a falsy return closes the transport. */
  eofReceived(): unknown {
    return undefined;
  }
}

/**
 * A datagram (UDP) address: `[host, port]` for IPv4, `[host, port, flowinfo, scopeId]` for IPv6,
 * as Python's socket addresses.
 */
export type DatagramAddress =
  | readonly [host: string, port: number]
  | readonly [host: string, port: number, flowinfo: number, scopeId: number];

/**
 * A datagram (UDP) protocol.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.DatagramProtocol
 */
export class DatagramProtocol extends BaseProtocol {
  override connectionMade(_transport: DatagramTransport): void {}

  /** Called when a datagram is received: its bytes and the sender's address. */
  datagramReceived(_data: Buffer, _addr: DatagramAddress): void {}

  /**
   * Called when a send or receive fails with a system error (Python's OSError): an ICMP "port
   * unreachable" on a connected endpoint (`code === "ECONNREFUSED"`), a datagram too large
   * (`EMSGSIZE`)... The transport stays open.
   */
  errorReceived(_exc: Error): void {}
}

/**
 * A protocol for a child process's pipes and exit.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.SubprocessProtocol
 */
export class SubprocessProtocol extends BaseProtocol {
  override connectionMade(_transport: SubprocessTransport): void {}

  /** Called when the child writes `data` to its stdout (`fd` 1) or stderr (`fd` 2). */
  pipeDataReceived(_fd: number, _data: Buffer): void {}

  /** Called when one of the child's pipes (`fd` 0, 1 or 2) is closed. */
  pipeConnectionLost(_fd: number, _exc: Error | null): void {}

  /** Called when the child has exited. */
  processExited(): void {
    // Nothing to do by default.
  }
}

/**
 * Feed `data` to a BufferedProtocol: `getBuffer`/`bufferUpdated` until all of it is taken
 * (CPython 3.13 protocols.py `_feed_data_to_buffered_proto`).
 * @internal for the stream transports
 * @throws {RuntimeError} `get_buffer() returned an empty buffer`.
 */
export function feedDataToBufferedProto(proto: BufferedProtocol, data: Uint8Array): void {
  let rest = data;
  while (rest.length > 0) {
    const buf = proto.getBuffer(rest.length);
    if (buf.length === 0) throw new RuntimeError("get_buffer() returned an empty buffer");
    if (buf.length >= rest.length) {
      buf.set(rest, 0);
      proto.bufferUpdated(rest.length);
      return;
    }
    buf.set(rest.subarray(0, buf.length), 0);
    proto.bufferUpdated(buf.length);
    rest = rest.subarray(buf.length);
  }
}
