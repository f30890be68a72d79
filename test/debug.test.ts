// Debug mode and "nothing is lost" reports that depend on garbage collection (CPython:
// test_futures.py test_tb_logger_exception_unretrieved, test_pep492.py coroutine origin
// tracking), checked in child processes run with --expose-gc.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as asyncio from "../src/index.ts";

const fixture = fileURLToPath(new URL("./fixtures/gc-reports.ts", import.meta.url));

function runChild(mode: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, ["--expose-gc", fixture, mode], {
    encoding: "utf8",
    timeout: 20_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const lostFixture = fileURLToPath(new URL("./fixtures/lost-reports.ts", import.meta.url));

function runLost(mode: string): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [lostFixture, mode], { encoding: "utf8", timeout: 20_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe("lost work is reported when the loop closes, without debug mode or a GC", () => {
  it("a task exception never retrieved", () => {
    const r = runLost("unretrieved");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "main done\nafter run\n");
    assert.match(r.stderr, /^Task exception was never retrieved$/m);
    assert.match(
      r.stderr,
      /^future: <Task finished name='Task-\d+' coro=failing\(\) exception=RangeError\('nobody looks at me'\)>$/m,
    );
    assert.match(r.stderr, /^RangeError: nobody looks at me$/m);
    assert.equal(r.stderr.match(/never retrieved/g)?.length, 1);
  });

  it("coroutines never awaited, named as CPython names them, and only those", () => {
    const r = runLost("never-awaited");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "main done\nafter run\n");
    assert.deepEqual(r.stderr.trimEnd().split("\n"), [
      "RuntimeWarning: coroutine 'Queue.get' was never awaited",
      "RuntimeWarning: coroutine 'Lock.acquire' was never awaited",
      "RuntimeWarning: coroutine 'helper' was never awaited",
    ]);
  });

  it("a coroutine made outside any loop and never awaited is reported at exit", () => {
    const r = runLost("orphan");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "made\n");
    assert.equal(r.stderr, "RuntimeWarning: coroutine 'helper' was never awaited\n");
  });

  it("in debug mode the report shows where, most recent call last, without the library's frames", () => {
    const r = runLost("debug-origin");
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stderr.trimEnd().split("\n");
    assert.equal(lines[0], "RuntimeWarning: coroutine 'sleep' was never awaited");
    assert.equal(lines[1], "Coroutine created at (most recent call last)");
    assert.match(lines.at(-1) ?? "", /lost-reports\.ts:41:\d+\)?$/);
    assert.ok(!lines.some((l) => l.includes("/src/")), r.stderr);
  });
});

describe("debug and lost-work reports", () => {
  it("a task exception never retrieved is reported when the task is collected", () => {
    const r = runChild("unretrieved");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^Task exception was never retrieved$/m);
    assert.match(r.stderr, /RangeError: nobody looks at me/);
    assert.match(
      r.stderr,
      /future: <Task finished name='Task-\d+' coro=failing\(\) exception=RangeError\('nobody looks at me'\)>/,
    );
  });

  it("in debug mode a coroutine never awaited is reported with where it was created", () => {
    const r = runChild("never-awaited");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^RuntimeWarning: coroutine 'neverAwaited' was never awaited$/m);
    assert.match(r.stderr, /^Coroutine created at \(most recent call last\)$/m);
    assert.match(r.stderr, /gc-reports\.ts/);
  });

  it("slow callbacks are logged in debug mode with what was slow", () =>
    asyncio.run(
      async () => {
        const loop = asyncio.getRunningLoop();
        loop.slowCallbackDuration = 0.01;
        const lines: string[] = [];
        const write = process.stderr.write.bind(process.stderr);
        process.stderr.write = (chunk: string | Uint8Array) => {
          lines.push(String(chunk));
          return true;
        };
        try {
          loop.callSoon(function blocking() {
            const end = performance.now() + 30;
            while (performance.now() < end) {
              // busy: blocks the loop
            }
          });
          await asyncio.sleep(0.001);
        } finally {
          process.stderr.write = write;
        }
        assert.ok(
          lines.some((l) => /^Executing <Handle blocking\(\)> took 0\.0\d\d seconds\n$/.test(l)),
          lines.join(""),
        );
      },
      { debug: true },
    ));
});

describe("diagnostics_channel", () => {
  it("publishes asyncio-ts:task:create and asyncio-ts:task:done with the task", async () => {
    const { subscribe, unsubscribe } = await import("node:diagnostics_channel");
    const seen: string[] = [];
    const onCreate = (m: unknown): void => {
      seen.push(`create ${(m as { task: asyncio.Task }).task.getName()}`);
    };
    const onDone = (m: unknown): void => {
      seen.push(`done ${(m as { task: asyncio.Task }).task.getName()}`);
    };
    subscribe("asyncio-ts:task:create", onCreate);
    subscribe("asyncio-ts:task:done", onDone);
    try {
      await asyncio.run(async () => {
        await asyncio.createTask(async () => asyncio.sleep(0), { name: "child" });
      });
    } finally {
      unsubscribe("asyncio-ts:task:create", onCreate);
      unsubscribe("asyncio-ts:task:done", onDone);
    }
    assert.deepEqual(
      seen.filter((l) => l.endsWith("child")),
      ["create child", "done child"],
    );
    // Every task created (main, child, run()'s shutdown steps) is reported done too.
    assert.equal(
      seen.filter((l) => l.startsWith("create")).length,
      seen.filter((l) => l.startsWith("done")).length,
    );
  });
});
