/**
 * asyncio-ts: Python's asyncio for TypeScript on Node.js.
 * @example
 * import * as asyncio from "asyncio-ts";
 * const main = asyncio.coroutine(async () => {
 *   console.log("Hello");
 *   await asyncio.sleep(1);
 *   console.log("World");
 * });
 * await asyncio.run(main());
 * @module
 */

// base_events, events
export { BaseEventLoop, EventLoop, newEventLoop } from "./base-events.ts";
export type { LoopCore } from "./loop-core.ts";
export type { ExceptionContext, ExceptionHandler, TaskFactory, TaskFactoryOptions } from "./base-events.ts";
export type { SignalLike } from "./unix-events.ts";
export { Handle, TimerHandle, getRunningLoop, getEventLoop } from "./events.ts";
// coroutines
export { coroutine, Coroutine, iscoroutine, iscoroutinefunction } from "./coroutines.ts";
// exceptions
export {
  BrokenBarrierError,
  CancelledError,
  InvalidStateError,
  TimeoutError,
  IncompleteReadError,
  LimitOverrunError,
  SendfileNotAvailableError,
  NotImplementedError,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  RuntimeError,
  ExceptionGroup,
  KeyboardInterrupt,
  BrokenThreadPool,
  BrokenProcessPool,
} from "./exceptions.ts";
export type { AsyncioError, ExceptionGroupMatcher } from "./exceptions.ts";
// futures
export { Future } from "./futures.ts";
export type { FutureThen, DoneCallback } from "./futures.ts";
// locks
export { Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier } from "./locks.ts";
export type { LoopBound, ContextManager } from "./locks.ts";
// queues
export { Queue, PriorityQueue, LifoQueue } from "./queues.ts";
export type { QueueOptions } from "./queues.ts";
// executors, threads
export { ThreadPoolExecutor, ProcessPoolExecutor, toThread } from "./executors.ts";
export type {
  Executor,
  FunctionRef,
  ExecutorFn,
  ShutdownOptions,
  ProcessPoolOptions,
  ArgsOf,
  ResultOf,
} from "./executors.ts";
export type { PoolExecutor } from "./internal/pool.ts";
// protocols, transports (the low-level API), datagram endpoints, dns
export {
  BaseProtocol,
  Protocol,
  BufferedProtocol,
  DatagramProtocol,
  SubprocessProtocol,
} from "./protocols.ts";
export type { DatagramAddress } from "./protocols.ts";
export {
  BaseTransport,
  ReadTransport,
  WriteTransport,
  Transport,
  DatagramTransport,
  SubprocessTransport,
} from "./transports.ts";
export type {
  DatagramEndpointOptions,
  DatagramExtraInfo,
  DatagramSocketTransport,
  ProtocolFactory,
} from "./datagram.ts";
export type { AddrInfo, GetaddrinfoOptions } from "./dns.ts";
export { socketpair } from "./tcp.ts";
export type {
  ConnectAcceptedSocketOptions,
  CreateConnectionOptions,
  CreateServerOptions,
  CreateUnixConnectionOptions,
  CreateUnixServerOptions,
  SocketExtraInfo,
  SocketTransport,
  StreamProtocol,
} from "./tcp.ts";
export type { SendfileOptions, SendfileSource, SocketAddress } from "./selector-events.ts";
export type { PipeExtraInfo, ReadPipe, ReadPipeTransport, WritePipe, WritePipeTransport } from "./pipes.ts";
export type {
  BaseSubprocessTransport,
  SubprocessExtraInfo,
  SubprocessTransportOptions,
} from "./base-subprocess.ts";
export { socket } from "./socket.ts";
export type { GaiError } from "./socket.ts";
// loops in worker threads: concurrent.futures.Future, run_coroutine_threadsafe, wrap_future
export { ConcurrentFuture, wrapFuture } from "./concurrent-future.ts";
export type { ConcurrentDoneCallback, WrapFutureOptions } from "./concurrent-future.ts";
export { ThreadHandle, callSoonThreadsafe, runCoroutineThreadsafe } from "./threadsafe.ts";
export type { ThreadHandleLike } from "./threadsafe.ts";
// subprocess
export { createSubprocessExec, createSubprocessShell, Process, PIPE, STDOUT, DEVNULL } from "./subprocess.ts";
export type { SubprocessOptions, StdioSpec, SubprocessStdin } from "./subprocess.ts";
// runners
export { Runner, run } from "./runners.ts";
export type { RunnerOptions, MainBody } from "./runners.ts";
// streams
export { StreamReader, StreamWriter, openConnection, openUnixConnection } from "./streams.ts";
export { StreamReaderProtocol } from "./stream-protocol.ts";
export type {
  StreamReaderOptions,
  Separator,
  SockName,
  InetSockName,
  ExtraInfo,
  OpenConnectionOptions,
  OpenUnixConnectionOptions,
} from "./streams.ts";
export { AbstractServer, Server, startServer, startUnixServer } from "./server.ts";
export type { StartServerOptions, ClientConnectedCallback, ServerSocket } from "./server.ts";
export type { StartTlsOptions, SSLContext, SSLOptions } from "./sslproto.ts";
export type { StartTlsTransportOptions, TlsExtraInfo } from "./ssl-transport.ts";
// tasks
export {
  Task,
  createTask,
  currentTask,
  allTasks,
  ensureFuture,
  isfuture,
  sleep,
  eagerTaskFactory,
  createEagerTaskFactory,
} from "./tasks.ts";
export type { TaskBody, TaskOptions } from "./tasks.ts";
export {
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  wait,
  waitFor,
  asCompleted,
  gather,
  shield,
  GatheringFuture,
  AsCompletedIterator,
} from "./combinators.ts";
export type {
  AwaitableLike,
  GatherOptions,
  WaitOptions,
  ReturnWhen,
  GatherResults,
  Unwrap,
  WaitInput,
  AsFuture,
} from "./combinators.ts";
// graph (CPython 3.14)
export {
  captureCallGraph,
  formatCallGraph,
  printCallGraph,
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
} from "./graph.ts";
export type {
  CallFrame,
  CallGraphOptions,
  FrameCallGraphEntry,
  FutureCallGraph,
  PrintCallGraphOptions,
} from "./graph.ts";
// introspection for `npx asyncio-ts ps` / `pstree` (CPython 3.14's python -m asyncio ps)
import { enableIntrospection } from "./introspect.ts";
export { enableIntrospection, disableIntrospection } from "./introspect.ts";
export type { IntrospectionOptions, TaskSnapshot, SnapshotTask, SnapshotFrame } from "./introspect.ts";
// task_groups, timeouts
export { TaskGroup } from "./task-groups.ts";
export { Timeout, timeout, timeoutAt } from "./timeouts.ts";

// ASYNCIO_TS_INSPECT=1: answer `npx asyncio-ts ps PID` from the start (src/introspect.ts).
if (typeof process !== "undefined" && process.env.ASYNCIO_TS_INSPECT === "1") enableIntrospection();
