/**
 * asyncio's exceptions. `name` is the Python class name; each has a stable `code`; a
 * `Symbol.for` brand makes `instanceof` agree across two installed copies of the package.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html
 * @module
 */

import { inspect } from "node:util";
import { brand, brandedHasInstance } from "./internal/brand.ts";

const cancelStacks = ((v) => v !== undefined && v !== "" && v !== "0")(process.env.ASYNCIO_TS_DEBUG);

function messageOf(value: unknown): string {
  return typeof value === "string" ? value : inspect(value);
}

/**
 * The base of asyncio-ts's error classes (exported as a type only): `instanceof` checks the brand,
 * so two installed copies of the package agree.
 */
class AsyncioError extends Error {
  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, value);
  }
}

/**
 * The operation was cancelled: thrown where a cancelled task awaits.
 *
 * **Differs from asyncio:** Python's CancelledError derives from BaseException, so
 * `except Exception` lets it through; a bare JavaScript `catch (e)` catches it. Re-throw it.
 * See docs/differences.md#cancelled-is-catchable.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.CancelledError
 */
export class CancelledError extends AsyncioError {
  readonly code = "ERR_ASYNCIO_CANCELLED";
  /** Python's `args`: `[msg]` when `cancel(msg)` was given a message, else `[]`. */
  readonly args: unknown[];
  constructor(...args: unknown[]) {
    // The stack of a CancelledError shows the loop's internals, not where the task waited, and
    // capturing it costs microseconds per cancellation: only debug mode (ASYNCIO_TS_DEBUG) keeps it.
    const limit = Error.stackTraceLimit;
    if (!cancelStacks) Error.stackTraceLimit = 0;
    super(args.length === 0 || args[0] === undefined || args[0] === null ? "" : messageOf(args[0]));
    Error.stackTraceLimit = limit;
    this.args = args.length === 0 || args[0] === undefined ? [] : args;
  }
}
brand(CancelledError, "CancelledError");

/**
 * The operation has exceeded the given deadline.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.TimeoutError
 */
export class TimeoutError extends AsyncioError {
  readonly code: string = "ERR_ASYNCIO_TIMEOUT";
  constructor(message = "", options?: ErrorOptions) {
    super(message, options);
  }
}
brand(TimeoutError, "TimeoutError");

/**
 * Python's builtin RuntimeError: an operation is not allowed in the current state.
 */
export class RuntimeError extends AsyncioError {
  readonly code: string = "ERR_ASYNCIO_RUNTIME";
}
brand(RuntimeError, "RuntimeError");

/**
 * Invalid internal state of a Task or Future (result not set yet, or set twice).
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.InvalidStateError
 */
export class InvalidStateError extends AsyncioError {
  readonly code = "ERR_ASYNCIO_INVALID_STATE";
}
brand(InvalidStateError, "InvalidStateError");

/**
 * Python's KeyboardInterrupt: `run()` rejects with it when Ctrl-C cancelled the main task.
 * @extension
 */
export class KeyboardInterrupt extends AsyncioError {
  readonly code = "ERR_ASYNCIO_KEYBOARD_INTERRUPT";
}
brand(KeyboardInterrupt, "KeyboardInterrupt");

/**
 * The requested read operation did not complete fully (EOF came first).
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.IncompleteReadError
 */
export class IncompleteReadError extends AsyncioError {
  readonly code = "ERR_ASYNCIO_INCOMPLETE_READ";
  readonly partial: Uint8Array;
  readonly expected: number | null;
  constructor(partial: Uint8Array, expected: number | null) {
    super(`${partial.length} bytes read on a total of ${expected ?? "undefined"} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}
brand(IncompleteReadError, "IncompleteReadError");

/**
 * Reached the buffer size limit while looking for a separator.
 * @see https://docs.python.org/3.13/library/asyncio-exceptions.html#asyncio.LimitOverrunError
 */
export class LimitOverrunError extends AsyncioError {
  readonly code = "ERR_ASYNCIO_LIMIT_OVERRUN";
  readonly consumed: number;
  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}
brand(LimitOverrunError, "LimitOverrunError");

/** Raised by `Queue.getNowait()` on an empty queue. */
export class QueueEmpty extends AsyncioError {
  readonly code = "ERR_ASYNCIO_QUEUE_EMPTY";
}
brand(QueueEmpty, "QueueEmpty");

/** Raised by `Queue.putNowait()` on a full queue. */
export class QueueFull extends AsyncioError {
  readonly code = "ERR_ASYNCIO_QUEUE_FULL";
}
brand(QueueFull, "QueueFull");

/** Raised when putting on to or getting from a queue that was shut down. */
export class QueueShutDown extends AsyncioError {
  readonly code = "ERR_ASYNCIO_QUEUE_SHUT_DOWN";
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

/**
 * Python's builtin NotImplementedError (a RuntimeError): the abstract transport methods raise it
 * until a subclass overrides them.
 */
export class NotImplementedError extends RuntimeError {
  override readonly code = "ERR_ASYNCIO_NOT_IMPLEMENTED";
}
brand(NotImplementedError, "NotImplementedError");

/**
 * What `subgroup()`/`split()` match with: an error class, an array of error classes (Python's
 * tuple of types), or a predicate called with each leaf and each nested group.
 */
export type ExceptionGroupMatcher =
  | ((error: unknown) => boolean)
  | (abstract new (...args: never[]) => unknown)
  | readonly (abstract new (...args: never[]) => unknown)[];

type Predicate = (error: unknown) => boolean;

function isErrorClass(x: unknown): x is abstract new (...args: never[]) => unknown {
  if (x === Error) return true;
  if (typeof x !== "function") return false;
  const proto: unknown = (x as { prototype?: unknown }).prototype;
  return (
    typeof proto === "object" && proto !== null && Object.prototype.isPrototypeOf.call(Error.prototype, proto)
  );
}

function isClass(fn: (...args: never[]) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

// CPython Objects/exceptions.c get_matcher_type
function toPredicate(match: unknown): Predicate {
  if (isErrorClass(match)) return (e) => e instanceof match;
  if (Array.isArray(match) && match.every(isErrorClass)) {
    const classes = match as (abstract new (...args: never[]) => unknown)[];
    return (e) => classes.some((cls) => e instanceof cls);
  }
  if (typeof match === "function" && !isClass(match as (...args: never[]) => unknown)) {
    return match as Predicate;
  }
  throw new TypeError(
    "expected an exception type, a tuple of exception types, or a callable (other than a class)",
  );
}

/** What `split()` returns for the derived groups: the original's cause and stack (its traceback). */
function copyMetadata(from: ExceptionGroup, to: unknown): ExceptionGroup {
  if (!(to instanceof ExceptionGroup)) {
    throw new TypeError("derive must return an instance of BaseExceptionGroup");
  }
  if (Object.hasOwn(from, "cause")) {
    Object.defineProperty(to, "cause", { value: from.cause, writable: true, configurable: true });
  }
  if (typeof from.stack === "string") to.stack = from.stack;
  return to;
}

// CPython Objects/exceptions.c exceptiongroup_split_recursive
function splitGroup(eg: ExceptionGroup, pred: Predicate): [ExceptionGroup | null, ExceptionGroup | null] {
  if (pred(eg)) return [eg, null];
  const yes: unknown[] = [];
  const no: unknown[] = [];
  for (const e of eg.exceptions) {
    if (e instanceof ExceptionGroup) {
      const [m, r] = splitGroup(e, pred);
      if (m !== null) yes.push(m);
      if (r !== null) no.push(r);
    } else if (pred(e)) {
      yes.push(e);
    } else {
      no.push(e);
    }
  }
  return [
    yes.length === 0 ? null : copyMetadata(eg, eg.derive(yes)),
    no.length === 0 ? null : copyMetadata(eg, eg.derive(no)),
  ];
}

/**
 * Python's ExceptionGroup: several unrelated exceptions raised together (by a TaskGroup).
 * `message` is the bare message; `String(group)` reads like Python's
 * `'unhandled errors in a TaskGroup (2 sub-exceptions)'`.
 *
 * **Differs from asyncio:** JavaScript can throw any value, so members need not be `Error`s;
 * there is no BaseExceptionGroup (a TaskGroup re-raises KeyboardInterrupt bare, and groups any
 * other error in an ExceptionGroup).
 * @see https://docs.python.org/3.13/library/exceptions.html#ExceptionGroup
 */
export class ExceptionGroup extends AggregateError {
  readonly code = "ERR_ASYNCIO_EXCEPTION_GROUP";
  /** The member exceptions, as Python's `exceptions` attribute (also `errors`, AggregateError's). */
  readonly exceptions: readonly unknown[];
  /**
   * @throws {TypeError} if `message` is not a string or `exceptions` is not iterable.
   * @throws {RangeError} if `exceptions` is empty.
   */
  constructor(message: string, exceptions: Iterable<unknown>, options?: ErrorOptions) {
    if (typeof message !== "string") {
      // CPython 3.13's words (its argument parser names the constructor); a JavaScript type name.
      const type = (message as unknown) === null ? "null" : typeof message;
      throw new TypeError(`BaseExceptionGroup.__new__() argument 1 must be str, not ${type}`);
    }
    const excs: unknown = exceptions;
    if (
      excs === null ||
      excs === undefined ||
      typeof excs === "string" ||
      typeof (excs as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== "function"
    ) {
      throw new TypeError("second argument (exceptions) must be a sequence");
    }
    const list = [...exceptions];
    if (list.length === 0) throw new RangeError("second argument (exceptions) must be a non-empty sequence");
    super(list, message, options);
    this.exceptions = Object.freeze(list);
  }

  /**
   * Return an ExceptionGroup with the same message, holding `excs`. `split()` and `subgroup()`
   * build their results with it (override it in a subclass to keep the subclass), then copy the
   * original's `cause` and `stack` onto them, as Python copies `__cause__` and `__traceback__`.
   */
  derive(excs: Iterable<unknown>): ExceptionGroup {
    return new ExceptionGroup(this.message, excs);
  }

  /**
   * The sub-group of the exceptions that match (an error class, an array of them, or a
   * predicate), keeping the nesting; the group itself if it matches as a whole; null if none.
   * @throws {TypeError} for any other kind of matcher.
   */
  subgroup(match: ExceptionGroupMatcher): ExceptionGroup | null {
    return splitGroup(this, toPredicate(match))[0];
  }

  /** `[matching, rest]`, each a group keeping the nesting, or null if empty (see {@link subgroup}). */
  split(match: ExceptionGroupMatcher): [ExceptionGroup | null, ExceptionGroup | null] {
    return splitGroup(this, toPredicate(match));
  }

  override toString(): string {
    const n = this.exceptions.length;
    return `${this.message} (${n} sub-exception${n === 1 ? "" : "s"})`;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return brandedHasInstance(this, value);
  }
}
brand(ExceptionGroup, "ExceptionGroup");

/**
 * A worker of a ThreadPoolExecutor ended abruptly (`process.exit()` in the worker, or an uncaught
 * error): its job and every pending job fail with this, and the pool accepts no more work. A
 * RuntimeError, as Python's `concurrent.futures.thread.BrokenThreadPool` (a BrokenExecutor).
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#concurrent.futures.thread.BrokenThreadPool
 */
export class BrokenThreadPool extends RuntimeError {
  override readonly code = "ERR_ASYNCIO_BROKEN_THREAD_POOL";
}
brand(BrokenThreadPool, "BrokenThreadPool");

/**
 * A child process of a ProcessPoolExecutor ended abruptly (`process.exit()` in a job, killed by a
 * signal, a crash): its job and every pending job fail with this, and the pool accepts no more
 * work. A RuntimeError, as Python's `concurrent.futures.process.BrokenProcessPool` (a
 * BrokenExecutor); `cause` says how the child ended.
 * @see https://docs.python.org/3.13/library/concurrent.futures.html#concurrent.futures.process.BrokenProcessPool
 */
export class BrokenProcessPool extends RuntimeError {
  override readonly code = "ERR_ASYNCIO_BROKEN_PROCESS_POOL";
}
brand(BrokenProcessPool, "BrokenProcessPool");

export type { AsyncioError };
