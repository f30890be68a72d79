// The whole public surface, walked by reflection (issue 8 item 2): every exported function and
// every public method of every exported class is in exactly one table — LAZY (returns a lazy
// Coroutine, as CPython's `async def`), FUTURE (returns a Future or Task, as CPython), ENTRY (returns
// a running Promise by design, with the reason) or SYNC (returns no awaitable) — so a new one cannot
// be forgotten. Every LAZY one then runs the battery of test/helpers/lazy-battery.ts: not started
// until awaited; waitFor(x, 0), waitFor(x, -1), waitFor(x, t) from a sibling, wait([x]) then
// cancel, gather(x).cancel(), a failing TaskGroup sibling: afterwards nothing consumed, taken, read
// or leaked; createTask(x) runs it; awaiting it twice is CPython's `cannot reuse already awaited
// coroutine`; never awaited, it is reported when the loop closes and nothing crashes. Last, what
// Promise.all/Promise.race do with lazy objects is pinned (docs/differences.md#promise-all-race).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import * as asyncio from "../src/index.ts";
import * as testing from "../src/testing/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { awaiting, describeLazy, type Env, type Fixture, type LazySpec } from "./helpers/lazy-battery.ts";
import { walkSurface } from "./helpers/surface.ts";
import { ioSpecs } from "./helpers/surface-io.ts";
import { sockSpecs } from "./helpers/surface-sock.ts";
import { pipeSpecs } from "./helpers/surface-pipes.ts";

// ---------------------------------------------------------------------------------------------
// The tables. Names are as test/helpers/surface.ts makes them: `Class.method` after the exported
// class that defines it (or each topmost exported class inheriting it from an unexported base).

/** Returns a lazy Coroutine (CPython: an `async def`). Each has a scenario spec below. */
const LAZY = [
  // queues, locks
  "Queue.get",
  "Queue.put",
  "Queue.join",
  "Lock.acquire",
  "Lock.with",
  "Semaphore.acquire",
  "Semaphore.with",
  "Condition.acquire",
  "Condition.wait",
  "Condition.waitFor",
  "Condition.with",
  "Event.wait",
  "Barrier.wait",
  "Barrier.with",
  "Barrier.reset",
  "Barrier.abort",
  // tasks, timeouts, task groups
  "sleep",
  "waitFor",
  "wait",
  "Timeout.with",
  "TaskGroup.with",
  "BaseEventLoop.shutdownAsyncgens",
  "BaseEventLoop.shutdownDefaultExecutor",
  "toThread",
  // streams, servers
  "StreamReader.readline",
  "StreamReader.readuntil",
  "StreamReader.read",
  "StreamReader.readexactly",
  "StreamWriter.drain",
  "StreamWriter.waitClosed",
  "StreamWriter.startTls",
  "openConnection",
  "openUnixConnection",
  "startServer",
  "startUnixServer",
  "Server.startServing",
  "Server.waitClosed",
  "Server.serveForever",
  "AbstractServer.with",
  // subprocesses (SubprocessStdin is reached through Process.stdin)
  "createSubprocessExec",
  "createSubprocessShell",
  "Process.wait",
  "Process.communicate",
  "SubprocessStdin.drain",
  "SubprocessStdin.waitClosed",
  // the low-level network API
  "BaseEventLoop.createDatagramEndpoint",
  "BaseEventLoop.getaddrinfo",
  "BaseEventLoop.getnameinfo",
  "BaseEventLoop.createConnection",
  "BaseEventLoop.createUnixConnection",
  "BaseEventLoop.createServer",
  "BaseEventLoop.createUnixServer",
  "BaseEventLoop.connectAcceptedSocket",
  "BaseEventLoop.startTls",
  "socketpair",
  // socket objects used directly
  "BaseEventLoop.sockRecv",
  "BaseEventLoop.sockRecvInto",
  "BaseEventLoop.sockRecvfrom",
  "BaseEventLoop.sockRecvfromInto",
  "BaseEventLoop.sockSendall",
  "BaseEventLoop.sockSendto",
  "BaseEventLoop.sockConnect",
  "BaseEventLoop.sockAccept",
  "BaseEventLoop.sockSendfile",
  "BaseEventLoop.sendfile",
  // pipes and subprocess transports
  "BaseEventLoop.connectReadPipe",
  "BaseEventLoop.connectWritePipe",
  "BaseEventLoop.subprocessExec",
  "BaseEventLoop.subprocessShell",
] as const;

/** Returns a Future or a Task, as CPython does. */
const FUTURE = [
  "createTask",
  "ensureFuture",
  "gather",
  "shield",
  "eagerTaskFactory",
  "BaseEventLoop.createFuture",
  "BaseEventLoop.createTask",
  "BaseEventLoop.runInExecutor",
  "TaskGroup.createTask",
  // concurrent.futures.Executor.submit returns a (concurrent) Future
  "ThreadPoolExecutor.submit",
  "ProcessPoolExecutor.submit",
  // Python's wrap_future returns an asyncio Future; run_coroutine_threadsafe a concurrent one, and
  // so does callSoonThreadsafe here (see CONCURRENT)
  "wrapFuture",
  "runCoroutineThreadsafe",
  "callSoonThreadsafe",
] as const;

/** The FUTURE entries that return a ConcurrentFuture (Python's concurrent.futures.Future). */
const CONCURRENT: ReadonlySet<string> = new Set(["runCoroutineThreadsafe", "callSoonThreadsafe"]);

/** Returns a running Promise by design: each with the reason. */
const ENTRY: Record<string, string> = {
  run: "the entry point, called outside any loop: it runs the loop (asyncio.run blocks)",
  "Runner.run": "as run(), on the runner's loop",
  "Runner.close": "drives the loop from outside to cancel tasks and shut down (synchronous in CPython)",
  "Runner.with": "`with Runner() as r:`, driven from outside any loop",
  "BaseEventLoop.runForever": "drives the loop from outside (blocks in CPython)",
  "BaseEventLoop.runUntilComplete": "drives the loop from outside (blocks in CPython)",
  "ThreadPoolExecutor.shutdown":
    "concurrent.futures' shutdown(wait=True) blocks the caller; there is no loop task to suspend",
  "ProcessPoolExecutor.shutdown": "as ThreadPoolExecutor.shutdown",
  "ThreadPoolExecutor.map":
    "concurrent.futures' Executor.map submits every job when called (synchronous in CPython); the promise gathers their results",
  "ProcessPoolExecutor.map": "as ThreadPoolExecutor.map",
  "Future.then": "the thenable protocol: what `await fut` calls",
  "ConcurrentFuture.then": "the thenable protocol: what `await fut` calls (it waits through wrapFuture)",
  "Coroutine.then": "the thenable protocol: what `await coro` calls (it starts the coroutine)",
  "Coroutine.catch": "Promise sugar over then(): awaiting",
  "Coroutine.finally": "Promise sugar over then(): awaiting",
  runVirtual: "the testing entry point, as run()",
  "VirtualTimeLoop.advance": "testing helper: moves virtual time from the test, resolves once idle",
  "VirtualTimeLoop.runUntilIdle": "testing helper: resolves once the loop is idle (CPython TestLoop)",
};

/** Returns no awaitable. */
const SYNC = [
  // functions
  "allTasks",
  "captureCallGraph",
  "enableIntrospection",
  "disableIntrospection",
  "formatCallGraph",
  "printCallGraph",
  "futureAddToAwaitedBy",
  "futureDiscardFromAwaitedBy",
  "asCompleted", // an iterator; its next() gives lazy coroutines (checked below)
  "coroutine",
  "createEagerTaskFactory",
  "currentTask", // the running Task itself: not a new awaitable
  "getEventLoop",
  "getRunningLoop",
  "iscoroutine",
  "iscoroutinefunction",
  "isfuture",
  "newEventLoop",
  "timeout",
  "timeoutAt",
  // AsCompletedIterator, Coroutine, ExceptionGroup
  "AsCompletedIterator.next", // { value: Coroutine }: lazy, checked below
  "Coroutine.close",
  "Coroutine.started",
  "ExceptionGroup.derive",
  "ExceptionGroup.split",
  "ExceptionGroup.subgroup",
  "ExceptionGroup.toString",
  // the loop
  "BaseEventLoop._allTasks",
  "BaseEventLoop.addSignalHandler",
  "BaseEventLoop.callAt",
  "BaseEventLoop.callExceptionHandler",
  "BaseEventLoop.callLater",
  "BaseEventLoop.callSoon",
  "BaseEventLoop.callSoonThreadsafe",
  "BaseEventLoop.threadHandle",
  "BaseEventLoop.close",
  "BaseEventLoop.defaultExceptionHandler",
  "BaseEventLoop.getDebug",
  "BaseEventLoop.getExceptionHandler",
  "BaseEventLoop.getTaskFactory",
  "BaseEventLoop.isClosed",
  "BaseEventLoop.isRunning",
  "BaseEventLoop.removeSignalHandler",
  "BaseEventLoop.setDebug",
  "BaseEventLoop.setDefaultExecutor",
  "BaseEventLoop.setExceptionHandler",
  "BaseEventLoop.setTaskFactory",
  "BaseEventLoop.stop",
  "BaseEventLoop.time",
  "VirtualTimeLoop.close",
  "VirtualTimeLoop.time",
  "Handle._formatCallback",
  "Handle.cancel",
  "Handle.cancelled",
  "Handle.toString",
  "TimerHandle.cancel",
  "TimerHandle.when",
  // futures and tasks
  "Future._cancelMessage",
  "Future._markRetrieved",
  "Future._rawError",
  "Future._rawResult",
  "Future._reprInfo",
  "Future._succeeded",
  "Future.addDoneCallback",
  "Future.cancel",
  "Future.cancelled",
  "Future.done",
  "Future.exception",
  "Future.getLoop",
  "Future.removeDoneCallback",
  "Future.result",
  "Future.setException",
  "Future.setResult",
  "Future.toString",
  "GatheringFuture.cancel",
  "ConcurrentFuture.addDoneCallback",
  "ConcurrentFuture.cancel",
  "ConcurrentFuture.cancelled",
  "ConcurrentFuture.done",
  "ConcurrentFuture.exception",
  "ConcurrentFuture.result",
  "ConcurrentFuture.running",
  "ConcurrentFuture.setException",
  "ConcurrentFuture.setResult",
  "ConcurrentFuture.setRunningOrNotifyCancel",
  "ConcurrentFuture.toString",
  "ThreadHandle.toString",
  "Task._reprInfo",
  "Task.cancel",
  "Task.cancelling",
  "Task.getCoro", // the task's own body, already running: not a new awaitable
  "Task.getName",
  "Task.setException",
  "Task.setName",
  "Task.setResult",
  "Task.uncancel",
  "TaskGroup.toString",
  "Timeout.expired",
  "Timeout.reschedule",
  "Timeout.toString",
  "Timeout.when",
  "Runner.getLoop",
  // queues
  "Queue.contents",
  "Queue.empty",
  "Queue.full",
  "Queue.getLoop",
  "Queue.getNowait",
  "Queue.putNowait",
  "Queue.qsize",
  "Queue.reprExtra",
  "Queue.shutdown",
  "Queue.size",
  "Queue.store",
  "Queue.take",
  "Queue.taskDone",
  "Queue.toString",
  "LifoQueue.contents",
  "LifoQueue.size",
  "LifoQueue.store",
  "LifoQueue.take",
  "PriorityQueue.contents",
  "PriorityQueue.size",
  "PriorityQueue.store",
  "PriorityQueue.take",
  // locks
  "Lock.getLoop",
  "Lock.locked",
  "Lock.release",
  "Lock.reprExtra",
  "Lock.toString",
  "Semaphore.getLoop",
  "Semaphore.locked",
  "Semaphore.release",
  "Semaphore.reprExtra",
  "Semaphore.toString",
  "BoundedSemaphore.release",
  "Condition.getLoop",
  "Condition.locked",
  "Condition.notify",
  "Condition.notifyAll",
  "Condition.release",
  "Condition.reprExtra",
  "Condition.toString",
  "Event.clear",
  "Event.getLoop",
  "Event.isSet",
  "Event.reprExtra",
  "Event.set",
  "Event.toString",
  "Barrier.getLoop",
  "Barrier.reprExtra",
  "Barrier.toString",
  // executors
  "ThreadPoolExecutor.toString",
  "ProcessPoolExecutor.toString",
  // streams and servers
  "StreamReader._feedChunk",
  "StreamReader._readRestNow",
  "StreamReader._setTransport",
  "StreamReader.atEof",
  "StreamReader.exception",
  "StreamReader.feedData",
  "StreamReader.feedEof",
  "StreamReader.getLoop",
  "StreamReader.reprExtra",
  "StreamReader.setException",
  "StreamReader.toString",
  "StreamWriter.canWriteEof",
  "StreamWriter.close",
  "StreamWriter.getExtraInfo",
  "StreamWriter.isClosing",
  "StreamWriter.toString",
  "StreamWriter.write",
  "StreamWriter.writeEof",
  "StreamWriter.writelines",
  "Server.abortClients",
  "Server.close",
  "Server.closeClients",
  "Server.getLoop",
  "Server.isServing",
  "Server.toString",
  // subprocesses
  "Process.kill",
  "Process.sendSignal",
  "Process.terminate",
  "Process.toString",
  "SubprocessStdin.canWriteEof",
  "SubprocessStdin.close",
  "SubprocessStdin.isClosing",
  "SubprocessStdin.write",
  "SubprocessStdin.writeEof",
  // protocols and transports (DatagramSocketTransport is reached through createDatagramEndpoint)
  "BaseProtocol.connectionMade",
  "BaseProtocol.connectionLost",
  "BaseProtocol.pauseWriting",
  "BaseProtocol.resumeWriting",
  "Protocol.connectionMade",
  "Protocol.dataReceived",
  "Protocol.eofReceived",
  "BufferedProtocol.connectionMade",
  "BufferedProtocol.getBuffer",
  "BufferedProtocol.bufferUpdated",
  "BufferedProtocol.eofReceived",
  "DatagramProtocol.connectionMade",
  "DatagramProtocol.datagramReceived",
  "DatagramProtocol.errorReceived",
  "SubprocessProtocol.connectionMade",
  "SubprocessProtocol.pipeDataReceived",
  "SubprocessProtocol.pipeConnectionLost",
  "SubprocessProtocol.processExited",
  "StreamReaderProtocol.connectionMade",
  "StreamReaderProtocol.dataReceived",
  "StreamReaderProtocol.eofReceived",
  "StreamReaderProtocol.connectionLost",
  "StreamReaderProtocol.pauseWriting",
  "StreamReaderProtocol.resumeWriting",
  "StreamReaderProtocol.toString",
  "BaseTransport.getExtraInfo",
  "BaseTransport.isClosing",
  "BaseTransport.close",
  "BaseTransport.setProtocol",
  "BaseTransport.getProtocol",
  "ReadTransport.isReading",
  "ReadTransport.pauseReading",
  "ReadTransport.resumeReading",
  "WriteTransport.setWriteBufferLimits",
  "WriteTransport.getWriteBufferSize",
  "WriteTransport.getWriteBufferLimits",
  "WriteTransport.write",
  "WriteTransport.writelines",
  "WriteTransport.writeEof",
  "WriteTransport.canWriteEof",
  "WriteTransport.abort",
  "Transport.isReading",
  "Transport.pauseReading",
  "Transport.resumeReading",
  "DatagramTransport.sendto",
  "DatagramTransport.abort",
  "SubprocessTransport.getPid",
  "SubprocessTransport.getReturncode",
  "SubprocessTransport.getPipeTransport",
  "SubprocessTransport.sendSignal",
  "SubprocessTransport.terminate",
  "SubprocessTransport.kill",
  "DatagramSocketTransport.sendto",
  "DatagramSocketTransport.close",
  "DatagramSocketTransport.abort",
  "DatagramSocketTransport.isClosing",
  "DatagramSocketTransport.setProtocol",
  "DatagramSocketTransport.getProtocol",
  "DatagramSocketTransport.getWriteBufferSize",
  "DatagramSocketTransport.getWriteBufferLimits",
  "DatagramSocketTransport.setWriteBufferLimits",
  "DatagramSocketTransport.toString",
  "SocketTransport.write",
  "SocketTransport.writelines",
  "SocketTransport.writeEof",
  "SocketTransport.canWriteEof",
  "SocketTransport.close",
  "SocketTransport.abort",
  "SocketTransport.isClosing",
  "SocketTransport.isReading",
  "SocketTransport.pauseReading",
  "SocketTransport.resumeReading",
  "SocketTransport.setProtocol",
  "SocketTransport.getProtocol",
  "SocketTransport.getWriteBufferSize",
  "SocketTransport.getWriteBufferLimits",
  "SocketTransport.setWriteBufferLimits",
  "SocketTransport.setOnLost",
  "SocketTransport.toString",
  "ReadPipeTransport.close",
  "ReadPipeTransport.isClosing",
  "ReadPipeTransport.isReading",
  "ReadPipeTransport.pauseReading",
  "ReadPipeTransport.resumeReading",
  "ReadPipeTransport.setProtocol",
  "ReadPipeTransport.getProtocol",
  "ReadPipeTransport.toString",
  "WritePipeTransport.write",
  "WritePipeTransport.canWriteEof",
  "WritePipeTransport.writeEof",
  "WritePipeTransport.close",
  "WritePipeTransport.abort",
  "WritePipeTransport.isClosing",
  "WritePipeTransport.setProtocol",
  "WritePipeTransport.getProtocol",
  "WritePipeTransport.getWriteBufferSize",
  "WritePipeTransport.getWriteBufferLimits",
  "WritePipeTransport.setWriteBufferLimits",
  "WritePipeTransport.toString",
  "BaseSubprocessTransport.getPid",
  "BaseSubprocessTransport.getReturncode",
  "BaseSubprocessTransport.getPipeTransport",
  "BaseSubprocessTransport.sendSignal",
  "BaseSubprocessTransport.terminate",
  "BaseSubprocessTransport.kill",
  "BaseSubprocessTransport.isClosing",
  "BaseSubprocessTransport.close",
  "BaseSubprocessTransport.setProtocol",
  "BaseSubprocessTransport.getProtocol",
  "BaseSubprocessTransport.toString",
] as const;

// Classes the walk reaches only through an instance (their class is not exported by name).
const REACHABLE_ONLY = new Set([
  "SubprocessStdin",
  "DatagramSocketTransport",
  "SocketTransport",
  "ReadPipeTransport",
  "WritePipeTransport",
  "BaseSubprocessTransport",
]);

function tableOf(name: string): string[] {
  const tables: string[] = [];
  if ((LAZY as readonly string[]).includes(name)) tables.push("LAZY");
  if ((FUTURE as readonly string[]).includes(name)) tables.push("FUTURE");
  if (Object.hasOwn(ENTRY, name)) tables.push("ENTRY");
  if ((SYNC as readonly string[]).includes(name)) tables.push("SYNC");
  return tables;
}

const ALL_LISTED = [...LAZY, ...FUTURE, ...Object.keys(ENTRY), ...SYNC];

describe("the public surface, walked by reflection", () => {
  const surface = walkSurface({ asyncio, testing });

  it("every exported function and public method is in exactly one table", () => {
    const unlisted: string[] = [];
    const twice: string[] = [];
    for (const name of surface.keys()) {
      const tables = tableOf(name);
      if (tables.length === 0) unlisted.push(name);
      if (tables.length > 1) twice.push(`${name} (${tables.join(", ")})`);
    }
    assert.deepEqual(unlisted, [], "not in any table: list each as LAZY, FUTURE, ENTRY or SYNC");
    assert.deepEqual(twice, [], "in more than one table");
    assert.equal(new Set(ALL_LISTED).size, ALL_LISTED.length, "a table lists a name twice");
  });

  it("no table lists a name the surface no longer has", () => {
    const stale = ALL_LISTED.filter(
      (name) => !surface.has(name) && !REACHABLE_ONLY.has(name.split(".")[0] as string),
    );
    assert.deepEqual(stale, [], "stale names: remove them from the tables");
  });

  it("the walk sees through inheritance: LifoQueue.get is Queue.get, BoundedSemaphore.with is Semaphore.with", () => {
    assert.ok(surface.get("Queue.get")?.via.has("LifoQueue"));
    assert.ok(surface.get("Queue.get")?.via.has("PriorityQueue"));
    assert.ok(surface.get("Semaphore.with")?.via.has("BoundedSemaphore"));
    assert.ok(surface.get("BaseEventLoop.createTask")?.via.has("VirtualTimeLoop"));
    assert.equal(surface.has("LoopBound.getLoop"), false);
  });

  it("every LAZY name has a scenario spec, and every spec a LAZY name", () => {
    assert.deepEqual(Object.keys(SPECS).sort(), [...LAZY].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// Scenario specs of the LAZY names that need no I/O: on the virtual-time loop.

const show = (x: unknown): string => inspect(x);

async function yields(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await asyncio.sleep(0);
}

function queueGet(): LazySpec {
  return {
    blocked: () => {
      const q = new asyncio.Queue<string>();
      return {
        call: () => q.get(),
        snapshot: () => show(q),
        blocked: () => show(q).includes("_getters[1]"),
        intact: async () => {
          q.putNowait("next");
          await yields();
          assert.equal(q.qsize(), 1, "an orphaned getter took the item");
          assert.equal(await q.get(), "next");
        },
      };
    },
    ready: () => {
      const q = new asyncio.Queue<string>();
      q.putNowait("a");
      return {
        call: () => q.get(),
        snapshot: () => show(q),
        intact: () => {
          assert.equal(q.getNowait(), "a");
        },
        completed: (r) => {
          assert.equal(r, "a");
          assert.equal(q.empty(), true);
        },
      };
    },
  };
}

function queuePut(): LazySpec {
  return {
    blocked: () => {
      const q = new asyncio.Queue<string>(1);
      q.putNowait("a");
      return {
        call: () => q.put("b"),
        snapshot: () => show(q),
        blocked: () => show(q).includes("_putters[1]"),
        intact: async () => {
          assert.equal(q.getNowait(), "a");
          await yields();
          assert.equal(q.empty(), true, "an orphaned putter put its item");
        },
      };
    },
    ready: () => {
      const q = new asyncio.Queue<string>(1);
      return {
        call: () => q.put("b"),
        snapshot: () => show(q),
        intact: () => {
          assert.equal(q.empty(), true);
        },
        completed: () => {
          assert.equal(q.getNowait(), "b");
        },
      };
    },
  };
}

function queueJoin(): LazySpec {
  return {
    blocked: () => {
      const q = new asyncio.Queue<string>();
      q.putNowait("a");
      return {
        call: () => q.join(),
        snapshot: () => show(q),
        intact: async () => {
          assert.equal(q.getNowait(), "a");
          q.taskDone();
          await q.join();
        },
      };
    },
    ready: () => {
      const q = new asyncio.Queue<string>();
      return {
        call: () => q.join(),
        snapshot: () => show(q),
        intact: () => {},
        completed: (r) => {
          assert.equal(r, undefined);
        },
      };
    },
  };
}

/**
 * Lock, Semaphore or Condition: acquire(), or with(body). `make` returns the primitive and what
 * shows its waiters (a Condition's repr counts its own waiters, not its lock's).
 */
function acquiring(
  make: () => [asyncio.Lock | asyncio.Semaphore | asyncio.Condition, unknown?],
  useWith: boolean,
): LazySpec {
  const fixture = async (held: boolean): Promise<Fixture> => {
    const [lock, shown = lock] = make();
    if (held) await lock.acquire();
    let ran = false;
    const call = (): asyncio.Coroutine =>
      useWith
        ? lock.with(() => {
            ran = true;
            assert.equal(lock.locked(), true);
            return 42;
          })
        : lock.acquire();
    return {
      call,
      snapshot: () => [show(shown), lock.locked()],
      blocked: () => show(shown).includes("waiters:1"),
      intact: async () => {
        assert.equal(ran, false, "the body ran");
        if (held) {
          assert.equal(lock.locked(), true);
          lock.release();
        }
        await yields();
        assert.equal(lock.locked(), false, "an orphaned acquire took it");
        assert.doesNotMatch(show(shown), /waiters/);
      },
      completed: async (r) => {
        if (useWith) {
          assert.equal(r, 42);
          assert.equal(ran, true);
          assert.equal(lock.locked(), false);
        } else {
          assert.equal(r, true);
          assert.equal(lock.locked(), true);
          lock.release();
        }
        await yields();
        assert.equal(lock.locked(), false);
      },
    };
  };
  return { blocked: () => fixture(true), ready: () => fixture(false) };
}

function conditionOnLock(): [asyncio.Condition, asyncio.Lock] {
  const lock = new asyncio.Lock();
  return [new asyncio.Condition(lock), lock];
}

/** Condition.wait / waitFor: the caller holds the lock before and after, cancelled or not. */
function conditionWait(useWaitFor: boolean): LazySpec {
  const fixture = async (ready: boolean): Promise<Fixture> => {
    const cond = new asyncio.Condition();
    await cond.acquire();
    let flag = false;
    return {
      call: () => (useWaitFor ? cond.waitFor(() => flag || (ready && useWaitFor)) : cond.wait()),
      snapshot: () => show(cond),
      blocked: () => show(cond).includes("waiters:1"),
      intact: async () => {
        // The caller still holds the lock (CPython: wait() re-acquires it even when cancelled).
        assert.equal(cond.locked(), true, "the caller no longer holds the lock");
        cond.release();
        await yields();
        assert.equal(cond.locked(), false);
        await cond.acquire();
        cond.notifyAll();
        cond.release();
        await yields();
        assert.equal(cond.locked(), false, "an orphaned waiter took the lock");
      },
      completed: (r) => {
        assert.equal(r, true);
        assert.equal(cond.locked(), true);
        cond.release();
      },
      ...(ready && !useWaitFor
        ? {
            kick: async () => {
              await cond.acquire();
              flag = true;
              cond.notify();
              cond.release();
            },
          }
        : {}),
    };
  };
  return { blocked: () => fixture(false), ready: () => fixture(true) };
}

function eventWait(): LazySpec {
  const fixture = (set: boolean): Fixture => {
    const ev = new asyncio.Event();
    if (set) ev.set();
    return {
      call: () => ev.wait(),
      snapshot: () => show(ev),
      blocked: () => show(ev).includes("waiters:1"),
      intact: async () => {
        assert.doesNotMatch(show(ev), /waiters/);
        ev.set();
        assert.equal(await ev.wait(), true);
      },
      completed: (r) => {
        assert.equal(r, true);
      },
    };
  };
  return { blocked: () => fixture(false), ready: () => fixture(true) };
}

function barrierWait(useWith: boolean): LazySpec {
  const fixture = (parties: number): Fixture => {
    const b = new asyncio.Barrier(parties);
    let ran = false;
    return {
      call: () =>
        useWith
          ? b.with((i) => {
              ran = true;
              return i;
            })
          : b.wait(),
      snapshot: () => show(b),
      blocked: () => b.nWaiting === 1,
      intact: async () => {
        assert.equal(ran, false);
        assert.equal(b.nWaiting, 0);
        assert.equal(b.broken, false);
        const indices = await asyncio.gather(...Array.from({ length: parties }, () => b.wait()));
        assert.deepEqual(
          [...indices].sort(),
          Array.from({ length: parties }, (_, i) => i),
        );
      },
      completed: (r) => {
        assert.equal(r, 0);
        assert.equal(ran, useWith);
      },
    };
  };
  return { blocked: () => fixture(2), ready: () => fixture(1) };
}

/** Barrier.reset / abort: one party waits in a helper task; the call would break its wait. */
function barrierBreak(which: "reset" | "abort"): LazySpec {
  return {
    blocked: null,
    ready: async () => {
      const b = new asyncio.Barrier(2);
      const waiting = asyncio.createTask(b.wait());
      await yields();
      return {
        call: () => (which === "reset" ? b.reset() : b.abort()),
        snapshot: () => show(b),
        intact: async () => {
          assert.equal(waiting.done(), false, "the waiting party was released");
          assert.equal(b.nWaiting, 1);
          assert.equal(await b.wait(), 1);
          assert.equal(await waiting, 0);
        },
        completed: async () => {
          await assert.rejects(awaiting(waiting), { name: "BrokenBarrierError" });
          assert.equal(b.broken, which === "abort");
        },
      };
    },
  };
}

function sleepSpec(): LazySpec {
  return {
    blocked: () => ({ call: () => asyncio.sleep(3600), intact: () => {} }),
    ready: () => ({
      call: () => asyncio.sleep(1, "r"),
      intact: () => {},
      completed: (r, awaitedAt) => {
        assert.equal(r, "r");
        // Armed when awaited, not when called.
        assert.equal(asyncio.getRunningLoop().time() - awaitedAt, 1);
      },
    }),
  };
}

/** waitFor(q.get(), t) as the lazy call: the inner get must be as untouched as a bare one. */
function waitForSpec(): LazySpec {
  const get = queueGet();
  const wrap = (fx: Fixture): Fixture => ({
    ...fx,
    // A function, called in the task: a coroutine made here and never run would be reported as
    // never awaited, as CPython reports it for wait_for(wait_for(q.get(), t), 0).
    call: () => asyncio.waitFor(fx.call, 3600),
  });
  return {
    blocked: async (env) => wrap(await (get.blocked as (e: Env) => Fixture | Promise<Fixture>)(env)),
    ready: async (env) => wrap(await (get.ready as (e: Env) => Fixture | Promise<Fixture>)(env)),
  };
}

function waitSpec(): LazySpec {
  const fixture = (done: boolean): Fixture => {
    const fut = asyncio.getRunningLoop().createFuture<number>();
    if (done) fut.setResult(1);
    return {
      call: () => asyncio.wait([fut]),
      snapshot: () => show(fut),
      blocked: () => show(fut).includes("cb=["),
      intact: () => {
        // wait() never cancels what it waits for, and leaves no callback on it.
        assert.equal(fut.cancelled(), false);
        assert.doesNotMatch(show(fut), /cb=/);
        if (!done) fut.setResult(2);
      },
      completed: (r) => {
        const [d, p] = r as [Set<unknown>, Set<unknown>];
        assert.ok(d.has(fut));
        assert.equal(p.size, 0);
      },
    };
  };
  return { blocked: () => fixture(false), ready: () => fixture(true) };
}

function timeoutWith(): LazySpec {
  const fixture = (blocks: boolean): Fixture => {
    const to = asyncio.timeout(3600);
    const ev = new asyncio.Event();
    let ran = false;
    const tasks = asyncio.allTasks().size;
    return {
      call: () =>
        to.with(async () => {
          ran = true;
          if (blocks) await ev.wait();
          return 5;
        }),
      blocked: () => show(ev).includes("waiters:1"),
      intact: async (started) => {
        assert.equal(ran, started, started ? "the body did not run" : "the body ran");
        assert.equal(to.expired(), false);
        if (!started) {
          assert.equal(show(to), "<Timeout [created]>");
          // Never entered: it can still be.
          assert.equal(await to.with(() => 6), 6);
        }
        await yields();
        assert.equal(asyncio.allTasks().size, tasks, "a task leaked");
      },
      completed: (r) => {
        assert.equal(r, 5);
        assert.equal(ran, true);
      },
    };
  };
  return { blocked: () => fixture(true), ready: () => fixture(false) };
}

function taskGroupWith(): LazySpec {
  const fixture = (blocks: boolean): Fixture => {
    const tg = new asyncio.TaskGroup();
    const ev = new asyncio.Event();
    let child: asyncio.Task | null = null;
    const tasks = asyncio.allTasks().size;
    return {
      call: () =>
        tg.with((g) => {
          if (blocks) child = g.createTask(ev.wait());
          return 7;
        }),
      blocked: () => show(ev).includes("waiters:1"),
      intact: async (started) => {
        if (started) {
          assert.ok(child !== null, "the body did not run");
          assert.equal(child.cancelled(), true, "the child was not cancelled");
        } else {
          assert.equal(child, null, "the body ran");
          assert.equal(show(tg), "<TaskGroup>");
          // Never entered: it can still be.
          assert.equal(await tg.with(() => 8), 8);
        }
        await yields();
        assert.equal(asyncio.allTasks().size, tasks, "a task leaked");
      },
      completed: (r) => {
        assert.equal(r, 7);
      },
    };
  };
  return { blocked: () => fixture(true), ready: () => fixture(false) };
}

function shutdownAsyncgens(): LazySpec {
  return {
    blocked: null,
    ready: (env) => ({ call: () => env.loop.shutdownAsyncgens(), intact: () => {} }),
  };
}

const SPECS: Record<(typeof LAZY)[number], LazySpec> = {
  "Queue.get": queueGet(),
  "Queue.put": queuePut(),
  "Queue.join": queueJoin(),
  "Lock.acquire": acquiring(() => [new asyncio.Lock()], false),
  "Lock.with": acquiring(() => [new asyncio.Lock()], true),
  "Semaphore.acquire": acquiring(() => [new asyncio.Semaphore(1)], false),
  "Semaphore.with": acquiring(() => [new asyncio.Semaphore(1)], true),
  // CPython: Condition.acquire is the lock's bound acquire, whose qualname is Lock.acquire.
  "Condition.acquire": { ...acquiring(conditionOnLock, false), coroName: "Lock.acquire" },
  "Condition.with": acquiring(conditionOnLock, true),
  "Condition.wait": conditionWait(false),
  "Condition.waitFor": conditionWait(true),
  "Event.wait": eventWait(),
  "Barrier.wait": barrierWait(false),
  "Barrier.with": barrierWait(true),
  "Barrier.reset": barrierBreak("reset"),
  "Barrier.abort": barrierBreak("abort"),
  sleep: sleepSpec(),
  waitFor: waitForSpec(),
  wait: waitSpec(),
  "Timeout.with": timeoutWith(),
  "TaskGroup.with": taskGroupWith(),
  "BaseEventLoop.shutdownAsyncgens": shutdownAsyncgens(),
  ...ioSpecs(),
  ...sockSpecs(),
  ...pipeSpecs(),
};

describe("every LAZY API: the battery", () => {
  for (const name of LAZY) describeLazy(name, SPECS[name]);
});

// ---------------------------------------------------------------------------------------------
// Beyond the tables: the classes reached only through an instance, what the FUTURE and SYNC
// entries return at run time, asCompleted's coroutines.

describe("the tables, checked at run time", () => {
  it("Process.stdin's class (not exported by name) is walked too: every method listed", () =>
    asyncio.run(async () => {
      const proc = await asyncio.createSubprocessExec("cat", { stdin: asyncio.PIPE });
      const stdin = proc.stdin as NonNullable<asyncio.Process["stdin"]>;
      const ctor = (Object.getPrototypeOf(stdin) as { constructor: new () => unknown }).constructor;
      stdin.close();
      assert.equal(await proc.wait(), 0);
      const names = [...walkSurface({}, { SubprocessStdin: ctor }).keys()];
      assert.deepEqual(
        names.filter((name) => tableOf(name).length !== 1),
        [],
        "not in exactly one table",
      );
      const listed = ALL_LISTED.filter((name) => name.startsWith("SubprocessStdin."));
      assert.deepEqual(
        listed.filter((name) => !names.includes(name)),
        [],
        "stale names",
      );
    }));

  it("createDatagramEndpoint's transport class (not exported by name) is walked too: every method listed", () =>
    asyncio.run(async () => {
      const [transport] = await asyncio
        .getRunningLoop()
        .createDatagramEndpoint(asyncio.DatagramProtocol, { localAddr: ["127.0.0.1", 0] });
      const ctor = (Object.getPrototypeOf(transport) as { constructor: new () => unknown }).constructor;
      transport.close();
      const names = [...walkSurface({ asyncio }, { DatagramSocketTransport: ctor }).keys()].filter((name) =>
        name.startsWith("DatagramSocketTransport."),
      );
      assert.ok(names.length > 0);
      assert.deepEqual(
        names.filter((name) => tableOf(name).length !== 1),
        [],
        "not in exactly one table",
      );
      const listed = ALL_LISTED.filter((name) => name.startsWith("DatagramSocketTransport."));
      assert.deepEqual(
        listed.filter((name) => !names.includes(name)),
        [],
        "stale names",
      );
    }));

  it("createConnection's transport class (not exported by name) is walked too: every method listed", () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const server = await loop.createServer(asyncio.Protocol, "127.0.0.1", 0);
      const name = server.sockets[0]?.getsockname();
      assert.ok(Array.isArray(name));
      const [transport] = await loop.createConnection(asyncio.Protocol, "127.0.0.1", name[1]);
      const ctor = (Object.getPrototypeOf(transport) as { constructor: new () => unknown }).constructor;
      transport.close();
      server.close();
      server.closeClients();
      await server.waitClosed();
      const names = [...walkSurface({ asyncio }, { SocketTransport: ctor }).keys()].filter((n) =>
        n.startsWith("SocketTransport."),
      );
      assert.ok(names.length > 0);
      assert.deepEqual(
        names.filter((n) => tableOf(n).length !== 1),
        [],
        "not in exactly one table",
      );
      const listed = ALL_LISTED.filter((n) => n.startsWith("SocketTransport."));
      assert.deepEqual(
        listed.filter((n) => !names.includes(n)),
        [],
        "stale names",
      );
    }));

  it("the pipe and subprocess transport classes (not exported by name) are walked too: every method listed", () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const [transport] = await loop.subprocessExec(asyncio.SubprocessProtocol, "true");
      const classes: Record<string, new () => unknown> = {};
      const ctorOf = (x: unknown): new () => unknown =>
        (Object.getPrototypeOf(x) as { constructor: new () => unknown }).constructor;
      classes.BaseSubprocessTransport = ctorOf(transport);
      classes.WritePipeTransport = ctorOf(transport.getPipeTransport(0));
      classes.ReadPipeTransport = ctorOf(transport.getPipeTransport(1));
      transport.close();
      for (const [cls, ctor] of Object.entries(classes)) {
        const names = [...walkSurface({ asyncio }, { [cls]: ctor }).keys()].filter((n) =>
          n.startsWith(`${cls}.`),
        );
        assert.ok(names.length > 0, cls);
        assert.deepEqual(
          names.filter((n) => tableOf(n).length !== 1),
          [],
          "not in exactly one table",
        );
        const listed = ALL_LISTED.filter((n) => n.startsWith(`${cls}.`));
        assert.deepEqual(
          listed.filter((n) => !names.includes(n)),
          [],
          "stale names",
        );
      }
    }));

  it("every FUTURE entry returns a Future (or Task), not a Coroutine", async () => {
    const seen = new Set<string>();
    const check = async (name: (typeof FUTURE)[number], value: unknown): Promise<void> => {
      seen.add(name);
      if (CONCURRENT.has(name))
        assert.ok(value instanceof asyncio.ConcurrentFuture, `${name} returned ${inspect(value)}`);
      else assert.ok(asyncio.isfuture(value), `${name} returned ${inspect(value)}`);
      assert.equal(asyncio.iscoroutine(value), false);
      await value;
    };
    await runVirtual(async (loop) => {
      await check("createTask", asyncio.createTask(asyncio.sleep(0)));
      await check("ensureFuture", asyncio.ensureFuture(asyncio.sleep(0)));
      await check("gather", asyncio.gather(asyncio.sleep(0)));
      await check("shield", asyncio.shield(asyncio.sleep(0)));
      await check("eagerTaskFactory", asyncio.eagerTaskFactory(loop, asyncio.sleep(0)));
      const fut = loop.createFuture<number>();
      fut.setResult(1);
      await check("BaseEventLoop.createFuture", fut);
      await check("BaseEventLoop.createTask", loop.createTask(asyncio.sleep(0)));
      await new asyncio.TaskGroup().with(async (tg) => {
        await check("TaskGroup.createTask", tg.createTask(asyncio.sleep(0)));
      });
    });
    const add = { module: new URL("./fixtures/worker-fns.ts", import.meta.url).href, name: "add" };
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await check("BaseEventLoop.runInExecutor", loop.runInExecutor(null, add, 1, 2));
      const concurrent = new asyncio.ConcurrentFuture<number>();
      const wrapped = asyncio.wrapFuture(concurrent);
      concurrent.setResult(1);
      await check("wrapFuture", wrapped);
      await check("runCoroutineThreadsafe", asyncio.runCoroutineThreadsafe(add, [1, 2], loop.threadHandle()));
      await check("callSoonThreadsafe", asyncio.callSoonThreadsafe(loop.threadHandle(), add, 1, 2));
      const threads = new asyncio.ThreadPoolExecutor(1);
      const processes = new asyncio.ProcessPoolExecutor(1);
      try {
        await check("ThreadPoolExecutor.submit", threads.submit(add, 1, 2));
        await check("ProcessPoolExecutor.submit", processes.submit(add, 1, 2));
      } finally {
        await threads.shutdown();
        await processes.shutdown();
      }
    });
    assert.deepEqual([...seen].sort(), [...FUTURE].sort());
  });

  it("SYNC entries return no awaitable (those cheap to call)", () =>
    runVirtual(async (loop) => {
      const thenable = (x: unknown): boolean =>
        (typeof x === "object" || typeof x === "function") &&
        x !== null &&
        typeof (x as { then?: unknown }).then === "function";
      const q = new asyncio.Queue<number>();
      const lock = new asyncio.Lock();
      const sem = new asyncio.Semaphore(1);
      const cond = new asyncio.Condition();
      const ev = new asyncio.Event();
      const barrier = new asyncio.Barrier(1);
      const fut = loop.createFuture<number>();
      const task = asyncio.createTask(asyncio.sleep(0));
      const handle = loop.callLater(1, () => {});
      const to = asyncio.timeout(null);
      const probes: Partial<Record<(typeof SYNC)[number], () => unknown>> = {
        allTasks: () => asyncio.allTasks(),
        currentTask: () => asyncio.currentTask(),
        getEventLoop: () => asyncio.getEventLoop(),
        getRunningLoop: () => asyncio.getRunningLoop(),
        iscoroutine: () => asyncio.iscoroutine(null),
        iscoroutinefunction: () => asyncio.iscoroutinefunction(null),
        isfuture: () => asyncio.isfuture(null),
        timeout: () => asyncio.timeout(1),
        timeoutAt: () => asyncio.timeoutAt(null),
        coroutine: () => asyncio.coroutine("f", async () => {}),
        "BaseEventLoop.time": () => loop.time(),
        "BaseEventLoop.callSoon": () => loop.callSoon(() => {}),
        "BaseEventLoop.callSoonThreadsafe": () => loop.callSoonThreadsafe(() => {}),
        "ConcurrentFuture.done": () => new asyncio.ConcurrentFuture().done(),
        "BaseEventLoop.isRunning": () => loop.isRunning(),
        "BaseEventLoop.getDebug": () => loop.getDebug(),
        "Queue.qsize": () => q.qsize(),
        "Queue.empty": () => q.empty(),
        "Queue.full": () => q.full(),
        "Queue.putNowait": () => {
          q.putNowait(1);
        },
        "Queue.getNowait": () => q.getNowait(),
        "Queue.taskDone": () => {
          q.taskDone();
        },
        "Queue.shutdown": () => {
          q.shutdown();
        },
        "Lock.locked": () => lock.locked(),
        "Semaphore.locked": () => sem.locked(),
        "Condition.locked": () => cond.locked(),
        "Condition.notifyAll": () => {
          assert.throws(() => {
            cond.notifyAll();
          });
        },
        "Event.set": () => {
          ev.set();
        },
        "Event.isSet": () => ev.isSet(),
        "Event.clear": () => {
          ev.clear();
        },
        "Barrier.toString": () => barrier.toString(),
        "Future.done": () => fut.done(),
        "Future.cancel": () => fut.cancel(),
        "Future.cancelled": () => fut.cancelled(),
        "Future.addDoneCallback": () => {
          fut.addDoneCallback(() => {});
        },
        "Task.getName": () => task.getName(),
        "Task.cancelling": () => task.cancelling(),
        "Task.getCoro": () => task.getCoro(),
        "Handle.cancel": () => {
          handle.cancel();
        },
        "TimerHandle.when": () => handle.when(),
        "Timeout.when": () => to.when(),
        "Timeout.expired": () => to.expired(),
        "Coroutine.started": () => {
          const coro = asyncio.sleep(0);
          coro.close();
          return coro.started();
        },
      };
      for (const [name, probe] of Object.entries(probes)) {
        const value = probe();
        // Objects that exist already, not new awaitables: the running task, a task's own body.
        if (name === "currentTask") assert.equal(value, asyncio.currentTask());
        else if (name === "Task.getCoro") assert.equal(value, task.getCoro());
        else assert.equal(thenable(value), false, `${name} returned a thenable`);
      }
      await task;
    }));

  it("asCompleted's next() gives lazy coroutines (CPython's _wait_for_one)", () =>
    runVirtual(async () => {
      const it = asyncio.asCompleted([asyncio.createTask(asyncio.sleep(1, "a"))]);
      const step = it.next();
      assert.equal(step.done, false);
      const x = step.value;
      assert.ok(asyncio.iscoroutine(x));
      await asyncio.sleep(0);
      assert.equal(x.started(), false);
      assert.equal(await x, "a");
      await assert.rejects(awaiting(x), {
        name: "RuntimeError",
        message: /^cannot reuse already awaited coroutine$/,
      });
    }));
});

// ---------------------------------------------------------------------------------------------
// docs/differences.md#promise-all-race

describe("Promise.all and Promise.race over lazy objects", () => {
  it("differs: Promise.race starts a lazy get through then() and cannot cancel it when it loses", () =>
    runVirtual(async () => {
      const q = new asyncio.Queue<string>();
      const winner = await Promise.race([q.get(), asyncio.sleep(0.01, "slept")]);
      assert.equal(winner, "slept");
      // The losing get is still registered, and takes the next item: nobody receives it.
      assert.equal(inspect(q), "<Queue maxsize=0 _getters[1]>");
      q.putNowait("item");
      await asyncio.sleep(0);
      assert.equal(q.qsize(), 0, "the item was not taken");
      assert.equal(inspect(q), "<Queue maxsize=0 tasks=1>");
    }));

  it("differs: Promise.all rejected by one element leaves a lazy get running", () =>
    runVirtual(async () => {
      const q = new asyncio.Queue<string>();
      const failing = asyncio.coroutine("failing", async () => {
        await asyncio.sleep(0.01);
        throw new Error("boom");
      });
      await assert.rejects(Promise.all([q.get(), failing()]), { message: "boom" });
      assert.equal(inspect(q), "<Queue maxsize=0 _getters[1]>");
      q.putNowait("item");
      await asyncio.sleep(0);
      assert.equal(q.qsize(), 0, "the item was not taken");
    }));

  it("differs: the losers are awaited in the racing task: cancelling that task cancels them", () =>
    runVirtual(async () => {
      const q = new asyncio.Queue<string>();
      const racer = asyncio.createTask(async () => {
        await Promise.race([q.get(), asyncio.sleep(0.01)]);
        await asyncio.sleep(3600);
      });
      await asyncio.sleep(1);
      assert.equal(inspect(q), "<Queue maxsize=0 _getters[1]>");
      racer.cancel();
      await assert.rejects(awaiting(racer), { name: "CancelledError" });
      assert.equal(inspect(q), "<Queue maxsize=0>");
    }));

  it("what to write instead: waitFor, timeout() or a TaskGroup take nothing once they give up", () =>
    runVirtual(async () => {
      const q = new asyncio.Queue<string>();
      await assert.rejects(asyncio.waitFor(q.get(), 0.01), { name: "TimeoutError" });
      await assert.rejects(
        asyncio.timeout(0.01).with(() => q.get()),
        { name: "TimeoutError" },
      );
      const [done, pending] = await asyncio.wait([asyncio.createTask(q.get())], { timeout: 0.01 });
      assert.equal(done.size, 0);
      for (const t of pending) t.cancel();
      await asyncio.sleep(0);
      assert.equal(inspect(q), "<Queue maxsize=0>");
      q.putNowait("item");
      assert.equal(await q.get(), "item");
    }));
});

describe("never awaited, in a program of its own", () => {
  it("dropping one lazy call of each kind, blocked, crashes nothing: each is reported when run() closes the loop", async () => {
    const marker = path.join(os.tmpdir(), `asyncio-ts-unawaited-${process.pid}`);
    const fixture = fileURLToPath(new URL("./fixtures/unawaited.ts", import.meta.url));
    const child = spawnSync(process.execPath, [fixture, marker], { encoding: "utf8", timeout: 20_000 });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, "after run\naccepted 0\nexit\n");
    assert.deepEqual(
      child.stderr.trimEnd().split("\n"),
      [
        "Barrier.wait",
        "Queue.get",
        "Lock.acquire",
        "Condition.wait",
        "Event.wait",
        "sleep",
        "wait_for",
        "TaskGroup.with",
        "open_connection",
        "create_subprocess_exec",
        "to_thread",
      ].map((name) => `RuntimeWarning: coroutine '${name}' was never awaited`),
    );
    assert.equal(fs.existsSync(marker), false, "a child or a job ran");
  });
});
