/**
 * The subprocess transport (CPython 3.13 base_subprocess.py `BaseSubprocessTransport` and
 * `loop.subprocess_exec()`/`subprocess_shell()`): a child process whose stdin, stdout and stderr
 * are pipe transports, reported to a {@link SubprocessProtocol}. Spawning and its checks are
 * subprocess.ts's, shared with `createSubprocessExec()`.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#running-subprocesses
 * @module
 */
import type { Buffer } from "node:buffer";
import type { ChildProcess } from "node:child_process";
import { constants as osConstants } from "node:os";
import { PassThrough, type Readable } from "node:stream";
import type { BaseEventLoop } from "./base-events.ts";
import type { TimerHandle } from "./events.ts";
import type { ProtocolFactory } from "./datagram.ts";
import { logger } from "./debug.ts";
import type { Future } from "./futures.ts";
import { inspectCustom } from "./internal/repr.ts";
import { kConnectPipes, kPeerClosed, kWaitExit } from "./internal/symbols.ts";
import { debug } from "./sslproto.ts";
import { ReadPipeTransport, WritePipeTransport } from "./pipes.ts";
import { BaseProtocol, Protocol, type SubprocessProtocol } from "./protocols.ts";
import {
  checkTextMode,
  execArgs,
  isPlainObject,
  PIPE,
  resolveStdio,
  soon,
  spawnOwned,
  type ResolvedStdio,
  type SubprocessOptions,
} from "./subprocess.ts";
import { typeName } from "./streams.ts";
import { checkFactory, makeProtocol } from "./tcp.ts";
import { SubprocessTransport } from "./transports.ts";

/**
 * Options of `loop.subprocessExec()`/`subprocessShell()`: as {@link SubprocessOptions}, but
 * `stdin`, `stdout` and `stderr` default to `PIPE` (CPython's defaults here), and there is no
 * `limit` (no StreamReader).
 */
export type SubprocessTransportOptions = Omit<SubprocessOptions, "limit">;

/** What `getExtraInfo()` knows on a subprocess transport: `subprocess`, the `ChildProcess`. */
export interface SubprocessExtraInfo {
  subprocess: ChildProcess;
}

/** CPython's WriteSubprocessPipeProto: the protocol of the child's stdin pipe. */
class WriteSubprocessPipeProto extends BaseProtocol {
  pipe: WritePipeTransport | ReadPipeTransport | null = null;
  disconnected = false;
  readonly #proc: BaseSubprocessTransport;
  readonly fd: number;

  constructor(proc: BaseSubprocessTransport, fd: number) {
    super();
    this.#proc = proc;
    this.fd = fd;
  }

  override connectionMade(transport: WritePipeTransport | ReadPipeTransport): void {
    this.pipe = transport;
  }

  override connectionLost(exc: Error | null): void {
    this.disconnected = true;
    internals.get(this.#proc)?.pipeConnectionLost(this.fd, exc);
  }

  override pauseWriting(): void {
    this.#proc.getProtocol().pauseWriting();
  }

  override resumeWriting(): void {
    this.#proc.getProtocol().resumeWriting();
  }

  [inspectCustom](): string {
    return `<${this.constructor.name} fd=${this.fd} pipe=${String(this.pipe)}>`;
  }
}

/** CPython's ReadSubprocessPipeProto: the protocol of the child's stdout or stderr pipe. */
class ReadSubprocessPipeProto extends Protocol {
  readonly #write: WriteSubprocessPipeProto;
  readonly #proc: BaseSubprocessTransport;

  constructor(proc: BaseSubprocessTransport, fd: number) {
    super();
    this.#proc = proc;
    this.#write = new WriteSubprocessPipeProto(proc, fd);
  }

  get pipe(): WritePipeTransport | ReadPipeTransport | null {
    return this.#write.pipe;
  }

  get disconnected(): boolean {
    return this.#write.disconnected;
  }

  override connectionMade(transport: ReadPipeTransport): void {
    this.#write.connectionMade(transport);
  }

  override connectionLost(exc: Error | null): void {
    this.#write.connectionLost(exc);
  }

  override dataReceived(data: Buffer): void {
    internals.get(this.#proc)?.pipeDataReceived(this.#write.fd, data);
  }
}

type PipeProto = WriteSubprocessPipeProto | ReadSubprocessPipeProto;

/** What the pipe protocols call on their transport (not public methods of it). */
interface Internals {
  pipeConnectionLost(fd: number, exc: Error | null): void;
  pipeDataReceived(fd: number, data: Buffer): void;
}

const internals = new WeakMap<BaseSubprocessTransport, Internals>();

/** Seconds the exit waits for the child's pipes to end (see the constructor). */
const EXIT_GRACE = 0.1;

function noSuchProcess(): Error {
  // Python's ProcessLookupError, as Process.sendSignal() raises it.
  return Object.assign(new Error("no such process"), { code: "ESRCH", syscall: "kill" });
}

/**
 * The transport of a child process made by `loop.subprocessExec()`/`subprocessShell()`. Its
 * protocol gets `connectionMade`, then `pipeDataReceived(fd, data)`, `pipeConnectionLost(fd, exc)`
 * for each pipe and `processExited()` (in the order they happen: `processExited()` may come
 * before the last pipe is lost), then `connectionLost(null)` once the child has exited and every
 * pipe is closed.
 * @see https://docs.python.org/3.13/library/asyncio-protocol.html#asyncio.SubprocessTransport
 */
export class BaseSubprocessTransport extends SubprocessTransport<SubprocessExtraInfo> {
  readonly #loop: BaseEventLoop;
  #protocol: SubprocessProtocol;
  /** The child, until connectionLost() has run (CPython's `_proc`). */
  #child: ChildProcess | null;
  readonly #pid: number;
  #returncode: number | null = null;
  #closed = false;
  #exitSeen = false;
  #finished = false;
  #exitWaiters: Future<number>[] = [];
  /** Calls held until connectionMade() (CPython's `_pending_calls`); null after it. */
  #pendingCalls: (() => void)[] | null = [];
  readonly #pipes = new Map<number, PipeProto>();

  /** Made by `loop.subprocessExec()`/`subprocessShell()`, right after the spawn. @internal */
  constructor(loop: BaseEventLoop, protocol: SubprocessProtocol, child: ChildProcess) {
    super({ subprocess: child });
    this.#loop = loop;
    this.#protocol = protocol;
    this.#child = child;
    this.#pid = child.pid ?? 0;
    internals.set(this, {
      pipeConnectionLost: (fd, exc) => {
        this.#call(() => {
          this.#protocol.pipeConnectionLost(fd, exc);
        });
        this.#tryFinish();
      },
      pipeDataReceived: (fd, data) => {
        this.#call(() => {
          this.#protocol.pipeDataReceived(fd, data);
        });
      },
    });
    // Node reports the exit before the end of the child's output pipes, most of the time;
    // CPython's child watcher, after it. So the exit is taken when Node's 'close' says the
    // pipes have ended too, or EXIT_GRACE seconds after 'exit' if a grandchild keeps them open.
    let grace: TimerHandle | null = null;
    let returncode = 0;
    child.once("exit", (code: number | null, signal: NodeJS.Signals | null) => {
      returncode = code ?? -(signal === null ? 0 : osConstants.signals[signal]);
      soon(loop, () => {
        grace = loop.callLater(EXIT_GRACE, () => {
          this.#childExited(returncode);
        });
      });
    });
    child.once("close", () => {
      soon(loop, () => {
        grace?.cancel();
        this.#childExited(returncode);
      });
    });
  }

  /**
   * Connect the child's pipes, then schedule connectionMade and the calls held meanwhile, and
   * wake `waiter` (CPython `_connect_pipes`).
   * @internal
   */
  [kConnectPipes](stdio: ResolvedStdio, waiter: Future<null>): void {
    const child = this.#child as ChildProcess;
    const loop = this.#loop;
    if (stdio.stdin && child.stdin !== null) {
      const proto = new WriteSubprocessPipeProto(this, 0);
      this.#pipes.set(0, proto);
      proto.pipe = new WritePipeTransport(loop, child.stdin, proto, { pipe: child.stdin }, null);
    }
    if (stdio.stdout && child.stdout !== null) {
      // stderr=STDOUT: Node cannot give the child one pipe on two fds, so both pipes feed fd 1.
      const stream = stdio.merge && child.stderr !== null ? merged(child.stdout, child.stderr) : child.stdout;
      this.#readPipe(1, stream);
    }
    if (stdio.stderr && child.stderr !== null) this.#readPipe(2, child.stderr);
    // After the pipes' own connectionMade callbacks, as CPython's awaits of connect_*_pipe.
    loop.callSoon(() => {
      loop.callSoon(() => {
        this.#protocol.connectionMade(this);
      });
      for (const call of this.#pendingCalls ?? []) loop.callSoon(call);
      this.#pendingCalls = null;
      if (!waiter.done()) waiter.setResult(null);
    });
  }

  #readPipe(fd: number, stream: Readable): void {
    const proto = new ReadSubprocessPipeProto(this, fd);
    this.#pipes.set(fd, proto);
    proto.connectionMade(new ReadPipeTransport(this.#loop, stream, proto, { pipe: stream }, null));
  }

  #call(fn: () => void): void {
    if (this.#pendingCalls !== null) this.#pendingCalls.push(fn);
    else this.#loop.callSoon(fn);
  }

  // The child exited. CPython's stdin pipe transport sees its peer close at once (a reader on
  // the write end); Node cannot watch a child's stdin, so the exit closes it, as the child's
  // exit does close its end. Then `_process_exited` comes one callback later, as the child
  // watcher's call_soon_threadsafe.
  #childExited(returncode: number): void {
    if (this.#exitSeen) return;
    this.#exitSeen = true;
    const stdin = this.#pipes.get(0)?.pipe;
    if (stdin instanceof WritePipeTransport) stdin[kPeerClosed]();
    this.#loop.callSoon(() => {
      this.#processExited(returncode);
    });
  }

  #processExited(returncode: number): void {
    debug("%s exited with return code %d", String(this), returncode);
    this.#returncode = returncode;
    this.#call(() => {
      this.#protocol.processExited();
    });
    this.#tryFinish();
  }

  #tryFinish(): void {
    if (this.#finished || this.#returncode === null) return;
    for (const proto of this.#pipes.values()) if (!proto.disconnected) return;
    this.#finished = true;
    this.#call(() => {
      this.#callConnectionLost();
    });
  }

  #callConnectionLost(): void {
    try {
      this.#protocol.connectionLost(null);
    } finally {
      const rc = this.#returncode as number;
      for (const w of this.#exitWaiters.splice(0)) if (!w.done()) w.setResult(rc);
      this.#child = null;
    }
  }

  /** Wait for the exit (and every pipe closed); return the returncode. @internal */
  async [kWaitExit](): Promise<number> {
    if (this.#finished && this.#child === null) return this.#returncode as number;
    const waiter = this.#loop.createFuture<number>();
    this.#exitWaiters.push(waiter);
    return await waiter;
  }

  override getPid(): number {
    return this.#pid;
  }

  override getReturncode(): number | null {
    return this.#returncode;
  }

  /** The transport of the child's pipe `fd` (0: a write pipe, 1 and 2: read pipes), or null. */
  override getPipeTransport(fd: number): ReadPipeTransport | WritePipeTransport | null {
    return this.#pipes.get(fd)?.pipe ?? null;
  }

  /**
   * Send signal `signal` to the child; nothing happens if it has exited but the transport has not
   * finished yet (CPython swallows the ProcessLookupError then).
   * @throws {Error} code `ESRCH`, `no such process` (Python's ProcessLookupError) once
   * `connectionLost()` has run.
   */
  override sendSignal(signal: NodeJS.Signals | number): void {
    const child = this.#child;
    if (child === null) throw noSuchProcess();
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
  }

  override terminate(): void {
    this.sendSignal("SIGTERM");
  }

  override kill(): void {
    this.sendSignal("SIGKILL");
  }

  override isClosing(): boolean {
    return this.#closed;
  }

  /** Close the pipes, and kill the child (SIGKILL) if it is still running. */
  override close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const proto of this.#pipes.values()) proto.pipe?.close();
    const child = this.#child;
    if (child !== null && this.#returncode === null && child.exitCode === null && child.signalCode === null) {
      if (this.#loop.getDebug()) logger.warn(`Close running child process: kill ${String(this)}`);
      child.kill("SIGKILL");
    }
  }

  override setProtocol(protocol: SubprocessProtocol): void {
    this.#protocol = protocol;
  }

  override getProtocol(): SubprocessProtocol {
    return this.#protocol;
  }

  override toString(): string {
    return this[inspectCustom]();
  }

  [inspectCustom](): string {
    const info = ["BaseSubprocessTransport"];
    if (this.#closed) info.push("closed");
    info.push(`pid=${this.#pid}`);
    info.push(this.#returncode !== null ? `returncode=${this.#returncode}` : "running");
    for (const [fd, name] of [
      [0, "stdin"],
      [1, "stdout"],
      [2, "stderr"],
    ] as const) {
      const pipe = this.#pipes.get(fd)?.pipe;
      if (pipe !== undefined && pipe !== null) info.push(`${name}=${String(pipe)}`);
    }
    return `<${info.join(" ")}>`;
  }
}

/** One readable fed by both streams, chunk by chunk; it ends when both have ended. */
function merged(a: Readable, b: Readable): Readable {
  const out = new PassThrough();
  let open = 2;
  for (const source of [a, b]) {
    source.pipe(out, { end: false });
    source.once("end", () => {
      if (--open === 0) out.end();
    });
    source.once("error", (err: Error) => out.destroy(err));
  }
  out.once("close", () => {
    a.destroy();
    b.destroy();
  });
  return out;
}

/** Spawn, make the transport, connect the pipes and wait for connectionMade. */
async function subprocessNow<P extends SubprocessProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  file: string,
  args: readonly string[],
  given: SubprocessTransportOptions,
  shell: boolean,
): Promise<[BaseSubprocessTransport, P]> {
  checkFactory(protocolFactory);
  checkTextMode(given, shell);
  // CPython's defaults for subprocess_exec/subprocess_shell: all three piped.
  const options: SubprocessOptions = {
    ...given,
    stdin: given.stdin === undefined ? PIPE : given.stdin,
    stdout: given.stdout === undefined ? PIPE : given.stdout,
    stderr: given.stderr === undefined ? PIPE : given.stderr,
  };
  const stdio = resolveStdio(options);
  const protocol = makeProtocol(protocolFactory);
  let transport: BaseSubprocessTransport | null = null;
  await spawnOwned(loop, file, args, options, shell, stdio, (child) => {
    transport = new BaseSubprocessTransport(loop, protocol, child);
    return transport;
  });
  const made = transport as unknown as BaseSubprocessTransport;
  const waiter = loop.createFuture<null>();
  made[kConnectPipes](stdio, waiter);
  try {
    await waiter;
  } catch (e) {
    // CPython 3.13 unix_events.py _make_subprocess_transport: close (kill), wait, re-raise.
    made.close();
    await made[kWaitExit]();
    throw e;
  }
  return [made, protocol];
}

/** CPython's `loop.subprocess_exec()`, run in the awaiting task. @internal */
export async function subprocessExecNow<P extends SubprocessProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  program: string,
  ...args: unknown[]
): Promise<[BaseSubprocessTransport, P]> {
  const [argv, options] = execArgs<SubprocessTransportOptions>("subprocessExec", program, args);
  return subprocessNow(loop, protocolFactory, program, argv, options, false);
}

/** CPython's `loop.subprocess_shell()`, run in the awaiting task. @internal */
export async function subprocessShellNow<P extends SubprocessProtocol>(
  loop: BaseEventLoop,
  protocolFactory: ProtocolFactory<P>,
  cmd: string,
  options: SubprocessTransportOptions | null | undefined,
): Promise<[BaseSubprocessTransport, P]> {
  if (typeof cmd !== "string") throw new RangeError("cmd must be a string");
  const opts: unknown = options ?? {};
  if (!isPlainObject(opts)) {
    throw new TypeError(`subprocessShell() options must be an object, got ${typeName(opts)}`);
  }
  return subprocessNow(loop, protocolFactory, cmd, [], opts, true);
}
