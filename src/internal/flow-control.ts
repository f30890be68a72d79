/**
 * Write flow control of a transport (CPython 3.13 transports.py `_FlowControlMixin`): the
 * high/low water marks and the paired `pauseWriting()`/`resumeWriting()` calls. A transport
 * holds one, calls `maybePause()` whenever its buffer grows and `maybeResume()` whenever it
 * shrinks. Composition, not a base class: the datagram transport and the stream transports
 * extend different abstract classes.
 * @module
 */
import type { BaseEventLoop } from "../base-events.ts";
import type { BaseProtocol } from "../protocols.ts";
import type { BaseTransport } from "../transports.ts";

/** The default high-water mark, 64 KiB (the low one defaults to a quarter of the high one). */
export const DEFAULT_HIGH_WATER = 64 * 1024;

function checkMark(value: unknown, which: string): void {
  if (value !== null && typeof value !== "number") {
    throw new TypeError(`${which} must be a number of bytes or null, got ${typeof value}`);
  }
}

export class WriteFlowControl {
  high = DEFAULT_HIGH_WATER;
  low = DEFAULT_HIGH_WATER / 4;
  /** Whether `pauseWriting()` was called and `resumeWriting()` not yet. */
  paused = false;
  readonly #loop: BaseEventLoop;
  readonly #transport: BaseTransport;

  constructor(loop: BaseEventLoop, transport: BaseTransport) {
    this.#loop = loop;
    this.#transport = transport;
  }

  /**
   * CPython `_set_write_buffer_limits`: validate and store the marks (not calling the protocol).
   * @throws {RangeError} `high (…) must be >= low (…) must be >= 0`.
   */
  setLimits(high: number | null = null, low: number | null = null): void {
    checkMark(high, "high");
    checkMark(low, "low");
    let h = high;
    let l = low;
    if (h === null) h = l === null ? DEFAULT_HIGH_WATER : 4 * l;
    l ??= Math.floor(h / 4);
    // CPython 3.13 transports.py: `if not high >= low >= 0: raise ValueError(...)`.
    if (!(h >= l && l >= 0)) throw new RangeError(`high (${h}) must be >= low (${l}) must be >= 0`);
    this.high = h;
    this.low = l;
  }

  /** `[low, high]`, as CPython's `get_write_buffer_limits()`. */
  limits(): [low: number, high: number] {
    return [this.low, this.high];
  }

  /** The buffer holds `size` bytes after growing: pause the protocol once it is over the high mark. */
  maybePause(size: number, protocol: BaseProtocol): void {
    if (size <= this.high || this.paused) return;
    this.paused = true;
    try {
      protocol.pauseWriting();
    } catch (exc) {
      this.#report("protocol.pause_writing() failed", exc, protocol);
    }
  }

  /** The buffer holds `size` bytes after shrinking: resume the protocol at the low mark or below. */
  maybeResume(size: number, protocol: BaseProtocol): void {
    if (!this.paused || size > this.low) return;
    this.paused = false;
    try {
      protocol.resumeWriting();
    } catch (exc) {
      this.#report("protocol.resume_writing() failed", exc, protocol);
    }
  }

  #report(message: string, exception: unknown, protocol: BaseProtocol): void {
    this.#loop.callExceptionHandler({ message, exception, transport: this.#transport, protocol });
  }
}
