// Guards the public surface: adding or removing an export is a deliberate change of this list.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as asyncio from "../src/index.ts";
import * as testing from "../src/testing/index.ts";

const expected = [
  "BaseProtocol",
  "Protocol",
  "BufferedProtocol",
  "DatagramProtocol",
  "SubprocessProtocol",
  "BaseTransport",
  "ReadTransport",
  "WriteTransport",
  "Transport",
  "DatagramTransport",
  "SubprocessTransport",
  "NotImplementedError",
  "socket",
  "ConcurrentFuture",
  "wrapFuture",
  "ThreadHandle",
  "callSoonThreadsafe",
  "runCoroutineThreadsafe",
  "socketpair",
  "BrokenThreadPool",
  "BrokenProcessPool",
  "toThread",
  "ThreadPoolExecutor",
  "ProcessPoolExecutor",
  "startUnixServer",
  "startServer",
  "openUnixConnection",
  "openConnection",
  "AbstractServer",
  "Server",
  "StreamReaderProtocol",
  "StreamWriter",
  "DEVNULL",
  "STDOUT",
  "PIPE",
  "Process",
  "createSubprocessShell",
  "createSubprocessExec",
  "LifoQueue",
  "PriorityQueue",
  "Queue",
  "Barrier",
  "BoundedSemaphore",
  "Semaphore",
  "Condition",
  "Lock",
  "ALL_COMPLETED",
  "AsCompletedIterator",
  "BaseEventLoop",
  "BrokenBarrierError",
  "CancelledError",
  "Coroutine",
  "Event",
  "EventLoop",
  "ExceptionGroup",
  "FIRST_COMPLETED",
  "FIRST_EXCEPTION",
  "Future",
  "GatheringFuture",
  "Handle",
  "IncompleteReadError",
  "InvalidStateError",
  "KeyboardInterrupt",
  "LimitOverrunError",
  "QueueEmpty",
  "QueueFull",
  "QueueShutDown",
  "Runner",
  "RuntimeError",
  "SendfileNotAvailableError",
  "StreamReader",
  "Task",
  "TaskGroup",
  "Timeout",
  "TimeoutError",
  "TimerHandle",
  "allTasks",
  "asCompleted",
  "coroutine",
  "createEagerTaskFactory",
  "createTask",
  "currentTask",
  "eagerTaskFactory",
  "ensureFuture",
  "gather",
  "captureCallGraph",
  "enableIntrospection",
  "disableIntrospection",
  "formatCallGraph",
  "printCallGraph",
  "futureAddToAwaitedBy",
  "futureDiscardFromAwaitedBy",
  "getEventLoop",
  "getRunningLoop",
  "iscoroutine",
  "iscoroutinefunction",
  "isfuture",
  "newEventLoop",
  "run",
  "shield",
  "sleep",
  "timeout",
  "timeoutAt",
  "wait",
  "waitFor",
];

describe("exports", () => {
  it("asyncio-ts exports exactly the documented names", () => {
    assert.deepEqual(Object.keys(asyncio).sort(), [...expected].sort());
  });

  it("asyncio-ts/testing exports the virtual-time loop", () => {
    assert.deepEqual(Object.keys(testing).sort(), ["VirtualTimeLoop", "runVirtual"]);
  });

  it("package.json exposes '.', './testing', the subpaths './http', './websockets', './bullmq', and './package.json'", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      exports: Record<string, unknown>;
      type: string;
      engines: { node: string };
    };
    assert.deepEqual(Object.keys(pkg.exports), [
      ".",
      "./testing",
      "./http",
      "./websockets",
      "./bullmq",
      "./package.json",
    ]);
    assert.equal(pkg.type, "module");
    // Node 22 runs the suite but for `await using` in the programs (test/runtimes.test.ts); undici 8
    // needs 22.19.
    assert.equal(pkg.engines.node, ">=22.19.0");
  });

  it("error classes carry Python's names and stable codes", () => {
    const e = new asyncio.CancelledError("bye");
    assert.equal(e.name, "CancelledError");
    assert.equal(e.code, "ERR_ASYNCIO_CANCELLED");
    assert.equal(new asyncio.TimeoutError().name, "TimeoutError");
    assert.equal(new asyncio.InvalidStateError("x").name, "InvalidStateError");
    assert.ok(new asyncio.BrokenBarrierError("x") instanceof asyncio.RuntimeError);
  });

  it("a brand makes instanceof agree across copies of the package", () => {
    const foreign = Object.create(null) as Record<symbol, unknown>;
    foreign[Symbol.for("asyncio-ts.CancelledError")] = true;
    assert.ok((foreign as unknown) instanceof asyncio.CancelledError);
    assert.ok(!((foreign as unknown) instanceof asyncio.TimeoutError));
    class Mine extends asyncio.CancelledError {}
    assert.ok(!(new asyncio.CancelledError() instanceof Mine));
    assert.ok(new Mine() instanceof asyncio.CancelledError);
  });
});
