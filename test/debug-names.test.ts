// Debug mode names the task whose step was slow (issue 11 item 5), as CPython 3.13 does:
// base_events.py _run_once logs "Executing %s took %.3f seconds" with _format_handle(handle), which
// for a task's step is the task's repr; in debug mode that repr ends with "created at file:line".
// CPython 3.13 prints, for a task that blocks 0.15 s in a step:
//   Executing <Task pending name='worker-3' coro=<worker() running at slow.py:6>
//     cb=[Task.task_wakeup()] created at .../asyncio/tasks.py:410> took 0.151 seconds
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import * as asyncio from "../src/index.ts";
import { ROOT } from "./helpers/conformance.ts";

function block(seconds: number): void {
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    // busy: the loop cannot run
  }
}

/** Run `body`, returning what was written to stderr meanwhile, one entry per write. */
async function captureStderr(body: () => Promise<void>): Promise<string[]> {
  const records: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array) => {
    records.push(String(chunk));
    return true;
  };
  try {
    await body();
  } finally {
    process.stderr.write = write;
  }
  return records;
}

const HERE = /\S*\/test\/debug-names\.test\.ts:\d+/.source;
const FILE = fileURLToPath(import.meta.url);
const SOURCE = readFileSync(FILE, "utf8").split("\n");

/** `file:line` of the line of this file that holds `marker`, as a RegExp source. */
function at(marker: string): string {
  const line = SOURCE.findIndex((l) => l.includes(marker) && !l.includes("at(")) + 1;
  assert.ok(line > 0, marker);
  return `${FILE}:${line}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("debug mode: slow-callback warnings name the task", () => {
  it("a slow step is reported with the task's repr: name, where it waits now, waiters, where it was created", async () => {
    const records = await captureStderr(() =>
      asyncio.run(
        async () => {
          asyncio.getRunningLoop().slowCallbackDuration = 0.025;
          const worker = asyncio.coroutine("worker", async () => {
            await asyncio.sleep(0);
            block(0.08);
            await asyncio.sleep(0); // [second step ends here]
            block(0.03);
          });
          await asyncio.createTask(worker(), { name: "worker-3" }); // [worker-3 created]
        },
        { debug: true },
      ),
    );
    const slow = records.filter((r) => r.startsWith("Executing "));
    assert.equal(slow.length, 2, records.join(""));
    const pending = new RegExp(
      `^Executing <Task pending name='worker-3' coro=<worker\\(\\) running at ${at("[second step ends here]")}> cb=\\[Task\\.wakeup\\(Task-\\d+\\)\\] created at ${at("[worker-3 created]")}> took (\\d\\.\\d{3}) seconds\\n$`,
    );
    const finished = new RegExp(
      `^Executing <Task finished name='worker-3' coro=worker\\(\\) result=None created at ${at("[worker-3 created]")}> took (\\d\\.\\d{3}) seconds\\n$`,
    );
    const first = pending.exec(slow[0] ?? "");
    const second = finished.exec(slow[1] ?? "");
    assert.ok(first !== null, slow[0]);
    assert.ok(second !== null, slow[1]);
    // Each figure is that step's own time: the task's lifetime would make the second one longer
    // than the first plus its own block.
    const [t1, t2] = [Number(first[1]), Number(second[1])];
    assert.ok(t1 >= 0.08 && t2 >= 0.03, `${t1} ${t2}`);
    assert.ok(t2 < t1 + 0.03, `${t1} ${t2}`);
  });

  it("where the task was created is the caller's line, not the library's", async () => {
    await asyncio.run(
      async () => {
        let inGroup = "";
        await new asyncio.TaskGroup().with((tg) => {
          inGroup = String(tg.createTask(() => asyncio.sleep(0), { name: "in-group" }));
        });
        assert.match(inGroup, new RegExp(`^<Task pending name='in-group' .* created at ${HERE}>$`));
        const gathered = asyncio.gather(asyncio.sleep(0));
        const [child] = asyncio
          .allTasks()
          .values()
          .filter((t) => t !== asyncio.currentTask());
        assert.match(String(child), new RegExp(`created at ${HERE}>$`));
        await gathered;
      },
      { debug: true },
    );
  });

  it("'running at' is the task's own coroutine's line, and only while known", async () => {
    await asyncio.run(
      async () => {
        const loop = asyncio.getRunningLoop();
        const fut = loop.createFuture<number>();
        const helper = async () => {
          await asyncio.sleep(0.01);
        };
        const t = asyncio.createTask(
          async () => {
            await helper(); // [awaits the helper]
            await fut;
          },
          { name: "nested" },
        );
        await asyncio.sleep(0);
        // CPython names the frame of the task's coroutine, not the helper's.
        assert.match(
          String(t),
          new RegExp(`^<Task pending name='nested' coro=<\\S+ running at ${at("[awaits the helper]")}> `),
        );
        await asyncio.sleep(0.05);
        // Now it waits on a Future it did not make: where is not known, and not the old place.
        assert.match(String(t), /^<Task pending name='nested' coro=\S+\(\) wait_for=<Future pending/);
        assert.doesNotMatch(String(t), /running at/);
        fut.setResult(1);
        await t;
        assert.doesNotMatch(String(t), /running at/);
      },
      { debug: true },
    );
  });

  it("a slow plain callback is still reported as its Handle", async () => {
    const records = await captureStderr(() =>
      asyncio.run(
        async () => {
          const loop = asyncio.getRunningLoop();
          loop.slowCallbackDuration = 0.02;
          loop.callSoon(function blocking() {
            block(0.03);
          });
          await asyncio.sleep(0.001);
        },
        { debug: true },
      ),
    );
    assert.ok(
      records.some((r) => /^Executing <Handle blocking\(\)> took 0\.0\d\d seconds\n$/.test(r)),
      records.join(""),
    );
    assert.ok(!records.some((r) => r.includes("<Task")), records.join(""));
  });

  it("outside debug mode: no warning, and no 'created at' in a task's repr", async () => {
    const records = await captureStderr(() =>
      asyncio.run(async () => {
        asyncio.getRunningLoop().slowCallbackDuration = 0.01;
        const t = asyncio.createTask(
          async () => {
            block(0.02);
            await asyncio.sleep(0);
          },
          { name: "quiet" },
        );
        assert.match(String(t), /^<Task pending name='quiet' coro=\S+>$/);
        await t;
      }),
    );
    assert.deepEqual(records, []);
  });
});

describe("ASYNCIO_TS_DEBUG (PYTHONASYNCIODEBUG's twin)", () => {
  const program = `
    import * as asyncio from ${JSON.stringify(new URL("../src/index.ts", import.meta.url).href)};
    await asyncio.run(async () => {
      const loop = asyncio.getRunningLoop();
      console.log("debug", loop.getDebug());
      loop.slowCallbackDuration = 0.02;
      await asyncio.createTask(async () => {
        const end = performance.now() + 40;
        while (performance.now() < end) {}
        await asyncio.sleep(0);
      }, { name: "worker-1" });
    });
  `;
  const runWith = (value: string | undefined) => {
    const env = { ...process.env };
    delete env.ASYNCIO_TS_DEBUG;
    if (value !== undefined) env.ASYNCIO_TS_DEBUG = value;
    return spawnSync(process.execPath, ["--input-type=module", "-e", program], {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 20_000,
    });
  };

  it("=1 turns debug mode on for run(): the slow step is reported with the task's name", () => {
    const r = runWith("1");
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "debug true\n");
    assert.match(
      r.stderr,
      /^Executing <Task pending name='worker-1' coro=.*cb=\[Task\.wakeup\(Task-\d+\)\] created at \S+:\d+> took 0\.\d{3} seconds$/m,
    );
  });

  it("unset, empty or 0: debug mode is off and nothing is reported", () => {
    for (const value of [undefined, "", "0"]) {
      const r = runWith(value);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, "debug false\n");
      assert.equal(r.stderr, "");
    }
  });
});
