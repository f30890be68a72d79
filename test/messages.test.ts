// The rule for error messages (docs/guide.md#error-messages-and-constructor-arguments), pinned:
// where CPython 3.13 raises the same condition with a message, its exact words, with CPython's
// own names inside (`call_soon()`, `task_done()`, `server_hostname`); where CPython has no such
// check, this library's names (`maxWorkers`, `addDoneCallback()`), saying what to pass. Each
// CPython case names the file and function its words come from (Lib/asyncio/ unless said). Also
// the constructor convention: what Python passes positionally is positional here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";

/** Asserts that `fn` throws, or rejects with, an error of class `name` with exactly `message`. */
async function throwsExactly(fn: () => unknown, name: string, message: string): Promise<void> {
  let error: unknown = undefined;
  let threw = false;
  try {
    await fn();
  } catch (e) {
    threw = true;
    error = e;
  }
  assert.ok(threw, `expected ${name}: ${message}`);
  assert.ok(error instanceof Error, `expected an Error, got ${String(error)}`);
  assert.equal(error.name, name);
  assert.equal(error.message, message);
}

const noop = (): void => undefined;

describe("messages in CPython's words, CPython's names inside", () => {
  it("base_events.py: _check_callback, call_later, call_at, set_default_executor", () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      // BaseEventLoop._check_callback (call_soon() checks it in debug mode; this loop always).
      await throwsExactly(
        () => loop.callSoon(1 as never),
        "TypeError",
        "a callable object was expected by call_soon(), got 1",
      );
      // call_later() goes through call_at(), and so does its message.
      await throwsExactly(
        () => loop.callLater(1, "spam" as never),
        "TypeError",
        "a callable object was expected by call_at(), got 'spam'",
      );
      const coro = asyncio.sleep(0);
      await throwsExactly(
        () => loop.callSoon(coro as never),
        "TypeError",
        "coroutines cannot be used with call_soon()",
      );
      coro.close();
      // BaseEventLoop.call_later: `if delay is None: raise TypeError('delay must not be None')`.
      await throwsExactly(() => loop.callLater(null as never, noop), "TypeError", "delay must not be None");
      // BaseEventLoop.call_at: `if when is None: raise TypeError("when cannot be None")`.
      await throwsExactly(() => loop.callAt(null as never, noop), "TypeError", "when cannot be None");
      // BaseEventLoop.set_default_executor.
      await throwsExactly(
        () => {
          loop.setDefaultExecutor({} as never);
        },
        "TypeError",
        "executor must be ThreadPoolExecutor instance",
      );
    }));

  it("unix_events.py: add_signal_handler, _check_signal", () => {
    const loop = asyncio.newEventLoop();
    try {
      // _UnixSelectorEventLoop.add_signal_handler.
      assert.throws(
        () => {
          loop.addSignalHandler("SIGWINCH", async () => {});
        },
        {
          name: "TypeError",
          message: "coroutines cannot be used with add_signal_handler()",
        },
      );
      // CPython does not check other non-callables there; base_events.py _check_callback's
      // words, with the same CPython method name, so the two messages agree.
      assert.throws(
        () => {
          loop.addSignalHandler("SIGWINCH", 42 as never);
        },
        {
          name: "TypeError",
          message: "a callable object was expected by add_signal_handler(), got 42",
        },
      );
      // add_signal_handler: `raise RuntimeError(f'sig {sig} cannot be caught')`.
      assert.throws(
        () => {
          loop.addSignalHandler("SIGKILL", noop);
        },
        {
          name: "RuntimeError",
          message: "sig 9 cannot be caught",
        },
      );
      // _check_signal: `raise ValueError(f'invalid signal number {sig}')`.
      assert.throws(
        () => {
          loop.addSignalHandler(12345, noop);
        },
        {
          name: "RangeError",
          message: "invalid signal number 12345",
        },
      );
    } finally {
      loop.close();
    }
  });

  it("base_events.py create_connection / create_server, unix_events.py create_unix_connection", () =>
    asyncio.run(async () => {
      // create_connection: ssl without server_hostname nor host.
      await throwsExactly(
        () => asyncio.openConnection(null, 443, { ssl: true }),
        "RangeError",
        "You must set server_hostname when using ssl without a host",
      );
      // create_unix_connection: ssl without server_hostname.
      await throwsExactly(
        () => asyncio.openUnixConnection("/nonexistent", { ssl: true }),
        "RangeError",
        "you have to pass server_hostname when using ssl",
      );
      // create_connection.
      await throwsExactly(
        () => asyncio.openConnection("127.0.0.1", 1, { serverHostname: "example.com" }),
        "RangeError",
        "server_hostname is only meaningful with ssl",
      );
      // create_server: `if isinstance(ssl, bool): raise TypeError(...)`.
      await throwsExactly(
        () => asyncio.startServer(noop, "127.0.0.1", 0, { ssl: true as never }),
        "TypeError",
        "ssl argument must be an SSLContext or None",
      );
      // create_server without host, port or sock.
      await throwsExactly(
        () => asyncio.startServer(noop, null, null),
        "RangeError",
        "Neither host/port nor sock were specified",
      );
    }));

  it("streams.py StreamReader and selector_events.py write / writelines", () =>
    asyncio.run(async () => {
      // StreamReader.__init__.
      await throwsExactly(() => new asyncio.StreamReader(0), "RangeError", "Limit cannot be <= 0");
      const reader = new asyncio.StreamReader();
      reader.feedEof();
      // StreamReader.feed_data: `assert not self._eof, 'feed_data after feed_eof'`.
      await throwsExactly(
        () => {
          reader.feedData(Buffer.from("x"));
        },
        "RuntimeError",
        "feed_data after feed_eof",
      );
      // StreamReader.readexactly.
      await throwsExactly(
        () => reader.readexactly(-1),
        "RangeError",
        "readexactly size can not be less than zero",
      );

      const server = await asyncio.startServer(noop, "127.0.0.1", 0);
      try {
        const [, port] = server.sockets[0]?.getsockname() ?? ["", 0];
        const [, writer] = await asyncio.openConnection("127.0.0.1", port);
        writer.writeEof();
        // _SelectorSocketTransport.write and .writelines each name themselves.
        await throwsExactly(
          () => {
            writer.write(Buffer.from("x"));
          },
          "RuntimeError",
          "Cannot call write() after write_eof()",
        );
        await throwsExactly(
          () => {
            writer.writelines([Buffer.from("x")]);
          },
          "RuntimeError",
          "Cannot call writelines() after write_eof()",
        );
        // _SelectorSocketTransport.write: `not {type(data).__name__!r}`, a JavaScript type here.
        await throwsExactly(
          () => {
            writer.write(42 as never);
          },
          "TypeError",
          "data argument must be a bytes-like object, not 'number'",
        );
        writer.close();
        await writer.waitClosed();
      } finally {
        server.close();
        server.closeClients();
        await server.waitClosed();
      }
    }));

  it("base_events.py subprocess_exec / subprocess_shell", () =>
    asyncio.run(async () => {
      await throwsExactly(
        () => asyncio.createSubprocessExec("true", { shell: true }),
        "RangeError",
        "shell must be False",
      );
      await throwsExactly(
        () => asyncio.createSubprocessShell("true", { shell: false }),
        "RangeError",
        "shell must be True",
      );
      await throwsExactly(
        () => asyncio.createSubprocessShell(42 as never),
        "RangeError",
        "cmd must be a string",
      );
      await throwsExactly(
        () => asyncio.createSubprocessExec("true", { text: true }),
        "RangeError",
        "text must be False",
      );
    }));

  it("concurrent/futures/thread.py and process.py: max_workers, submit after shutdown", async () => {
    // ThreadPoolExecutor.__init__ / ProcessPoolExecutor.__init__.
    await throwsExactly(
      () => new asyncio.ThreadPoolExecutor(0),
      "RangeError",
      "max_workers must be greater than 0",
    );
    await throwsExactly(
      () => new asyncio.ProcessPoolExecutor(-1),
      "RangeError",
      "max_workers must be greater than 0",
    );
    const pool = new asyncio.ThreadPoolExecutor(1);
    await pool.shutdown();
    // ThreadPoolExecutor.submit.
    await throwsExactly(
      () => pool.submit(() => 1),
      "RuntimeError",
      "cannot schedule new futures after shutdown",
    );
  });

  it("Modules/_asynciomodule.c Future (what CPython 3.13 runs), tasks.py", () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      const f = loop.createFuture();
      // future_result / future_set_exception in the C Future.
      await throwsExactly(() => f.result(), "InvalidStateError", "Result is not set.");
      await throwsExactly(
        () => {
          f.setException(null);
        },
        "TypeError",
        "invalid exception object",
      );
      f.setResult(1);
      await throwsExactly(
        () => {
          f.setResult(2);
        },
        "InvalidStateError",
        "invalid state",
      );
      // tasks.py sleep.
      await throwsExactly(() => asyncio.sleep(NaN), "RangeError", "Invalid delay: NaN (not a number)");
      // tasks.py ensure_future (_ensure_future).
      await throwsExactly(
        () => asyncio.ensureFuture(42 as never),
        "TypeError",
        "An asyncio.Future, a coroutine or an awaitable is required",
      );
      // tasks.py wait.
      await throwsExactly(() => asyncio.wait([]), "RangeError", "Set of Tasks/Futures is empty.");
      const t = asyncio.createTask(asyncio.sleep(0));
      await throwsExactly(
        () => asyncio.wait([t], { returnWhen: "SOMETIMES" as never }),
        "RangeError",
        "Invalid return_when value: SOMETIMES",
      );
      await t;
    }));

  it("queues.py, locks.py, timeouts.py, taskgroups.py, runners.py, exceptions", async () => {
    // queues.py Queue.task_done (also pinned by a conformance .out).
    await throwsExactly(
      () => {
        new asyncio.Queue().taskDone();
      },
      "RangeError",
      "task_done() called too many times",
    );
    // locks.py Semaphore.__init__, Barrier.__init__, Lock.release.
    await throwsExactly(
      () => new asyncio.Semaphore(-1),
      "RangeError",
      "Semaphore initial value must be >= 0",
    );
    await throwsExactly(() => new asyncio.Barrier(0), "RangeError", "parties must be > 0");
    await throwsExactly(
      () => {
        new asyncio.Lock().release();
      },
      "RuntimeError",
      "Lock is not acquired.",
    );
    // timeouts.py Timeout.reschedule.
    await throwsExactly(
      () => {
        new asyncio.Timeout(null).reschedule(1);
      },
      "RuntimeError",
      "Timeout has not been entered",
    );
    // runners.py Runner.run: ValueError("a coroutine was expected, got {!r}").
    await throwsExactly(() => asyncio.run(42 as never), "RangeError", "a coroutine was expected, got 42");
    // Objects/exceptions.c BaseExceptionGroup.__new__ (its argument parser's words).
    await throwsExactly(
      () => new asyncio.ExceptionGroup(42 as never, [new Error()]),
      "TypeError",
      "BaseExceptionGroup.__new__() argument 1 must be str, not number",
    );
    await throwsExactly(
      () => new asyncio.ExceptionGroup("eg", []),
      "RangeError",
      "second argument (exceptions) must be a non-empty sequence",
    );
  });
});

describe("messages where CPython has none: this library's names, saying what to pass", () => {
  it("argument types CPython never checks", () =>
    asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      await throwsExactly(
        () => loop.callLater("1" as never, noop),
        "TypeError",
        "delay must be a number of seconds, got string",
      );
      await throwsExactly(
        () => asyncio.sleep("1" as never),
        "TypeError",
        "sleep() delay must be a number of seconds, got string",
      );
      await throwsExactly(
        () => {
          loop.createFuture().addDoneCallback(42 as never);
        },
        "TypeError",
        "addDoneCallback() needs a function, got 42",
      );
      await throwsExactly(
        () => asyncio.wait(42 as never),
        "TypeError",
        "wait() needs an iterable of tasks or futures, got 42",
      );
      await throwsExactly(
        () => new asyncio.Queue("a" as never),
        "TypeError",
        "maxsize must be a number, got 'a'",
      );
    }));

  it("maxWorkers beyond CPython's `<= 0` check", async () => {
    await throwsExactly(
      () => new asyncio.ThreadPoolExecutor(1.5),
      "RangeError",
      "maxWorkers must be a positive integer or null, got 1.5",
    );
    await throwsExactly(
      () => new asyncio.ProcessPoolExecutor("2" as never),
      "TypeError",
      "maxWorkers must be a positive integer or null, got '2'",
    );
  });

  it("Node-only conditions: TLS half-close, the ssl option, happyEyeballsDelay, a running Promise", () =>
    asyncio.run(async () => {
      await throwsExactly(
        () => asyncio.openConnection("127.0.0.1", 1, { ssl: 42 as never }),
        "TypeError",
        "ssl must be a tls.SecureContext or an SSLOptions object (or true on the client side), got 42",
      );
      await throwsExactly(
        () => asyncio.openConnection("127.0.0.1", 1, { happyEyeballsDelay: -1 }),
        "RangeError",
        "happyEyeballsDelay must be >= 0 seconds",
      );
      await throwsExactly(
        () => asyncio.createSubprocessExec(null as never),
        "TypeError",
        "createSubprocessExec() program must be a string, got null",
      );
      const running = Promise.resolve(1);
      await throwsExactly(
        () => asyncio.createTask(running as never),
        "TypeError",
        "a coroutine was expected, got a running Promise: a task cannot own work that has already " +
          "started. Pass the async function itself (createTask(() => work())) or a coroutine made " +
          "with asyncio.coroutine(fn)",
      );
    }));

  it("the virtual-time loop", () =>
    runVirtual(async (loop) => {
      await throwsExactly(() => loop.advance(-1), "RangeError", "advance() needs seconds >= 0, got -1");
    }));
});

describe("constructors: Python's positional arguments are positional, keywords an options object", () => {
  it("Queue(maxsize), StreamReader(limit), Semaphore(value), Barrier(parties), Timeout(when)", () =>
    asyncio.run(async () => {
      assert.equal(new asyncio.Queue(3).maxsize, 3);
      assert.equal(new asyncio.PriorityQueue(2, { compare: (a: number, b: number) => b - a }).maxsize, 2);
      assert.equal(String(new asyncio.StreamReader(5)), "<StreamReader limit=5>");
      assert.equal(String(new asyncio.Semaphore(2)), "<asyncio.locks.Semaphore object [unlocked, value:2]>");
      assert.equal(new asyncio.Barrier(3).parties, 3);
      assert.equal(new asyncio.Timeout(null).when(), null);
    }));

  it("StreamReader refuses the old options object, naming the positional form", async () => {
    await throwsExactly(
      () => new asyncio.StreamReader({ limit: 5 } as never),
      "TypeError",
      "StreamReader() takes limit as a number of bytes: new StreamReader(limit), got { limit: 5 }",
    );
  });

  it("TimerHandle(when, callback, args, loop)", () => {
    const loop = asyncio.newEventLoop();
    try {
      const h = new asyncio.TimerHandle(5, noop, [], loop);
      assert.equal(h.when(), 5);
      assert.equal(h.cancelled(), false);
    } finally {
      loop.close();
    }
  });

  it("ThreadPoolExecutor(maxWorkers), ProcessPoolExecutor(maxWorkers, { execArgv })", async () => {
    const threads = new asyncio.ThreadPoolExecutor(2);
    const processes = new asyncio.ProcessPoolExecutor(3, { execArgv: [] });
    const byDefault = new asyncio.ThreadPoolExecutor(null);
    assert.equal(threads.maxWorkers, 2);
    assert.equal(processes.maxWorkers, 3);
    assert.ok(byDefault.maxWorkers >= 5);
    await Promise.all([threads.shutdown(), processes.shutdown(), byDefault.shutdown()]);
  });

  it("the deprecated { maxWorkers } object still works; a wrong object says what to pass", async () => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old form, on purpose
    const old = new asyncio.ThreadPoolExecutor({ maxWorkers: 2 });
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the old form, on purpose
    const oldProcesses = new asyncio.ProcessPoolExecutor({ maxWorkers: 1, execArgv: [] });
    assert.equal(old.maxWorkers, 2);
    assert.equal(oldProcesses.maxWorkers, 1);
    await Promise.all([old.shutdown(), oldProcesses.shutdown()]);
    await throwsExactly(
      () => new asyncio.ThreadPoolExecutor({ max_workers: 2 } as never),
      "TypeError",
      "ThreadPoolExecutor() takes maxWorkers first, as a number: new ThreadPoolExecutor(2), got { max_workers: 2 }",
    );
    await throwsExactly(
      () => new asyncio.ProcessPoolExecutor({ maxWorkers: 2 } as never, { execArgv: [] }),
      "TypeError",
      "ProcessPoolExecutor() takes maxWorkers first, as a number: new ProcessPoolExecutor(2, { execArgv }), " +
        "got { maxWorkers: 2 }",
    );
  });

  it("keyword-only arguments are an options object: Future, Task, Runner", async () => {
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      assert.equal(new asyncio.Future({ loop }).getLoop(), loop);
      const t = new asyncio.Task(asyncio.sleep(0), { name: "named" });
      assert.equal(t.getName(), "named");
      await t;
    });
    const runner = new asyncio.Runner({ debug: true });
    assert.equal(runner.getLoop().getDebug(), true);
    await runner.close();
  });
});
