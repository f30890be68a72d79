// The trace timeline (issue 11 item 3): src/trace.ts writes Chrome's trace-event format, and
// `asyncio-ts trace summary` reads it. Real programs (examples/ and test/fixtures/trace-program.ts)
// run in child processes with ASYNCIO_TS_TRACE, and their files are checked event by event.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import diagnosticsChannel from "node:diagnostics_channel";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as asyncio from "../src/index.ts";
import { kGetTracer } from "../src/internal/trace-hooks.ts";
import { traceLoop, type TraceEvent } from "../src/trace.ts";
import { ROOT } from "./helpers/conformance.ts";

const TMP = mkdtempSync(join(tmpdir(), "asyncio-ts-trace-"));
after(() => {
  rmSync(TMP, { recursive: true, force: true });
});

let fileCount = 0;
function tmpFile(name: string): string {
  return join(TMP, `${String(++fileCount)}-${name}`);
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `node args` (Node 24, this test's own) from the repository, with `env` added. */
function runNode(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<Ran> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) childEnv[k] = v;
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const FIXTURE = join(ROOT, "test", "fixtures", "trace-program.ts");
const CLI = join(ROOT, "src", "cli.ts");

function readTrace(file: string): { traceEvents: TraceEvent[]; otherData: Record<string, number> } {
  return JSON.parse(readFileSync(file, "utf8")) as {
    traceEvents: TraceEvent[];
    otherData: Record<string, number>;
  };
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const ID = /^0x[0-9a-f]+$/;

/**
 * Check a trace event by event: each has the fields its phase needs, slices have non-negative
 * durations, every flow start has its end (inside a step of the right track), every track used is
 * named, a task's steps do not overlap and lie inside its lifetime. Returns the events by kind.
 */
function validate(events: readonly TraceEvent[]): {
  steps: TraceEvent[];
  lives: TraceEvent[];
  callbacks: TraceEvent[];
  flows: Map<number, { s?: TraceEvent; f?: TraceEvent }>;
  marks: TraceEvent[];
  names: Map<number, string>;
} {
  const names = new Map<number, string>();
  const steps: TraceEvent[] = [];
  const lives: TraceEvent[] = [];
  const callbacks: TraceEvent[] = [];
  const marks: TraceEvent[] = [];
  const flows = new Map<number, { s?: TraceEvent; f?: TraceEvent }>();
  const pids = new Set<number>();
  let seenOther = false;
  for (const [i, e] of events.entries()) {
    const at = `event ${String(i)} ${JSON.stringify(e)}`;
    assert.equal(typeof e.name, "string", at);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid) && e.tid >= 0, at);
    pids.add(e.pid);
    if (e.ph === "M") {
      assert.ok(!seenOther, `metadata comes first: ${at}`);
      assert.ok(["process_name", "thread_name", "thread_sort_index"].includes(e.name), at);
      assert.equal(typeof e.args, "object", at);
      if (e.name === "thread_name") {
        assert.ok(typeof e.args?.name === "string" && e.args.name !== "", at);
        assert.ok(!names.has(e.tid), `one name per track: ${at}`);
        names.set(e.tid, e.args.name);
      }
      if (e.name === "process_name") assert.match(String(e.args?.name), /^asyncio-ts /, at);
      continue;
    }
    seenOther = true;
    assert.ok(isNum(e.ts) && e.ts >= 0, at);
    switch (e.ph) {
      case "X": {
        assert.ok(isNum(e.dur) && e.dur >= 0, `non-negative dur: ${at}`);
        const args = e.args ?? {};
        if (e.cat === "step" || e.cat === "task") {
          assert.equal(typeof args.task, "string", at);
          assert.match(String(args.id), ID, at);
          if (args.parent !== undefined) assert.match(String(args.parentId), ID, at);
          if (e.cat === "step") {
            assert.ok(Number.isInteger(args.step) && (args.step as number) >= 1, at);
            steps.push(e);
          } else {
            assert.ok(["pending", "result", "cancelled", "exception"].includes(String(args.outcome)), at);
            assert.equal(e.name, args.task, at);
            lives.push(e);
          }
          if (args.outcome === "exception") assert.equal(typeof args.exception, "string", at);
        } else {
          assert.equal(e.cat, "callback", at);
          assert.equal(args.slow, true, at);
          callbacks.push(e);
        }
        break;
      }
      case "s":
      case "f": {
        assert.ok(Number.isInteger(e.id), at);
        assert.equal(e.cat, "await", at);
        assert.equal(e.name, "awaited by", at);
        if (e.ph === "f") assert.equal(e.bp, "e", at);
        const pair = flows.get(e.id as number) ?? {};
        assert.equal(pair[e.ph], undefined, `one ${e.ph} per id: ${at}`);
        pair[e.ph] = e;
        flows.set(e.id as number, pair);
        break;
      }
      case "i":
        assert.equal(e.s, "t", at);
        assert.equal(e.cat, "slow", at);
        marks.push(e);
        break;
      default:
        assert.fail(`unexpected phase: ${at}`);
    }
  }
  assert.equal(pids.size, 1, "one process");
  for (const e of events) if (e.ph !== "M") assert.ok(names.has(e.tid), `track ${String(e.tid)} has a name`);
  const inStep = (e: TraceEvent): boolean =>
    steps.some(
      (s) => s.tid === e.tid && (s.ts ?? 0) <= (e.ts ?? 0) && (e.ts ?? 0) <= (s.ts ?? 0) + (s.dur ?? 0),
    );
  for (const [id, pair] of flows) {
    assert.ok(pair.s !== undefined && pair.f !== undefined, `flow ${String(id)} has both ends`);
    assert.ok(inStep(pair.s) && inStep(pair.f), `flow ${String(id)} binds to steps`);
    assert.notEqual(pair.s.tid, pair.f.tid, `flow ${String(id)} goes from one task to another`);
    assert.ok((pair.s.ts ?? 0) < (pair.f.ts ?? 0), `flow ${String(id)} goes forward in time`);
  }
  for (const m of marks) assert.ok(names.has(m.tid), "marks sit on a named track");
  // A task's steps follow one another, inside its lifetime.
  const byTid = Map.groupBy(steps, (s) => s.tid);
  for (const [tid, list] of byTid) {
    const sorted = list.toSorted((a, b) => (a.ts ?? 0) - (b.ts ?? 0));
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1] as TraceEvent;
      assert.ok(
        (prev.ts ?? 0) + (prev.dur ?? 0) <= ((sorted[i] as TraceEvent).ts ?? 0),
        `steps overlap on ${String(tid)}`,
      );
    }
    const life = lives.find((l) => l.tid === tid);
    if (life === undefined) continue;
    for (const s of list) {
      assert.ok((life.ts ?? 0) <= (s.ts ?? 0), `step before its task's creation on ${String(tid)}`);
      assert.ok(
        (s.ts ?? 0) + (s.dur ?? 0) <= (life.ts ?? 0) + (life.dur ?? 0) + 0.002,
        `step after its end on ${String(tid)}`,
      );
    }
  }
  return { steps, lives, callbacks, flows, marks, names };
}

describe("trace timeline: ASYNCIO_TS_TRACE on real programs", () => {
  const EXAMPLES = [
    "gather",
    "task_group",
    "wait_and_as_completed",
    "producer_consumer",
    "cancellation",
    "sync_primitives",
  ];

  it("the examples' traces validate event by event", async () => {
    const runs = await Promise.all(
      EXAMPLES.map(async (name) => {
        const file = tmpFile(`${name}.json`);
        const ran = await runNode([join("examples", `${name}.ts`)], { ASYNCIO_TS_TRACE: file });
        return { name, file, ran };
      }),
    );
    for (const { name, file, ran } of runs) {
      assert.equal(ran.code, 0, `${name}: ${ran.stderr}`);
      const trace = readTrace(file);
      const { steps, lives, flows, names } = validate(trace.traceEvents);
      assert.ok(steps.length >= 3, `${name}: steps`);
      assert.ok(flows.size >= 1, `${name}: awaited-by flows`);
      // Every task ended by the time run() closed the loop, and each has its track.
      for (const life of lives) assert.notEqual(life.args?.outcome, "pending", name);
      for (const s of steps) assert.equal(names.get(s.tid), s.args?.task, name);
      assert.equal(trace.otherData.dropped, 0, name);
    }
  });

  it("a known program: parents, outcomes, exceptions, cancellation, slow steps and callbacks, flows", async () => {
    const file = tmpFile("known.json");
    const ran = await runNode([FIXTURE, "env"], { ASYNCIO_TS_TRACE: file });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, "[ 3, 5 ]\ncaught TypeError\ncancelled\ndone\n");
    const { steps, lives, callbacks, flows, marks, names } = validate(readTrace(file).traceEvents);
    const life = (task: string): TraceEvent => {
      const found = lives.find((l) => l.args?.task === task);
      assert.ok(found, `lifetime of ${task}`);
      return found;
    };
    const main = life("Task-1");
    assert.equal(main.args?.coro, "main()");
    assert.equal(main.args.parent, undefined);
    for (const name of ["worker-1", "worker-2", "failing", "sleeper", "slow", "tg-worker"]) {
      assert.equal(life(name).args?.parent, "Task-1", name);
      assert.equal(life(name).args?.parentId, main.args.id, name);
    }
    assert.equal(life("worker-1").args?.outcome, "result");
    assert.equal(life("worker-1").args?.steps, 4); // three sleep(0) and the return
    assert.equal(life("worker-2").args?.steps, 6);
    assert.equal(life("failing").args?.outcome, "exception");
    assert.equal(life("failing").args?.exception, "TypeError('boom')");
    assert.equal(life("sleeper").args?.outcome, "cancelled");
    const finalOf = (task: string): TraceEvent | undefined =>
      steps.find((s) => s.args?.task === task && s.args.outcome !== undefined);
    assert.equal(finalOf("failing")?.args?.exception, "TypeError('boom')");
    assert.equal(finalOf("sleeper")?.args?.outcome, "cancelled");
    // A step is marked slow exactly when it took slowCallbackDuration (25 ms) or more: the 40 ms
    // step of "slow" is; the others are (unless the machine stalled the process that long).
    for (const s of steps) assert.equal(s.args?.slow === true, (s.dur ?? 0) >= 25_000, JSON.stringify(s));
    const slowStep = steps.find((s) => s.args?.task === "slow" && s.args.step === 2);
    assert.equal(slowStep?.args?.slow, true);
    assert.ok((slowStep.dur ?? 0) >= 40_000);
    // Plain callbacks are recorded only when slow: the blocking one is, on the loop's track.
    const blocking = callbacks.find((c) => c.name === "<Handle blocking()>");
    assert.ok(blocking !== undefined && (blocking.dur ?? 0) >= 40_000);
    assert.equal(names.get(blocking.tid), "event loop");
    for (const c of callbacks) assert.ok((c.dur ?? 0) >= 25_000);
    // One mark per slow step or callback, on its track, at its start.
    const slowOnes = [...steps.filter((s) => s.args?.slow === true), ...callbacks];
    assert.equal(marks.length, slowOnes.length);
    for (const m of marks) {
      assert.ok(slowOnes.some((s) => s.tid === m.tid && s.ts === m.ts));
      assert.equal(m.name, m.tid === blocking.tid ? "slow callback" : "slow step");
    }
    // Awaited-by: main -> each task it waited for (gather, a direct await, the TaskGroup).
    const edges = [...flows.values()]
      .map(({ s, f }) => `${names.get(s?.tid ?? -1) ?? "?"} -> ${names.get(f?.tid ?? -1) ?? "?"}`)
      .sort();
    assert.deepEqual(edges, [
      "Task-1 -> failing",
      "Task-1 -> sleeper",
      "Task-1 -> slow",
      "Task-1 -> tg-worker",
      "Task-1 -> worker-1",
      "Task-1 -> worker-2",
    ]);
  });

  it("run(main, { trace }) writes the file when the loop closes", async () => {
    const file = tmpFile("run.json");
    const ran = await runNode([FIXTURE, "run", file], { ASYNCIO_TS_TRACE: undefined });
    assert.equal(ran.code, 0, ran.stderr);
    const { lives } = validate(readTrace(file).traceEvents);
    assert.ok(lives.some((l) => l.args?.task === "tg-worker"));
  });

  it("process.exit() mid-run: the file is written at exit, with the pending tasks' lifetimes", async () => {
    const file = tmpFile("exit.json");
    const ran = await runNode([FIXTURE, "exit"], { ASYNCIO_TS_TRACE: file });
    assert.equal(ran.code, 0, ran.stderr);
    assert.doesNotMatch(ran.stdout, /done/);
    const { lives } = validate(readTrace(file).traceEvents);
    const pending = lives.filter((l) => l.args?.outcome === "pending").map((l) => l.args?.task);
    assert.deepEqual(pending.sort(), ["Task-1", "left-pending"]);
  });

  it("SIGTERM: the process ends by the signal and the trace is written first", async () => {
    const file = tmpFile("sigterm.json");
    const child = spawn(process.execPath, [FIXTURE, "wait"], {
      cwd: ROOT,
      env: { ...process.env, ASYNCIO_TS_TRACE: file },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const ended = once(child, "exit");
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    try {
      let stdout = "";
      for await (const chunk of child.stdout) {
        stdout += (chunk as Buffer).toString();
        if (stdout.includes("ready\n")) break;
      }
      child.kill("SIGTERM");
      const [code, signal] = (await ended) as [number | null, NodeJS.Signals | null];
      assert.equal(signal, "SIGTERM", `code ${String(code)}: ${stderr}`);
    } finally {
      clearTimeout(timer);
    }
    const { lives } = validate(readTrace(file).traceEvents);
    const pending = lives.filter((l) => l.args?.outcome === "pending").map((l) => l.args?.task);
    assert.deepEqual(pending.sort(), ["Task-1", "waiting"]);
  });

  it("the ring keeps at most maxEvents records and leaves no flow without its ends", async () => {
    const file = tmpFile("ring.json");
    const ran = await runNode([FIXTURE, "many", "500"], {
      ASYNCIO_TS_TRACE: file,
      ASYNCIO_TS_TRACE_MAX_EVENTS: "40",
    });
    assert.equal(ran.code, 0, ran.stderr);
    const trace = readTrace(file);
    const { steps, lives, callbacks, flows } = validate(trace.traceEvents);
    assert.ok(steps.length + lives.length + callbacks.length + flows.size <= 40);
    assert.equal(trace.otherData.maxEvents, 40);
    assert.ok((trace.otherData.dropped ?? 0) > 450, JSON.stringify(trace.otherData));
    // The newest are kept: the last step of the 500-step task.
    assert.ok(steps.some((s) => s.args?.task === "many" && s.args.step === 501));
  });

  it("a flow whose awaiting step was dropped is dropped with it", async () => {
    // main's first step (record 0) creates three one-step tasks (records 1-6: a step and a
    // lifetime each) and B, and awaits B: B's first step is record 7, its flow from record 0 is
    // record 8. From inside B's second step, a ring of 9 still holds record 0, a ring of 8 not.
    const seen: number[] = [];
    for (const maxEvents of [9, 8]) {
      const loop = asyncio.newEventLoop();
      const session = traceLoop(loop, { file: tmpFile(`flow-${String(maxEvents)}.json`), maxEvents });
      await loop.runUntilComplete(async () => {
        for (let i = 0; i < 3; i++) asyncio.createTask(async () => undefined);
        await asyncio.createTask(async () => {
          await asyncio.sleep(0);
          const events = session.events();
          seen.push(events.filter((e) => e.ph === "s" || e.ph === "f").length);
          validate(events);
        });
      });
      loop.close();
    }
    assert.deepEqual(seen, [2, 0]);
  });
});

describe("trace timeline: on and off", () => {
  it("off: a loop made without ASYNCIO_TS_TRACE records nothing and installs nothing", async () => {
    assert.equal(process.env.ASYNCIO_TS_TRACE, undefined);
    const exitListeners = process.listenerCount("exit");
    let hooks: unknown = "unset";
    await asyncio.run(async () => {
      await asyncio.gather(asyncio.sleep(0), asyncio.sleep(0));
      hooks = asyncio.getRunningLoop()[kGetTracer]();
      assert.equal(diagnosticsChannel.hasSubscribers("asyncio-ts:task:create"), false);
      assert.equal(diagnosticsChannel.hasSubscribers("asyncio-ts:task:done"), false);
    });
    assert.equal(hooks, null);
    assert.equal(process.listenerCount("exit"), exitListeners);
  });

  it("a file that cannot be written: one line on stderr, the program goes on", async () => {
    const file = join(TMP, "no-such-dir", "trace.json");
    const ran = await runNode([FIXTURE, "env"], { ASYNCIO_TS_TRACE: file });
    assert.equal(ran.code, 0);
    assert.equal(ran.stdout, "[ 3, 5 ]\ncaught TypeError\ncancelled\ndone\n");
    assert.match(
      ran.stderr,
      /^asyncio-ts: cannot write the trace to \S+no-such-dir\/trace\.json: ENOENT[^\n]*\n$/,
    );
  });

  it("eager tasks: the first step runs inside its creator's and is not a slice; the rest are", async () => {
    const loop = asyncio.newEventLoop();
    loop.setTaskFactory(asyncio.eagerTaskFactory);
    const session = traceLoop(loop, { file: tmpFile("eager.json"), maxEvents: 1000 });
    await loop.runUntilComplete(async () => {
      await asyncio.createTask(
        async () => {
          await asyncio.sleep(0);
          await asyncio.sleep(0);
        },
        { name: "eager" },
      );
      await asyncio.createTask(async () => "at once", { name: "done-at-once" });
    });
    const { steps, lives } = validate(session.events());
    loop.close();
    assert.deepEqual(
      steps.filter((s) => s.args?.task === "eager").map((s) => s.args?.step),
      [1, 2],
    );
    const eager = lives.find((l) => l.args?.task === "eager");
    assert.equal(eager?.args?.outcome, "result");
    assert.equal(eager.args.steps, 2);
    const atOnce = lives.find((l) => l.args?.task === "done-at-once");
    assert.equal(atOnce?.args?.outcome, "result");
    assert.equal(atOnce.args.steps, 0);
  });

  it("off in a child: no file appears", async () => {
    const dir = mkdtempSync(join(TMP, "off-"));
    const ran = await runNode([FIXTURE, "env"], { ASYNCIO_TS_TRACE: undefined }, dir);
    assert.equal(ran.code, 0, ran.stderr);
    assert.deepEqual(readdirSync(dir), []);
  });

  it("run(main, { trace }) in this process: the file is written, and nothing stays installed", async () => {
    const file = tmpFile("inproc.json");
    const exitListeners = process.listenerCount("exit");
    let loop: asyncio.BaseEventLoop | null = null;
    const result = await asyncio.run(
      async () => {
        loop = asyncio.getRunningLoop();
        assert.notEqual(loop[kGetTracer](), null);
        assert.equal(diagnosticsChannel.hasSubscribers("asyncio-ts:task:create"), true);
        await asyncio.createTask(async () => asyncio.sleep(0), { name: "child" });
        return 42;
      },
      { trace: { file, maxEvents: 1000 } },
    );
    assert.equal(result, 42);
    const { lives } = validate(readTrace(file).traceEvents);
    assert.ok(lives.some((l) => l.args?.task === "child" && typeof l.args.parent === "string"));
    assert.equal((loop as unknown as asyncio.BaseEventLoop)[kGetTracer](), null);
    assert.equal(diagnosticsChannel.hasSubscribers("asyncio-ts:task:create"), false);
    assert.equal(process.listenerCount("exit"), exitListeners);
  });

  it("run()'s trace option is checked", async () => {
    const main = (): Promise<void> => Promise.resolve();
    await assert.rejects(asyncio.run(main, { trace: "" }), {
      name: "TypeError",
      message: "trace must name a file, got ''",
    });
    await assert.rejects(asyncio.run(main, { trace: { file: "x.json", maxEvents: 0 } }), {
      name: "RangeError",
      message: "trace.maxEvents must be a positive integer, got 0",
    });
    await assert.rejects(asyncio.run(main, { trace: 3 as unknown as string }), {
      name: "TypeError",
      message: "trace must be a file name or { file, maxEvents }, got 3",
    });
  });
});

describe("asyncio-ts trace summary", () => {
  // Two tasks, times in microseconds; main's lifetime starts the timeline at 900.
  const KNOWN = {
    traceEvents: [
      { name: "thread_name", ph: "M", pid: 7, tid: 2, args: { name: "main" } },
      { name: "thread_name", ph: "M", pid: 7, tid: 3, args: { name: "worker" } },
      {
        name: "main",
        cat: "task",
        ph: "X",
        pid: 7,
        tid: 2,
        ts: 900,
        dur: 4400,
        args: { task: "main", id: "0x1" },
      },
      {
        name: "m()",
        cat: "step",
        ph: "X",
        pid: 7,
        tid: 2,
        ts: 1000,
        dur: 500,
        args: { task: "main", id: "0x1", step: 1 },
      },
      {
        name: "w()",
        cat: "step",
        ph: "X",
        pid: 7,
        tid: 3,
        ts: 2000,
        dur: 1500,
        args: { task: "worker", id: "0x2", step: 1, slow: true },
      },
      {
        name: "w()",
        cat: "step",
        ph: "X",
        pid: 7,
        tid: 3,
        ts: 4000,
        dur: 100,
        args: { task: "worker", id: "0x2", step: 2, outcome: "exception", exception: "ValueError('x')" },
      },
      {
        name: "m()",
        cat: "step",
        ph: "X",
        pid: 7,
        tid: 2,
        ts: 5000,
        dur: 250,
        args: { task: "main", id: "0x1", step: 2, outcome: "result" },
      },
    ],
  };

  it("prints the busiest tasks, the longest steps and the longest waits as aligned tables", async () => {
    const file = tmpFile("known-summary.json");
    writeFileSync(file, JSON.stringify(KNOWN));
    const ran = await runNode([CLI, "trace", "summary", file]);
    assert.equal(ran.stderr, "");
    assert.equal(ran.code, 0);
    assert.equal(
      ran.stdout,
      [
        `${file}: 4 steps of 2 tasks over 4.350 ms (1 slow)`,
        "",
        "Busiest tasks (total step time)",
        "  task    id   steps  total ms  mean ms  max ms",
        "  worker  0x2      2     1.600    0.800   1.500",
        "  main    0x1      2     0.750    0.375   0.500",
        "",
        "Longest steps",
        "  task    id   step  at ms  duration ms  note",
        "  worker  0x2     1  1.100        1.500  slow",
        "  main    0x1     1  0.100        0.500",
        "  main    0x1     2  4.100        0.250",
        "  worker  0x2     2  3.100        0.100  exception, ValueError('x')",
        "",
        "Longest waits (between a task's steps)",
        "  task    id   after step  from ms  wait ms",
        "  main    0x1           1    0.600    3.500",
        "  worker  0x2           1    2.600    0.500",
        "",
      ].join("\n"),
    );
  });

  it("--top N keeps N rows per table; a real trace summarizes too", async () => {
    const file = tmpFile("top.json");
    writeFileSync(file, JSON.stringify(KNOWN));
    const traced = tmpFile("traced.json");
    const program = await runNode([FIXTURE, "env"], { ASYNCIO_TS_TRACE: traced });
    assert.equal(program.code, 0, program.stderr);
    const [top, real] = await Promise.all([
      runNode([CLI, "trace", "summary", file, "--top", "1"]),
      runNode([CLI, "trace", "summary", traced]),
    ]);
    assert.equal(top.code, 0, top.stderr);
    const topRows = top.stdout.split("\n").filter((l) => /^ {2}(main|worker) /.test(l));
    assert.equal(topRows.length, 3);
    assert.equal(real.code, 0, real.stderr);
    // Longest first; the 40 ms step of the task named "slow" among them, marked slow.
    const table = (real.stdout.split("Longest steps\n")[1] ?? "").split("\n\n")[0] ?? "";
    const rows = table.split("\n").slice(1);
    assert.equal(rows.length, 10);
    const durations = rows.map((r) => Number(r.trim().split(/ +/)[4]));
    assert.deepEqual(
      durations,
      durations.toSorted((a, b) => b - a),
    );
    assert.ok(
      rows.some((r) => /^ {2}slow +0x[0-9a-f]+ +2 +\d+\.\d{3} +(4\d|[5-9]\d|\d{3,})\.\d{3} +slow$/.test(r)),
      table,
    );
  });

  it("bad input: one line on stderr, status 1", async () => {
    const notJson = tmpFile("not.json");
    writeFileSync(notJson, "{ nope");
    const notTrace = tmpFile("not-trace.json");
    writeFileSync(notTrace, JSON.stringify({ events: [] }));
    const missing = join(TMP, "missing.json");
    const cases: [string[], RegExp][] = [
      [
        ["summary"],
        /^asyncio-ts trace: no file given \(usage: asyncio-ts trace summary FILE \[--top N\]\)\n$/,
      ],
      [[], /^asyncio-ts trace: no subcommand \(usage: .*\)\n$/],
      [["summary", missing], /^asyncio-ts trace: .*missing\.json: no such file\n$/],
      [["summary", notJson], /^asyncio-ts trace: .*not\.json: not JSON \(.*\)\n$/],
      [
        ["summary", notTrace],
        /^asyncio-ts trace: .*not-trace\.json: not a trace \(no traceEvents array\)\n$/,
      ],
      [["summary", TMP], /^asyncio-ts trace: .*: is a directory\n$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runNode([CLI, "trace", ...args])));
    for (const [i, ran] of results.entries()) {
      const [args, pattern] = cases[i] as [string[], RegExp];
      assert.equal(ran.code, 1, args.join(" "));
      assert.equal(ran.stdout, "", args.join(" "));
      assert.match(ran.stderr, pattern);
    }
  });
});
