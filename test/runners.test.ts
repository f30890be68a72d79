// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_runners.py (RunTests,
// RunnerTests): asyncio.run() and Runner — the loop's life cycle, the tasks left at exit, the
// argument checks, debug mode, and Ctrl-C (through the spawned fixtures in test/fixtures/).
// Reference: shared/reference/cpython-asyncio.md §2.14 items 101–103.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as asyncio from "../src/index.ts";
import { runVirtual, VirtualTimeLoop } from "../src/testing/index.ts";

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "fixtures");

class ValueError extends Error {
  override name = "ValueError";
}
class ZeroDivisionError extends Error {
  override name = "ZeroDivisionError";
  constructor() {
    super("division by zero");
  }
}

const PROMISE_MESSAGE =
  "a coroutine was expected, got a running Promise: a task cannot own work that has already " +
  "started. Pass the async function itself (createTask(() => work())) or a coroutine made " +
  "with asyncio.coroutine(fn)";

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/**
 * Runs a fixture in a child Node process (under /bin/sh with `shell`). Each time the child prints
 * a line listed in `interruptAfter`, it is sent SIGINT.
 */
function runFixture(
  name: string,
  args: string[],
  options?: { env?: NodeJS.ProcessEnv; interruptAfter?: string[]; shell?: boolean },
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const argv = [join(FIXTURES, name), ...args];
    // shell: run it under /bin/sh, which then prints the status it saw ("status N").
    const child = options?.shell
      ? spawn("/bin/sh", ["-c", '"$@"; echo "status $?"', "sh", process.execPath, ...argv], {
          env: options.env ?? process.env,
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn(process.execPath, argv, {
          env: options?.env ?? process.env,
          stdio: ["ignore", "pipe", "pipe"],
        });
    const lines: string[] = [];
    let partial = "";
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      partial += chunk;
      let nl = partial.indexOf("\n");
      while (nl >= 0) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        if (options?.interruptAfter?.includes(line) === true) child.kill("SIGINT");
        nl = partial.indexOf("\n");
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, lines, stderr });
    });
  });
}

describe("asyncio.run", () => {
  it("asyncio run return", async () => {
    const main = asyncio.coroutine(async () => {
      await asyncio.sleep(0);
      return 42;
    });
    assert.equal(await asyncio.run(main()), 42);
  });

  it("asyncio run raises", async () => {
    // The error escaping main rejects run() with the original object.
    const spam = new ValueError("spam");
    const main = asyncio.coroutine(async () => {
      await asyncio.sleep(0);
      throw spam;
    });
    const err = await asyncio.run(main()).then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(err, spam);
  });

  it("differs: asyncio run only coro", async () => {
    // CPython refuses anything but a coroutine with ValueError (a lambda too); asyncio-ts also
    // takes a function returning an awaitable (DESIGN.md §3.5), and ValueError is RangeError.
    for (const [o, repr] of [
      [1, "1"],
      [{}, "{}"],
      ["main", "'main'"],
    ] as const) {
      await assert.rejects(asyncio.run(o as unknown as () => void), {
        name: "RangeError",
        message: `a coroutine was expected, got ${repr}`,
      });
    }
    assert.equal(await asyncio.run(() => 7), 7);
    assert.equal(await asyncio.run(async () => 8), 8);
  });

  it("asyncio run of a running promise is a TypeError that says how to fix it", async () => {
    const p = Promise.resolve(1);
    await assert.rejects(asyncio.run(p as unknown as () => number), {
      name: "TypeError",
      message: PROMISE_MESSAGE,
    });
  });

  it("asyncio run debug", async () => {
    const main = asyncio.coroutine(async () => {
      await asyncio.sleep(0);
      return asyncio.getRunningLoop().getDebug();
    });
    assert.equal(await asyncio.run(main(), { debug: false }), false);
    assert.equal(await asyncio.run(main(), { debug: true }), true);
  });

  it("asyncio run debug from ASYNCIO_TS_DEBUG", async () => {
    // CPython's test_asyncio_run_debug and test_env_var_debug (PYTHONASYNCIODEBUG), through a
    // child process: run(main), run(main, {debug: false}), run(main, {debug: true}).
    const env = (value: string | undefined): NodeJS.ProcessEnv => {
      const e = { ...process.env };
      if (value === undefined) delete e.ASYNCIO_TS_DEBUG;
      else e.ASYNCIO_TS_DEBUG = value;
      return e;
    };
    const cases: [string | undefined, string][] = [
      [undefined, "false false true"],
      ["", "false false true"],
      ["1", "true false true"],
    ];
    const runs = await Promise.all(
      cases.map(([value]) => runFixture("run-debug.ts", [], { env: env(value) })),
    );
    runs.forEach((r, i) => {
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.lines, [(cases[i] as [string | undefined, string])[1]]);
    });
  });

  it("asyncio run from running loop", async () => {
    const inner = asyncio.coroutine(async () => 1)();
    const main = asyncio.coroutine(async () => {
      await assert.rejects(asyncio.run(inner), {
        name: "RuntimeError",
        message: "asyncio.run() cannot be called from a running event loop",
      });
      return "checked";
    });
    assert.equal(await asyncio.run(main()), "checked");
    assert.equal(inner.started(), false);
    inner.close(); // as CPython's test does (else reported as never awaited at exit)
  });

  it("asyncio run cancels hanging tasks", async () => {
    let loTask: asyncio.Task | null = null;
    const trace: string[] = [];
    const leftover = asyncio.coroutine(async () => {
      try {
        await asyncio.sleep(0.1);
      } finally {
        trace.push("leftover cleaned up");
      }
    });
    const main = asyncio.coroutine(async () => {
      loTask = asyncio.createTask(leftover());
      await asyncio.sleep(0);
      return 123;
    });
    assert.equal(await asyncio.run(main()), 123);
    const task = loTask as asyncio.Task | null;
    assert.equal(task?.done(), true);
    assert.equal(task.cancelled(), true);
    assert.deepEqual(trace, ["leftover cleaned up"]);
  });

  it("asyncio run reports hanging tasks errors", async () => {
    let loTask: asyncio.Task | null = null;
    const contexts: asyncio.ExceptionContext[] = [];
    const leftover = asyncio.coroutine(async () => {
      try {
        await asyncio.sleep(0.1);
      } catch (e) {
        if (e instanceof asyncio.CancelledError) throw new ZeroDivisionError();
        throw e;
      }
    });
    const main = asyncio.coroutine(async () => {
      asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      loTask = asyncio.createTask(leftover());
      return 123;
    });
    assert.equal(await asyncio.run(main()), 123);
    const task = loTask as asyncio.Task | null;
    assert.equal(task?.done(), true);
    assert.equal(contexts.length, 1);
    const [context] = contexts as [asyncio.ExceptionContext];
    assert.deepEqual(Object.keys(context).sort(), ["exception", "message", "task"]);
    assert.equal(context.message, "unhandled exception during asyncio.run() shutdown");
    assert.equal(context.task, task);
    assert.ok(context.exception instanceof ZeroDivisionError);
    assert.equal(context.exception, task.exception());
  });

  it("asyncio run main error and hanging task errors are both reported", async () => {
    // test_asyncio_run_closes_gens_after_hanging_tasks_errors, without the async generator:
    // main's error rejects run(); the leftover's error goes to the exception handler.
    class FancyExit extends Error {}
    const contexts: asyncio.ExceptionContext[] = [];
    let lazyboy: asyncio.Task | null = null;
    const spin = asyncio.coroutine(async () => {
      try {
        await asyncio.sleep(3600);
      } catch {
        throw new ZeroDivisionError();
      }
    });
    const main = asyncio.coroutine(async () => {
      asyncio.getRunningLoop().setExceptionHandler((_loop, context) => {
        contexts.push(context);
      });
      lazyboy = asyncio.createTask(spin());
      await asyncio.sleep(0);
      throw new FancyExit();
    });
    await assert.rejects(asyncio.run(main()), FancyExit);
    assert.equal((lazyboy as asyncio.Task | null)?.done(), true);
    assert.deepEqual(
      contexts.map((c) => [c.message, (c.exception as Error).name]),
      [["unhandled exception during asyncio.run() shutdown", "ZeroDivisionError"]],
    );
  });

  it("asyncio run loop factory", async () => {
    const loop = new VirtualTimeLoop();
    let calls = 0;
    const factory = (): asyncio.BaseEventLoop => {
      calls++;
      return loop;
    };
    const main = asyncio.coroutine(async () => {
      assert.equal(asyncio.getRunningLoop(), loop);
      await asyncio.sleep(3600);
      return asyncio.getRunningLoop().time();
    });
    assert.equal(await asyncio.run(main(), { loopFactory: factory }), 3600);
    assert.equal(calls, 1);
    assert.equal(loop.isClosed(), true);
  });

  it("asyncio run closes its loop", async () => {
    let loop: asyncio.BaseEventLoop | null = null;
    await asyncio.run(async () => {
      loop = asyncio.getRunningLoop();
      await asyncio.sleep(0);
    });
    assert.equal((loop as asyncio.BaseEventLoop | null)?.isClosed(), true);
    assert.throws(() => asyncio.getRunningLoop(), { name: "RuntimeError", message: "no running event loop" });
  });
});

describe("asyncio.Runner", () => {
  it("non debug", async () => {
    const runner = new asyncio.Runner({ debug: false });
    assert.equal(runner.getLoop().getDebug(), false);
    await runner.close();
  });

  it("debug", async () => {
    const runner = new asyncio.Runner({ debug: true });
    assert.equal(runner.getLoop().getDebug(), true);
    await runner.close();
  });

  it("custom factory", async () => {
    const loop = new VirtualTimeLoop();
    await new asyncio.Runner({ loopFactory: () => loop }).with((runner) => {
      assert.equal(runner.getLoop(), loop);
    });
    assert.equal(loop.isClosed(), true);
  });

  it("run", async () => {
    const f = asyncio.coroutine(async () => {
      await asyncio.sleep(0);
      return "done";
    });
    const runner = new asyncio.Runner();
    const loop = await runner.with(async (r) => {
      assert.equal(await r.run(f()), "done");
      return r.getLoop();
    });
    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: "Runner is closed" });
    assert.equal(loop.isClosed(), true);
  });

  it("run non coro", async () => {
    await new asyncio.Runner().with(async (runner) => {
      await assert.rejects(runner.run(123 as unknown as () => void), {
        name: "RangeError",
        message: "a coroutine was expected, got 123",
      });
    });
  });

  it("run future", async () => {
    await new asyncio.Runner().with(async (runner) => {
      const fut = runner.getLoop().createFuture();
      await assert.rejects(runner.run(fut as unknown as () => void), {
        name: "RangeError",
        message: "a coroutine was expected, got <Future pending>",
      });
    });
  });

  it("run promise", async () => {
    await new asyncio.Runner().with(async (runner) => {
      await assert.rejects(runner.run(Promise.resolve(1) as unknown as () => number), {
        name: "TypeError",
        message: PROMISE_MESSAGE,
      });
    });
  });

  it("explicit close", async () => {
    const runner = new asyncio.Runner();
    const loop = runner.getLoop();
    await runner.close();
    assert.throws(() => runner.getLoop(), { name: "RuntimeError", message: "Runner is closed" });
    assert.equal(loop.isClosed(), true);
  });

  it("double close", async () => {
    const runner = new asyncio.Runner();
    const loop = runner.getLoop();
    await runner.close();
    assert.equal(loop.isClosed(), true);
    // The second call is a no-op.
    await runner.close();
    assert.equal(loop.isClosed(), true);
  });

  it("close before use creates no loop", async () => {
    let calls = 0;
    const runner = new asyncio.Runner({
      loopFactory: () => {
        calls++;
        return new VirtualTimeLoop();
      },
    });
    await runner.close();
    assert.equal(calls, 0);
    // Never initialized: it can still be used, as in CPython (close() does nothing then).
    assert.equal(await runner.run(() => "late"), "late");
    assert.equal(calls, 1);
    await runner.close();
  });

  it("second with block raises", async () => {
    const ret: number[] = [];
    const f = asyncio.coroutine(async (arg: number) => {
      ret.push(arg);
    });
    const runner = new asyncio.Runner();
    await runner.with(async (r) => {
      await r.run(f(1));
    });
    const second = f(2);
    await assert.rejects(
      runner.with(async (r) => {
        await r.run(second);
      }),
      { name: "RuntimeError", message: "Runner is closed" },
    );
    second.close(); // never to run (else reported as never awaited at exit)
    assert.deepEqual(ret, [1]);
  });

  it("async dispose closes the runner", async () => {
    let loop: asyncio.BaseEventLoop;
    {
      await using runner = new asyncio.Runner();
      loop = runner.getLoop();
      assert.equal(await runner.run(() => 1), 1);
    }
    assert.equal(loop.isClosed(), true);
  });

  it("run reuses the loop: tasks left by one run() go on in the next", async () => {
    const trace: string[] = [];
    await new asyncio.Runner({ loopFactory: () => new VirtualTimeLoop() }).with(async (runner) => {
      let background: asyncio.Task | null = null;
      const first = await runner.run(async () => {
        background = asyncio.createTask(async () => {
          for (let i = 0; i < 3; i++) {
            trace.push(`background ${i} at ${asyncio.getRunningLoop().time()}`);
            await asyncio.sleep(1);
          }
          return "background done";
        });
        await asyncio.sleep(0.5);
        return asyncio.getRunningLoop();
      });
      // Between two run() calls the loop stands still.
      assert.equal(first.isRunning(), false);
      assert.deepEqual(trace, ["background 0 at 0"]);
      const second = await runner.run(async () => {
        assert.equal(asyncio.getRunningLoop(), first);
        return await (background as unknown as asyncio.Task<string>);
      });
      assert.equal(second, "background done");
      assert.equal(runner.getLoop(), first);
    });
    assert.deepEqual(trace, ["background 0 at 0", "background 1 at 1", "background 2 at 2"]);
  });

  it("recursive run", async () => {
    const g = asyncio.coroutine(async () => undefined)();
    const runner = new asyncio.Runner();
    await runner.with(async (r) => {
      const f = asyncio.coroutine(async () => {
        await assert.rejects(r.run(g), {
          name: "RuntimeError",
          message: "Runner.run() cannot be called from a running event loop",
        });
      });
      await r.run(f());
    });
    assert.equal(g.started(), false);
    g.close(); // as CPython's test does (else reported as never awaited)
  });

  it("a main cancelled without Ctrl-C rejects with CancelledError", async () => {
    const err = await runVirtual(async () => {
      const me = asyncio.currentTask() as asyncio.Task;
      asyncio.getRunningLoop().callLater(1, () => me.cancel("stop"));
      await asyncio.sleep(3600);
    }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof asyncio.CancelledError);
    assert.equal(err.message, "stop");
  });

  it("run() leaves no SIGINT listener behind", async () => {
    const before = process.listenerCount("SIGINT");
    await asyncio.run(async () => {
      assert.equal(process.listenerCount("SIGINT"), before === 0 ? 1 : before);
      await asyncio.sleep(0);
    });
    assert.equal(process.listenerCount("SIGINT"), before);
  });
});

describe("asyncio.run and Ctrl-C (spawned fixtures)", () => {
  it("a SIGINT cancels main; run() rejects with KeyboardInterrupt", async () => {
    const r = await runFixture("run-sigint.ts", ["once"], { interruptAfter: ["ready"] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      "ready",
      "main: CancelledError",
      "run: KeyboardInterrupt",
      "SIGINT listeners left: 0",
    ]);
  });

  it("a second SIGINT ends the process by the signal (exit status 130)", async () => {
    const r = await runFixture("run-sigint.ts", ["twice"], { interruptAfter: ["ready", "ready again"] });
    assert.deepEqual(r.lines, ["ready", "main: CancelledError (ignored)", "ready again"]);
    assert.ok(r.signal === "SIGINT" || r.code === 130, `code=${r.code} signal=${r.signal}`);
  });

  it("interrupt wait", async () => {
    // Main waits on a future nothing will complete (no timer, no I/O): the process stays up until
    // Ctrl-C, which cancels both the future and the main task.
    const r = await runFixture("run-sigint.ts", ["wait"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      "main: CancelledError",
      "fut cancelled: true",
      "run: KeyboardInterrupt",
      "SIGINT listeners left: 0",
    ]);
  });

  it("interrupt call soon", async () => {
    const r = await runFixture("run-sigint.ts", ["call-soon"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, [
      "main: CancelledError after spinning: true",
      "run: KeyboardInterrupt",
      "SIGINT listeners left: 0",
    ]);
  });

  it("interrupt cancelled task", async () => {
    // Main had also been cancelled for another reason: CancelledError, not KeyboardInterrupt.
    const r = await runFixture("run-sigint.ts", ["cancelled-task"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.lines, ["run: CancelledError", "SIGINT listeners left: 0"]);
  });
});

describe("asyncio.run and Ctrl-C: how the process ends (spawned fixtures)", () => {
  // CPython 3.13: `python -c 'import asyncio; asyncio.run(main())'` and one Ctrl-C: run() cancels
  // main, cleans up and raises KeyboardInterrupt; uncaught, Python prints a traceback ending in
  // `KeyboardInterrupt` and kills itself by SIGINT with the default handler (Modules/main.c
  // exit_sigint), so the shell sees status 130; caught, the program goes on.
  const CLEANED_UP = ["ready", "main cleaned up", "leftover cleaned up"];

  for (const [mode, how] of [
    ["await", "await asyncio.run(main()) at the top level"],
    ["floating", "asyncio.run(main()) not awaited"],
  ] as const) {
    it(`an uncaught KeyboardInterrupt ends the process by SIGINT after cleanup (${how})`, async () => {
      const r = await runFixture("run-sigint-uncaught.ts", [mode], { interruptAfter: ["ready"] });
      assert.deepEqual([r.code, r.signal], [null, "SIGINT"], r.stderr);
      assert.deepEqual(r.lines, CLEANED_UP);
      assert.equal(r.stderr, "KeyboardInterrupt\n");
    });
  }

  it("the shell sees status 130", async () => {
    const r = await runFixture("run-sigint-uncaught.ts", ["self"], { shell: true });
    assert.deepEqual([r.code, r.signal], [0, null], r.stderr);
    assert.deepEqual(r.lines, [...CLEANED_UP, "status 130"]);
    assert.equal(r.stderr, "KeyboardInterrupt\n");
  });

  it("a KeyboardInterrupt that reaches the top after more I/O still ends the process by SIGINT", async () => {
    const r = await runFixture("run-sigint-uncaught.ts", ["finally-io"], { interruptAfter: ["ready"] });
    assert.deepEqual([r.code, r.signal], [null, "SIGINT"], r.stderr);
    assert.deepEqual(r.lines, [...CLEANED_UP, "finally done"]);
    assert.equal(r.stderr, "KeyboardInterrupt\n");
  });

  it("a caught KeyboardInterrupt leaves any other uncaught error to Node (exit code 1, its stack)", async () => {
    const r = await runFixture("run-sigint-uncaught.ts", ["caught-then-throw"], {
      interruptAfter: ["ready"],
    });
    assert.deepEqual([r.code, r.signal], [1, null], r.stderr);
    assert.deepEqual(r.lines, [...CLEANED_UP, "caught KeyboardInterrupt"]);
    assert.match(r.stderr, /^Error: boom\n {4}at /m);
    assert.match(r.stderr, /^Node\.js v\d+/m);
    assert.doesNotMatch(r.stderr, /KeyboardInterrupt/);
  });

  it("a program's own uncaughtException listener decides, and the process is not killed", async () => {
    const r = await runFixture("run-sigint-uncaught.ts", ["handler"], { interruptAfter: ["ready"] });
    assert.deepEqual([r.code, r.signal], [5, null], r.stderr);
    assert.deepEqual(r.lines, [...CLEANED_UP, "handler: KeyboardInterrupt"]);
    assert.equal(r.stderr, "");
  });
});

describe("run() at scale", () => {
  it("cancels 200,000 leftover tasks at exit (no argument-spread stack overflow)", async () => {
    let cancelled = 0;
    await asyncio.run(async () => {
      for (let i = 0; i < 200_000; i++) {
        asyncio.createTask(async () => {
          try {
            await asyncio.sleep(3600);
          } catch (e) {
            cancelled++;
            throw e;
          }
        });
      }
      await asyncio.sleep(0);
    });
    assert.equal(cancelled, 200_000);
  });
});
