/**
 * Subprocesses (CPython's asyncio/subprocess.py): createSubprocessExec, createSubprocessShell and
 * Process, on `node:child_process.spawn`. Node callbacks reach the loop through `callSoon`, so
 * data, EOF and exit are seen in loop order.
 * @see https://docs.python.org/3.13/library/asyncio-subprocess.html
 * @module
 */
import { Buffer } from "node:buffer";
import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import { constants as osConstants } from "node:os";
import type { Readable, Writable } from "node:stream";
import type { BaseEventLoop } from "./base-events.ts";
import { gather } from "./combinators.ts";
import { type Coroutine, libraryCoroutine } from "./coroutines.ts";
import { getRunningLoop } from "./events.ts";
import { addCloseHook } from "./internal/close-hooks.ts";
import { addExitHook } from "./internal/exit-hooks.ts";
import { inspectCustom } from "./internal/repr.ts";
import { connectionLost } from "./internal/stream-transport.ts";
import { Waiters } from "./internal/waiters.ts";
import { logger } from "./debug.ts";
import { StreamReader, typeName } from "./streams.ts";

/** Special value for stdin/stdout/stderr: create a pipe (`subprocess.PIPE`). */
export const PIPE = -1;
/** Special value for stderr: send it to the same place as stdout (`subprocess.STDOUT`). */
export const STDOUT = -2;
/** Special value for stdin/stdout/stderr: use `/dev/null` (`subprocess.DEVNULL`). */
export const DEVNULL = -3;

/**
 * Where a standard stream of the child goes: {@link PIPE}, {@link STDOUT} (stderr only),
 * {@link DEVNULL}, `"inherit"` (also `null`/omitted, Python's `None`) or an open file descriptor.
 */
export type StdioSpec = "inherit" | number | null;

/** Options of {@link createSubprocessExec} and {@link createSubprocessShell}. */
export interface SubprocessOptions {
  stdin?: StdioSpec;
  stdout?: StdioSpec;
  stderr?: StdioSpec;
  /** The buffer limit of the stdout/stderr StreamReaders, in bytes (default 2**16). */
  limit?: number;
  /** The working directory of the child. */
  cwd?: string;
  /** The whole environment of the child (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Refused unless false: byte streams only, as asyncio. */
  text?: boolean;
  /** Refused unless null/omitted. */
  encoding?: string | null;
  /** Refused unless null/omitted. */
  errors?: string | null;
  /** Refused unless false. */
  universalNewlines?: boolean;
  /** Refused unless 0. */
  bufsize?: number;
  /** Must be false for exec and true for shell (the default of each). */
  shell?: boolean;
}

/** The stdin of a child: the writing side of a pipe, a small subset of StreamWriter. */
class SubprocessStdin {
  readonly #loop: BaseEventLoop;
  readonly #stream: Writable;
  #error: Error | null = null;
  #closing = false;
  #closed = false;
  readonly #drainWaiters = new Waiters();
  readonly #closeWaiters = new Waiters();

  constructor(loop: BaseEventLoop, stream: Writable) {
    this.#loop = loop;
    this.#stream = stream;
    // One listener of each kind for the pipe's lifetime: drain() and waitClosed() queue futures.
    stream.on("drain", () => {
      soon(loop, () => {
        this.#drainWaiters.wakeAll(null);
      });
    });
    stream.on("error", (err: Error) => {
      soon(loop, () => {
        this.#error ??= err;
        this.#drainWaiters.failAll(err);
      });
    });
    stream.on("close", () => {
      soon(loop, () => {
        this.#closed = true;
        this.#drainWaiters.failAll(this.#error ?? connectionLost());
        this.#closeWaiters.wakeAll(null);
      });
    });
  }

  /** Write `data`; writes after `close()` or a broken pipe are dropped, as asyncio's pipe does. */
  write(data: Uint8Array): void {
    // CPython's pipe transport only asserts the type: StreamWriter.write()'s words instead.
    if (!(data instanceof Uint8Array)) {
      throw new TypeError(`data argument must be a bytes-like object, not '${typeName(data)}'`);
    }
    if (this.#closing || this.#error !== null || this.#stream.destroyed) return;
    this.#stream.write(data);
  }

  /**
   * Wait until the buffered data falls below the high-water mark.
   * @throws the pipe's error (`code` `EPIPE`, `ECONNRESET`) once it broke.
   */
  drain(): Coroutine<void> {
    return libraryCoroutine("StreamWriter.drain", this, this.#drain);
  }

  async #drain(): Promise<void> {
    if (this.#error === null && !this.#closed) {
      // A pipe destroyed by a failed write reports its error from a Node callback: wait for it
      // (CPython's drain() yields once when the transport is closing).
      if (!this.#stream.writableNeedDrain && !this.#stream.destroyed) return;
      await this.#drainWaiters.wait(this.#loop);
    }
    if (this.#error !== null) throw this.#error;
    if (this.#closed) throw connectionLost();
  }

  /** Return true once `close()` or `writeEof()` was called, or the pipe broke. */
  isClosing(): boolean {
    return this.#closing || this.#closed || this.#error !== null;
  }

  /** Return true: a pipe can be half-closed. */
  canWriteEof(): boolean {
    return true;
  }

  /** Flush the buffered data, then close the pipe: the child reads EOF. */
  writeEof(): void {
    this.close();
  }

  /** Close the pipe after flushing the buffered data. */
  close(): void {
    if (this.#closing) return;
    this.#closing = true;
    if (!this.#stream.destroyed) this.#stream.end();
  }

  /** Wait until the pipe is closed. */
  waitClosed(): Coroutine<void> {
    return libraryCoroutine("StreamWriter.wait_closed", this, this.#waitClosed);
  }

  async #waitClosed(): Promise<void> {
    if (this.#closed) return;
    await this.#closeWaiters.wait(this.#loop);
  }

  [inspectCustom](): string {
    return `<SubprocessStdin${this.isClosing() ? " closing" : ""}>`;
  }
}

export type { SubprocessStdin };

/**
 * A child process created by {@link createSubprocessExec} or {@link createSubprocessShell}.
 * @see https://docs.python.org/3.13/library/asyncio-subprocess.html#asyncio.subprocess.Process
 */
export class Process {
  readonly #loop: BaseEventLoop;
  readonly #child: ChildProcess;
  #returncode: number | null = null;
  #finished = false;
  readonly #exitWaiters = new Waiters<number>();
  /** The process id. */
  readonly pid: number;
  /** The writer of the child's stdin, or null unless `stdin` was {@link PIPE}. */
  readonly stdin: SubprocessStdin | null;
  /** The reader of the child's stdout, or null unless `stdout` was {@link PIPE}. */
  readonly stdout: StreamReader | null;
  /** The reader of the child's stderr, or null unless `stderr` was {@link PIPE}. */
  readonly stderr: StreamReader | null;

  /** Made by createSubprocessExec() and createSubprocessShell(). */
  private constructor(
    loop: BaseEventLoop,
    child: ChildProcess,
    stdio: ResolvedStdio,
    limit: number | undefined,
  ) {
    this.#loop = loop;
    this.#child = child;
    this.pid = child.pid ?? 0;
    this.stdin = stdio.stdin && child.stdin !== null ? new SubprocessStdin(loop, child.stdin) : null;
    this.stdout = stdio.stdout && child.stdout !== null ? new StreamReader(limit) : null;
    this.stderr = stdio.stderr && child.stderr !== null ? new StreamReader(limit) : null;
    if (this.stdout !== null && child.stdout !== null) {
      const sources = [child.stdout];
      // stderr=STDOUT: Node cannot give the child one pipe on two fds, so both pipes feed the
      // stdout reader, chunk by chunk in arrival order; EOF comes when both have ended.
      if (stdio.merge && child.stderr !== null) sources.push(child.stderr);
      pipeInto(loop, sources, this.stdout);
    }
    if (this.stderr !== null && child.stderr !== null) pipeInto(loop, [child.stderr], this.stderr);

    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      soon(loop, () => {
        this.#returncode = code ?? -(signal === null ? 0 : osConstants.signals[signal]);
      });
    };
    const onClose = (): void => {
      child.off("exit", onExit);
      child.off("close", onClose);
      soon(loop, () => {
        // CPython 3.13 base_subprocess._try_finish: wait() returns once the process exited and
        // every pipe is disconnected.
        this.#finished = true;
        const rc = this.#returncode ?? 0;
        this.#exitWaiters.wakeAll(rc);
      });
    };
    child.on("exit", onExit);
    child.on("close", onClose);
  }

  /** The exit status: null until the exit is observed; `-N` when killed by signal N (POSIX). */
  get returncode(): number | null {
    return this.#returncode;
  }

  /**
   * Wait for the child to exit (and its pipes to close); return its returncode. Cancelling the
   * wait does not kill the child.
   * @remarks With stdout or stderr piped and not read, a chatty child blocks on a full pipe and
   * never exits: use {@link Process.communicate}.
   */
  wait(): Coroutine<number> {
    return libraryCoroutine("Process.wait", this, this.#wait);
  }

  async #wait(): Promise<number> {
    if (this.#returncode !== null) return this.#returncode;
    return await this.#exitWaiters.wait(this.#loop);
  }

  /**
   * Send `input` to stdin (then close it), read stdout and stderr to EOF, all concurrently, then
   * wait for the exit. Return `[stdout, stderr]`, null for a stream that is not piped. A child
   * that exits without reading its stdin is not an error (EPIPE and ECONNRESET are ignored).
   * @see https://docs.python.org/3.13/library/asyncio-subprocess.html#asyncio.subprocess.Process.communicate
   */
  communicate(input?: Uint8Array | null): Coroutine<[Buffer | null, Buffer | null]> {
    return libraryCoroutine("Process.communicate", this, this.#communicate, null, [input]);
  }

  async #communicate(input?: Uint8Array | null): Promise<[Buffer | null, Buffer | null]> {
    const stdin = this.stdin;
    const stdout = this.stdout;
    const stderr = this.stderr;
    const results = await gather(
      async () => {
        if (stdin !== null) await feedStdin(stdin, input ?? null);
        return null;
      },
      async () => (stdout === null ? null : stdout.read()),
      async () => (stderr === null ? null : stderr.read()),
    );
    await this.wait();
    return [results[1], results[2]];
  }

  /**
   * Send the signal `sig` (a number or a name like `"SIGINT"`) to the child. Nothing happens if
   * the exit was already observed but the pipes are still open.
   * @throws {Error} code `ESRCH` once the process has finished (Python's ProcessLookupError).
   */
  sendSignal(sig: number | NodeJS.Signals): void {
    if (this.#finished) {
      throw Object.assign(new Error("no such process"), { code: "ESRCH", syscall: "kill" });
    }
    if (this.#returncode !== null) return;
    this.#child.kill(sig);
  }

  /** Stop the child with SIGTERM. */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Kill the child with SIGKILL. */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    return `<Process ${this.pid}>`;
  }
}

/** CPython 3.13 Process._feed_stdin: write, drain, ignore a broken pipe, close. */
async function feedStdin(stdin: SubprocessStdin, input: Uint8Array | null): Promise<void> {
  try {
    if (input !== null) stdin.write(input);
    await stdin.drain();
  } catch (e) {
    if (!isBrokenPipe(e)) throw e;
  }
  stdin.close();
}

function isBrokenPipe(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "EPIPE" || code === "ECONNRESET";
}

/** Run `fn` on the loop, unless it closed meanwhile (a child outliving `asyncio.run`). */
export function soon(loop: BaseEventLoop, fn: () => void): void {
  if (!loop.isClosed()) loop.callSoon(fn);
}

/** Feed `reader` from `sources` with back-pressure; EOF once all of them have ended. */
function pipeInto(loop: BaseEventLoop, sources: Readable[], reader: StreamReader): void {
  let open = sources.length;
  reader._setTransport({
    pauseReading: () => {
      for (const s of sources) s.pause();
    },
    resumeReading: () => {
      for (const s of sources) s.resume();
    },
  });
  for (const source of sources) {
    const onData = (chunk: Buffer): void => {
      soon(loop, () => {
        reader._feedChunk(chunk);
      });
    };
    const onEnd = (): void => {
      soon(loop, () => {
        if (--open === 0) reader.feedEof();
      });
    };
    const onError = (err: unknown): void => {
      soon(loop, () => {
        reader.setException(err);
      });
    };
    const onClose = (): void => {
      source.off("data", onData);
      source.off("end", onEnd);
      source.off("close", onClose);
      // Keep an error listener: a late error must not become an uncaught exception.
    };
    source.on("data", onData);
    source.on("end", onEnd);
    source.on("error", onError);
    source.on("close", onClose);
  }
}

/** @internal */
export interface ResolvedStdio {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  merge: boolean;
  spawn: StdioOptions;
}

function toNode(spec: StdioSpec | undefined, name: string): "pipe" | "ignore" | "inherit" | number {
  if (spec === undefined || spec === null || spec === "inherit") return "inherit";
  if (spec === PIPE) return "pipe";
  if (spec === DEVNULL) return "ignore";
  if (spec === STDOUT) throw new RangeError(`STDOUT can only be used for stderr, not ${name}`);
  if (Number.isInteger(spec) && spec >= 0) return spec;
  throw new RangeError(`invalid ${name}: expected PIPE, DEVNULL, "inherit" or a file descriptor`);
}

/** @internal */
export function resolveStdio(options: SubprocessOptions): ResolvedStdio {
  const stdin = toNode(options.stdin, "stdin");
  const stdout = toNode(options.stdout, "stdout");
  const merge = options.stderr === STDOUT;
  // stderr=STDOUT: the same target as stdout (a pipe is merged into the stdout reader).
  const stderr = merge ? stdout : toNode(options.stderr, "stderr");
  return {
    stdin: stdin === "pipe",
    stdout: stdout === "pipe",
    stderr: stderr === "pipe" && !merge,
    merge: merge && stdout === "pipe",
    spawn: [stdin, stdout, stderr],
  };
}

/** CPython 3.13 base_events.subprocess_exec/subprocess_shell: the text-mode checks. */
export function checkTextMode(options: SubprocessOptions, shell: boolean): void {
  if (options.universalNewlines) throw new RangeError("universal_newlines must be False");
  if (shell && options.shell === false) throw new RangeError("shell must be True");
  if (!shell && options.shell) throw new RangeError("shell must be False");
  if (options.bufsize !== undefined && options.bufsize !== 0) throw new RangeError("bufsize must be 0");
  if (options.text) throw new RangeError("text must be False");
  if (options.encoding !== undefined && options.encoding !== null)
    throw new RangeError("encoding must be None");
  if (options.errors !== undefined && options.errors !== null) throw new RangeError("errors must be None");
}

/**
 * Spawn `file` with the loop owning the child: `attach(child)` runs synchronously right after the
 * spawn (so that no event of a fast child is missed) and returns what names the child in messages.
 * Resolve with the child once it is spawned. If it is still running when the loop closes or the
 * process ends, it is killed, as CPython's transport close() does; cancelled while spawning, it
 * is killed too (nobody could reach it any more).
 * @internal for createSubprocessExec/Shell and loop.subprocessExec/Shell
 */
export async function spawnOwned(
  loop: BaseEventLoop,
  file: string,
  args: readonly string[],
  options: SubprocessOptions,
  shell: boolean,
  stdio: ResolvedStdio,
  attach: (child: ChildProcess) => { toString(): string },
): Promise<ChildProcess> {
  const child = spawn(file, args, {
    stdio: stdio.spawn,
    shell,
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  const started = loop.createFuture<null>();
  const onSpawn = (): void => {
    child.off("error", onError);
    soon(loop, () => {
      if (!started.done()) started.setResult(null);
    });
  };
  const onError = (err: unknown): void => {
    child.off("spawn", onSpawn);
    soon(loop, () => {
      if (!started.done()) started.setException(err);
    });
  };
  child.once("spawn", onSpawn);
  child.once("error", onError);
  const owner = attach(child);
  // The loop owns the child: if it is still running when the loop closes (a task left it behind
  // at the end of run()), it is killed, as CPython's transport close() does. So it is if the
  // process ends first (process.exit(), an uncaught error, SIGTERM, SIGHUP): a child must not
  // outlive the program that owned it.
  const killIfRunning = (): void => {
    unhook();
    unexit();
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (loop.getDebug()) logger.warn(`Close running child process: kill ${String(owner)}`);
    child.kill("SIGKILL");
    for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
  };
  const unhook = addCloseHook(loop, killIfRunning);
  const unexit = addExitHook(killIfRunning);
  child.once("exit", unexit);
  child.once("close", unhook);
  // After the spawn, an error (a failed kill) goes to the loop's exception handler.
  child.on("error", (err: unknown) => {
    if (child.pid === undefined) return;
    soon(loop, () => {
      loop.callExceptionHandler({ message: `error in ${String(owner)}`, exception: err });
    });
  });
  try {
    await started;
  } catch (e) {
    unhook();
    unexit();
    // Cancelled after the spawn (a TaskGroup sibling failed, a timeout expired): kill the child,
    // which nobody could reach any more, as CPython 3.13's _make_subprocess_transport does
    // (transp.close() kills it). A spawn that failed has no pid and nothing to kill.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      child.kill("SIGKILL");
    for (const s of [child.stdin, child.stdout, child.stderr]) s?.destroy();
    throw e;
  }
  return child;
}

async function start(
  file: string,
  args: readonly string[],
  options: SubprocessOptions,
  shell: boolean,
): Promise<Process> {
  const loop = getRunningLoop();
  const stdio = resolveStdio(options);
  // The constructor is private, so that the published types offer none.
  const newProcess = Process as unknown as new (
    loop: BaseEventLoop,
    child: ChildProcess,
    stdio: ResolvedStdio,
    limit: number | undefined,
  ) => Process;
  let proc: Process | null = null;
  await spawnOwned(loop, file, args, options, shell, stdio, (child) => {
    proc = new newProcess(loop, child, stdio, options.limit);
    return proc;
  });
  return proc as unknown as Process;
}

/** @internal */
export function isPlainObject(value: unknown): value is SubprocessOptions {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Run `program` with `args` (no shell); the last argument may be an options object. Resolve with
 * the {@link Process} once it is spawned.
 * @throws Node's spawn error (`code` `ENOENT`, `EACCES`, …; `errno` and `syscall` kept).
 * @throws {TypeError} `createSubprocessExec() args must be strings, got null (argument 2)` when
 * `program` or an argument is not a string (the options, if any, are a plain object last).
 * @throws {RangeError} for text-mode options (`text must be False`, …).
 * @see https://docs.python.org/3.13/library/asyncio-subprocess.html#asyncio.create_subprocess_exec
 */
export function createSubprocessExec(
  program: string,
  ...args: [...string[], SubprocessOptions] | string[]
): Coroutine<Process> {
  return libraryCoroutine("create_subprocess_exec", undefined, createSubprocessExecNow, null, [
    program,
    ...args,
  ]);
}

async function createSubprocessExecNow(
  program: string,
  ...args: [...string[], SubprocessOptions] | string[]
): Promise<Process> {
  const [argv, options] = execArgs("createSubprocessExec", program, args);
  checkTextMode(options, false);
  return start(program, argv, options, false);
}

/**
 * Split `...args, options?` and check that `program` and every argument are strings.
 * @internal for createSubprocessExec and loop.subprocessExec
 */
export function execArgs<O extends object>(
  fn: string,
  program: unknown,
  args: readonly unknown[],
): [argv: string[], options: O] {
  const last = args[args.length - 1];
  // Only a plain object is the options: null, an array or a Buffer is a wrong argument.
  const hasOptions = isPlainObject(last);
  const options = (hasOptions ? last : {}) as O;
  const argv = hasOptions ? args.slice(0, -1) : args;
  // CPython's Popen says "expected str, bytes or os.PathLike object, not NoneType", naming
  // Python types this API does not take (a Buffer is refused): say what to pass instead.
  if (typeof program !== "string") {
    throw new TypeError(`${fn}() program must be a string, got ${typeName(program)}`);
  }
  argv.forEach((a, i) => {
    if (typeof a !== "string") {
      throw new TypeError(`${fn}() args must be strings, got ${typeName(a)} (argument ${i + 2})`);
    }
  });
  return [argv as string[], options];
}

/**
 * Run `cmd` through the shell (`/bin/sh -c` on POSIX). Resolve with the {@link Process}.
 * @throws {RangeError} `cmd must be a string`, or for text-mode options.
 * @throws {TypeError} `createSubprocessShell() options must be an object, got number`.
 * @see https://docs.python.org/3.13/library/asyncio-subprocess.html#asyncio.create_subprocess_shell
 */
export function createSubprocessShell(cmd: string, options: SubprocessOptions = {}): Coroutine<Process> {
  return libraryCoroutine("create_subprocess_shell", undefined, createSubprocessShellNow, null, [
    cmd,
    options,
  ]);
}

async function createSubprocessShellNow(cmd: string, options: SubprocessOptions): Promise<Process> {
  if (typeof cmd !== "string") throw new RangeError("cmd must be a string");
  // Python's None is null or undefined here: no options.
  const given: unknown = options;
  const opts = given ?? {};
  if (!isPlainObject(opts)) {
    throw new TypeError(`createSubprocessShell() options must be an object, got ${typeName(opts)}`);
  }
  checkTextMode(opts, true);
  return start(cmd, [], opts, true);
}
