/**
 * asyncio's exceptions. `name` is the Python class name; each has a stable `code`; a
 * `Symbol.for` brand makes `instanceof` agree across two installed copies of the package.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html
 * @module
 */

import { inspect } from "node:util";

const kBrand = Symbol.for("asyncio-ts.brand");

type Branded = { [kBrand]?: symbol };

/** Gives `cls` a cross-realm brand, checked by {@link brandedHasInstance}. */
function brand(cls: abstract new (...args: never[]) => object, name: string): void {
  const sym = Symbol.for(`asyncio-ts.${name}`);
  Object.defineProperty(cls.prototype, sym, { value: true });
  Object.defineProperty(cls, kBrand, { value: sym });
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

function brandedHasInstance(cls: Branded, value: unknown): boolean {
  // A user subclass has no brand of its own: ordinary prototype-chain instanceof.
  if (!Object.hasOwn(cls, kBrand)) return Function.prototype[Symbol.hasInstance].call(cls, value);
  const sym = cls[kBrand];
  if (sym === undefined || typeof value !== "object" || value === null) return false;
  return (value as Record<symbol, unknown>)[sym] === true;
}

function messageOf(value: unknown): string {
  return typeof value === "string" ? value : inspect(value);
}

/**
 * The operation was cancelled: thrown where a cancelled task awaits.
 *
 * **Differs from asyncio:** Python's CancelledError derives from BaseException, so
 * `except Exception` lets it through; a bare JavaScript `catch (e)` catches it. Re-throw it.
 * See docs/differences.md#cancelled-is-catchable.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.CancelledError
 */
export class CancelledError extends Error {
  readonly code = "ERR_ASYNCIO_CANCELLED";
  /** Python's `args`: `[msg]` when `cancel(msg)` was given a message, else `[]`. */
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    super(args.length === 0 || args[0] === undefined || args[0] === null ? "" : messageOf(args[0]));
    this.args = args.length === 0 || args[0] === undefined ? [] : args;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(CancelledError, "CancelledError");

/**
 * The operation has exceeded the given deadline.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.TimeoutError
 */
export class TimeoutError extends Error {
  readonly code: string = "ERR_ASYNCIO_TIMEOUT";
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(TimeoutError, "TimeoutError");

/**
 * Python's builtin RuntimeError: an operation is not allowed in the current state.
 */
export class RuntimeError extends Error {
  readonly code: string = "ERR_ASYNCIO_RUNTIME";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(RuntimeError, "RuntimeError");

/**
 * Invalid internal state of a Task or Future (result not set yet, or set twice).
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.InvalidStateError
 */
export class InvalidStateError extends Error {
  readonly code = "ERR_ASYNCIO_INVALID_STATE";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(InvalidStateError, "InvalidStateError");

/**
 * Python's KeyboardInterrupt: `run()` rejects with it when Ctrl-C cancelled the main task.
 * @extension
 */
export class KeyboardInterrupt extends Error {
  readonly code = "ERR_ASYNCIO_KEYBOARD_INTERRUPT";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(KeyboardInterrupt, "KeyboardInterrupt");

/**
 * The requested read operation did not complete fully (EOF came first).
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.IncompleteReadError
 */
export class IncompleteReadError extends Error {
  readonly code = "ERR_ASYNCIO_INCOMPLETE_READ";
  readonly partial: Uint8Array;
  readonly expected: number | null;
  constructor(partial: Uint8Array, expected: number | null) {
    super(`${partial.length} bytes read on a total of ${expected ?? "undefined"} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(IncompleteReadError, "IncompleteReadError");

/**
 * Reached the buffer size limit while looking for a separator.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.LimitOverrunError
 */
export class LimitOverrunError extends Error {
  readonly code = "ERR_ASYNCIO_LIMIT_OVERRUN";
  readonly consumed: number;
  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(LimitOverrunError, "LimitOverrunError");

/** Raised by `Queue.getNowait()` on an empty queue. */
export class QueueEmpty extends Error {
  readonly code = "ERR_ASYNCIO_QUEUE_EMPTY";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(QueueEmpty, "QueueEmpty");

/** Raised by `Queue.putNowait()` on a full queue. */
export class QueueFull extends Error {
  readonly code = "ERR_ASYNCIO_QUEUE_FULL";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(QueueFull, "QueueFull");

/** Raised when putting on to or getting from a queue that was shut down. */
export class QueueShutDown extends Error {
  readonly code = "ERR_ASYNCIO_QUEUE_SHUT_DOWN";
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(QueueShutDown, "QueueShutDown");

/** Raised when a Barrier is broken (reset or aborted). A RuntimeError in Python. */
export class BrokenBarrierError extends RuntimeError {
  override readonly code = "ERR_ASYNCIO_BROKEN_BARRIER";
}
brand(BrokenBarrierError, "BrokenBarrierError");

/** sendfile is not available for the given socket or file type. A RuntimeError in Python. */
export class SendfileNotAvailableError extends RuntimeError {
  override readonly code = "ERR_ASYNCIO_SENDFILE_NOT_AVAILABLE";
}
brand(SendfileNotAvailableError, "SendfileNotAvailableError");

type Matcher = ((error: unknown) => boolean) | (abstract new (...args: never[]) => unknown);

function toPredicate(match: Matcher): (error: unknown) => boolean {
  // An error class is matched with instanceof; any other function is a predicate.
  const proto: unknown = (match as { prototype?: unknown }).prototype;
  if (
    match === Error ||
    (typeof proto === "object" &&
      proto !== null &&
      Object.prototype.isPrototypeOf.call(Error.prototype, proto))
  ) {
    const cls = match as abstract new (...args: never[]) => unknown;
    return (e) => e instanceof cls;
  }
  return match as (error: unknown) => boolean;
}

/**
 * Python's ExceptionGroup: several unrelated exceptions raised together (by a TaskGroup).
 * `message` is the bare message; `String(group)` reads like Python's
 * `'unhandled errors in a TaskGroup (2 sub-exceptions)'`.
 * @see https://docs.python.org/3.13/library/exceptions.html#ExceptionGroup
 */
export class ExceptionGroup extends AggregateError {
  readonly code = "ERR_ASYNCIO_EXCEPTION_GROUP";
  /** The member exceptions, as Python's `exceptions` attribute (also `errors`, AggregateError's). */
  readonly exceptions: readonly unknown[];
  constructor(message: string, exceptions: Iterable<unknown>, options?: ErrorOptions) {
    const list = [...exceptions];
    if (typeof message !== "string") throw new TypeError("argument 1 must be str");
    if (list.length === 0) throw new RangeError("second argument (exceptions) must be a non-empty sequence");
    super(list, message, options);
    this.exceptions = list;
  }

  /** A group with the same message, cause and subclass, holding `excs`. */
  derive(excs: Iterable<unknown>): ExceptionGroup {
    return new ExceptionGroup(this.message, excs);
  }

  /**
   * The sub-group of the leaves that match (a class or a predicate), keeping the nesting,
   * or null if none matches.
   */
  subgroup(match: Matcher): ExceptionGroup | null {
    return this.split(match)[0];
  }

  /** `[matching, rest]`, each a group keeping the nesting, or null if empty. */
  split(match: Matcher): [ExceptionGroup | null, ExceptionGroup | null] {
    const pred = toPredicate(match);
    if (pred(this)) return [this, null];
    const yes: unknown[] = [];
    const no: unknown[] = [];
    for (const e of this.exceptions) {
      if (e instanceof ExceptionGroup) {
        const [m, r] = e.split(pred);
        if (m !== null) yes.push(m);
        if (r !== null) no.push(r);
      } else if (pred(e)) {
        yes.push(e);
      } else {
        no.push(e);
      }
    }
    return [yes.length === 0 ? null : this.derive(yes), no.length === 0 ? null : this.derive(no)];
  }

  override toString(): string {
    const n = this.exceptions.length;
    return `${this.message} (${n} sub-exception${n === 1 ? "" : "s"})`;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this as Branded, value);
  }
}
brand(ExceptionGroup, "ExceptionGroup");
