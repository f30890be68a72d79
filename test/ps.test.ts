// `npx asyncio-ts ps PID` / `pstree PID` (CPython 3.14's python -m asyncio ps/pstree): the
// formats, ported from Lib/test/test_asyncio/test_tools.py's inputs, and real child processes
// read while they run, while their loop is blocked, and each way a read can fail.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { statSync, unlinkSync, existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { after, describe, it } from "node:test";
import { introspectionSocket, type SnapshotFrame, type TaskSnapshot } from "../src/introspect.ts";
import { buildAsyncTree, buildTaskTable, CycleFoundError, formatTaskTable } from "../src/tools/ps.ts";
import { ROOT, runProgram } from "./helpers/conformance.ts";

const frame = (funcname: string, filename = "", lineno = 0): SnapshotFrame => ({
  funcname,
  filename,
  lineno,
});

/** test_tools.py's inputs: (task id, name, awaited by [(stack innermost first, parent id)]). */
function snapshot(
  threads: [number, [number, string, [SnapshotFrame[], number][]][]][],
  stacks: Record<number, SnapshotFrame[]> = {},
): TaskSnapshot {
  return {
    version: 1,
    pid: 1,
    takenAt: 0,
    threads: threads.map(([threadId, tasks]) => ({
      threadId,
      tasks: tasks.map(([id, name, awaitedBy]) => ({
        id,
        name,
        coroutineStack: stacks[id] ?? [],
        awaitedBy: awaitedBy.map(([callStack, taskId]) => ({ taskId, callStack })),
      })),
    })),
  };
}

const aexit = [frame("_aexit"), frame("__aexit__")];
const awaiterA = [
  frame("awaiter3", "/path/to/app.py", 130),
  frame("awaiter2", "/path/to/app.py", 120),
  frame("awaiter", "/path/to/app.py", 110),
];
const awaiterB = [
  frame("awaiterB3", "/path/to/app.py", 190),
  frame("awaiterB2", "/path/to/app.py", 180),
  frame("awaiterB", "/path/to/app.py", 170),
];
const bloch = [...aexit, frame("blocho_caller"), frame("bloch")];

describe("pstree and ps formats (test_tools.py)", () => {
  it("a timer awaited in two TaskGroup children of two roots: CPython's tree, line for line", () => {
    const input = snapshot([
      [
        1,
        [
          [2, "Task-1", []],
          [
            3,
            "timer",
            [
              [awaiterA, 4],
              [awaiterB, 5],
              [awaiterB, 6],
              [awaiterA, 7],
            ],
          ],
          [8, "root1", [[[...aexit, frame("main")], 2]]],
          [9, "root2", [[[...aexit, frame("main")], 2]]],
          [4, "child1_1", [[bloch, 8]]],
          [6, "child2_1", [[bloch, 8]]],
          [7, "child1_2", [[bloch, 9]]],
          [5, "child2_2", [[bloch, 9]]],
        ],
      ],
      [0, []],
    ]);
    assert.deepEqual(buildAsyncTree(input), [
      [
        "└── (T) Task-1",
        "    └──  main",
        "        └──  __aexit__",
        "            └──  _aexit",
        "                ├── (T) root1",
        "                │   └──  bloch",
        "                │       └──  blocho_caller",
        "                │           └──  __aexit__",
        "                │               └──  _aexit",
        "                │                   ├── (T) child1_1",
        "                │                   │   └──  awaiter /path/to/app.py:110",
        "                │                   │       └──  awaiter2 /path/to/app.py:120",
        "                │                   │           └──  awaiter3 /path/to/app.py:130",
        "                │                   │               └── (T) timer",
        "                │                   └── (T) child2_1",
        "                │                       └──  awaiterB /path/to/app.py:170",
        "                │                           └──  awaiterB2 /path/to/app.py:180",
        "                │                               └──  awaiterB3 /path/to/app.py:190",
        "                │                                   └── (T) timer",
        "                └── (T) root2",
        "                    └──  bloch",
        "                        └──  blocho_caller",
        "                            └──  __aexit__",
        "                                └──  _aexit",
        "                                    ├── (T) child1_2",
        "                                    │   └──  awaiter /path/to/app.py:110",
        "                                    │       └──  awaiter2 /path/to/app.py:120",
        "                                    │           └──  awaiter3 /path/to/app.py:130",
        "                                    │               └── (T) timer",
        "                                    └── (T) child2_2",
        "                                        └──  awaiterB /path/to/app.py:170",
        "                                            └──  awaiterB2 /path/to/app.py:180",
        "                                                └──  awaiterB3 /path/to/app.py:190",
        "                                                    └── (T) timer",
      ],
    ]);
  });

  it("two roots on two threads", () => {
    const input = snapshot([
      [
        9,
        [
          [5, "Task-5", []],
          [6, "Task-6", [[[frame("main2")], 5]]],
          [7, "Task-7", [[[frame("main2")], 5]]],
          [8, "Task-8", [[[frame("main2")], 5]]],
        ],
      ],
      [
        10,
        [
          [1, "Task-1", []],
          [2, "Task-2", [[[frame("main")], 1]]],
          [3, "Task-3", [[[frame("main")], 1]]],
          [4, "Task-4", [[[frame("main")], 1]]],
        ],
      ],
      [11, []],
      [0, []],
    ]);
    assert.deepEqual(buildAsyncTree(input), [
      [
        "└── (T) Task-5",
        "    └──  main2",
        "        ├── (T) Task-6",
        "        ├── (T) Task-7",
        "        └── (T) Task-8",
      ],
      [
        "└── (T) Task-1",
        "    └──  main",
        "        ├── (T) Task-2",
        "        ├── (T) Task-3",
        "        └── (T) Task-4",
      ],
    ]);
  });

  it("a task no one awaits shows its own stack; a cycle is CycleFoundError with each cycle closed", () => {
    const leaf = snapshot([[1, [[2, "lonely", []]]]], { 2: [frame("inner"), frame("outer")] });
    assert.deepEqual(buildAsyncTree(leaf), [["└── (T) lonely", "    └──  outer", "        └──  inner"]]);
    const cyclic = snapshot([
      [
        1,
        [
          [2, "a", [[[frame("f")], 3]]],
          [3, "b", [[[frame("g")], 2]]],
        ],
      ],
    ]);
    assert.throws(
      () => buildAsyncTree(cyclic),
      (e: unknown) => e instanceof CycleFoundError && JSON.stringify(e.cycles) === "[[3,2,3]]",
    );
  });

  it("ps: a row per task and awaiter, CPython's columns and widths", () => {
    const input = snapshot(
      [
        [
          1,
          [
            [2, "Task-1", []],
            [
              3,
              "timer",
              [
                [awaiterA, 2],
                [awaiterB, 9],
              ],
            ],
          ],
        ],
      ],
      { 2: [frame("main", "/app.py", 3)], 3: [frame("sleep"), frame("timer")] },
    );
    assert.deepEqual(buildTaskTable(input), [
      ["1", "0x2", "Task-1", "main", "", "", "0x0"],
      ["1", "0x3", "timer", "sleep -> timer", "awaiter3 -> awaiter2 -> awaiter", "Task-1", "0x2"],
      ["1", "0x3", "timer", "sleep -> timer", "awaiterB3 -> awaiterB2 -> awaiterB", "Unknown", "0x9"],
    ]);
    const lines = formatTaskTable(input).split("\n");
    assert.equal(
      lines[0],
      `${"tid".padEnd(10)} ${"task id".padEnd(20)} ${"task name".padEnd(20)} ${"coroutine stack".padEnd(50)} ` +
        `${"awaiter chain".padEnd(50)} ${"awaiter name".padEnd(15)} ${"awaiter id".padEnd(15)}`,
    );
    assert.equal(lines[1], "-".repeat(180));
    assert.equal(lines.length, 5);
  });
});

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) {
    // A child killed outright cannot remove its socket: remove it here, as a reused pid would.
    if (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL")) {
      if (child.pid !== undefined && existsSync(introspectionSocket(child.pid))) {
        unlinkSync(introspectionSocket(child.pid));
      }
    }
  }
});

/** A child running `source` with ASYNCIO_TS_INSPECT=1 (unless `inspect` is false), once it printed "ready". */
async function startChild(source: string, inspect = true): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  if (inspect) env.ASYNCIO_TS_INSPECT = "1";
  else delete env.ASYNCIO_TS_INSPECT;
  const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("ready\n")) resolve();
    });
    child.once("exit", (code) => {
      reject(new Error(`the child exited (${String(code)}) before it was ready: ${out}`));
    });
  });
  // The socket appears once the watchdog thread listens.
  const socket = introspectionSocket(child.pid);
  for (let i = 0; i < 100 && inspect && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
  return child;
}

const cli = (...args: string[]) =>
  runProgram(process.execPath, ["src/cli.ts", ...args], { timeoutMs: 20_000 });

const PROGRAM = `
import * as asyncio from "./src/index.ts";
async function leaf() { await asyncio.sleep(60); }
async function worker() { await asyncio.createTask(leaf, { name: "leaf" }); }
await asyncio.run(async function main() {
  await new asyncio.TaskGroup().with(async (tg) => {
    tg.createTask(worker, { name: "worker-1" });
    tg.createTask(worker, { name: "worker-2" });
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    console.log("ready");
  });
});
`;

describe("asyncio-ts ps and pstree on a live process", { timeout: 60_000 }, () => {
  it("reads the tasks of a running child: the table and the tree of who awaits whom", async () => {
    const child = await startChild(PROGRAM);
    const socket = introspectionSocket(child.pid);
    const mode = statSync(socket).mode & 0o777;
    assert.equal(mode, 0o600, "only the user may connect");
    assert.equal(statSync(socket).uid, process.getuid?.());

    const ps = await cli("ps", String(child.pid));
    assert.equal(ps.code, 0, ps.stderr);
    const rows = ps.stdout
      .trimEnd()
      .split("\n")
      .slice(2)
      .map((line) => line.trim().split(/\s{2,}|\s(?=0x)/));
    const byName = (name: string) => rows.filter((r) => r[2] === name || r.includes(name));
    assert.equal(rows.length, 5, ps.stdout);
    assert.ok(
      byName("worker-1").some((r) => r.includes("Task-1")),
      ps.stdout,
    );
    assert.ok(rows.filter((r) => r.includes("leaf")).length >= 2, ps.stdout);

    const tree = await cli("pstree", String(child.pid));
    assert.equal(tree.code, 0, tree.stderr);
    assert.equal(
      tree.stdout,
      [
        "└── (T) Task-1",
        "    └──  main",
        "        ├── (T) worker-1",
        "        │   └──  worker",
        "        │       └── (T) leaf",
        "        │           └──  leaf",
        "        └── (T) worker-2",
        "            └──  worker",
        "                └── (T) leaf",
        "                    └──  leaf",
        "",
      ].join("\n"),
    );
    // Ctrl-C: run() ends the program (KeyboardInterrupt) and the socket goes with it.
    child.kill("SIGINT");
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.once("exit", (c, s) => {
        resolve([c, s]);
      }),
    );
    assert.ok(code === 130 || signal === "SIGINT", `ended by ${String(code)} ${String(signal)}`);
    assert.equal(existsSync(socket), false, "the socket is removed when the process ends");
  });

  it("a blocked loop: the watchdog answers with the last snapshot and how long the loop is blocked", async () => {
    const child = await startChild(`
import * as asyncio from "./src/index.ts";
await asyncio.run(async function main() {
  asyncio.createTask(() => asyncio.sleep(60), { name: "sleeper" });
  await asyncio.sleep(1.3); // a snapshot a second
  console.log("ready");
  const end = Date.now() + 8000;
  while (Date.now() < end) {} // blocked
});
`);
    await new Promise((r) => setTimeout(r, 1500));
    const ps = await cli("ps", String(child.pid));
    assert.equal(ps.code, 0, ps.stderr);
    const [first] = ps.stdout.split("\n");
    assert.match(first ?? "", /^loop blocked for \d+\.\d s: the tasks as of the last snapshot it sent$/);
    const blocked = Number(/for (\d+\.\d) s/.exec(first ?? "")?.[1]);
    assert.ok(blocked >= 1, `blocked for ${String(blocked)} s`);
    assert.match(ps.stdout, /sleeper/);
    assert.match(ps.stdout, /Task-\d+ +main/);
  });

  it("a program that opted in still exits by itself, and removes its socket", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ASYNCIO_TS_INSPECT: "1" };
    delete env.NODE_OPTIONS;
    delete env.NODE_TEST_CONTEXT;
    const run = await runProgram(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import * as asyncio from "./src/index.ts"; await asyncio.run(() => asyncio.sleep(0.2)); console.log(process.pid);`,
      ],
      { timeoutMs: 20_000, env },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.equal(existsSync(introspectionSocket(Number(run.stdout.trim()))), false);
  });

  it("errors: bad arguments, no such process, not opted in — one line and a non-zero status", async () => {
    const usage = await cli("ps");
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr, "usage: asyncio-ts ps PID (a process that runs with ASYNCIO_TS_INSPECT=1)\n");
    assert.equal((await cli("pstree", "12x")).code, 2);

    const gone = await runProgram(process.execPath, ["-e", "console.log(process.pid)"], {
      timeoutMs: 10_000,
    });
    const noSuch = await cli("ps", gone.stdout.trim());
    assert.equal(noSuch.code, 1);
    assert.equal(noSuch.stderr, `asyncio-ts ps: no process with PID ${gone.stdout.trim()}\n`);

    const child = await startChild(`console.log("ready"); setTimeout(() => {}, 30000);`, false);
    const notIn = await cli("pstree", String(child.pid));
    assert.equal(notIn.code, 1);
    assert.equal(
      notIn.stderr,
      `asyncio-ts pstree: process ${String(child.pid)} does not answer asyncio-ts ps: start it with ASYNCIO_TS_INSPECT=1 or call enableIntrospection()\n`,
    );
  });

  for (const [what, answer, message] of [
    [
      "answers garbage",
      (c: import("node:net").Socket) => c.end("not json at all\n"),
      "answered something that is not a task snapshot",
    ],
    [
      "answers JSON that is not a snapshot",
      (c: import("node:net").Socket) => c.end('{"version":2}\n'),
      "answered something that is not a task snapshot",
    ],
    [
      "closes the connection mid-read",
      (c: import("node:net").Socket) => c.destroy(),
      "closed the connection before answering",
    ],
  ] as const) {
    it(`errors: a process that ${what}`, async () => {
      // This test process stands in for the target: a socket of its own, answering badly.
      const path = introspectionSocket(process.pid);
      if (existsSync(path)) unlinkSync(path);
      const server: Server = createServer((c) => {
        if (what.startsWith("closes")) c.write('{"version":1,"thr');
        answer(c);
      });
      await new Promise<void>((resolve) => server.listen(path, resolve));
      try {
        const run = await cli("ps", String(process.pid));
        assert.equal(run.code, 1);
        assert.equal(run.stderr, `asyncio-ts ps: process ${String(process.pid)} ${message}\n`);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  }
});

describe("enableIntrospection() in this process", () => {
  it("answers with this process's tasks; disableIntrospection() removes the socket", async () => {
    const asyncio = await import("../src/index.ts");
    assert.throws(() => asyncio.enableIntrospection({ interval: 0 }), {
      name: "TypeError",
      message: "interval must be a positive number of seconds, got 0",
    });
    const path = asyncio.enableIntrospection();
    try {
      assert.equal(asyncio.enableIntrospection(), path, "idempotent");
      // The watchdog thread listens once it has started.
      for (let i = 0; i < 100 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50));
      const { readSnapshot } = await import("../src/tools/ps.ts");
      const names = await asyncio.run(async () => {
        const sleeper = asyncio.createTask(() => asyncio.sleep(10), { name: "sleeper" });
        await asyncio.sleep(0);
        // The snapshot is taken by this (main) thread when the worker asks: let it run meanwhile.
        const snap = await readSnapshot(process.pid);
        sleeper.cancel();
        return snap.threads.flatMap((t) => t.tasks.map((task) => task.name));
      });
      assert.ok(names.includes("sleeper"), names.join(", "));
    } finally {
      asyncio.disableIntrospection();
    }
    assert.equal(existsSync(path), false);
  });
});
