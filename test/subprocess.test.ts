// Ports, by behaviour, CPython 3.13 Lib/test/test_asyncio/test_subprocess.py (SubprocessMixin:
// test_stdin_stdout, test_communicate, test_communicate_none_input, test_shell, test_kill,
// test_terminate, test_send_signal, test_cancel_process_wait, test_communicate_ignore_broken_pipe,
// test_create_subprocess_exec_text_mode_fails, test_create_subprocess_shell_text_mode_fails,
// test_devnull_*, test_subprocess_exec_invalid_args) on real children: `node -e` scripts and
// /bin/sh. Every body runs under a 20 s timeout and kills its children in t.after().
// The subprocess names are imported from src/subprocess.ts until src/index.ts re-exports them.
import { describe, it, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { setTimeout as delay } from "node:timers/promises";
import * as asyncio from "../src/index.ts";
import {
  createSubprocessExec,
  createSubprocessShell,
  DEVNULL,
  PIPE,
  STDOUT,
  type Process,
  type SubprocessOptions,
} from "../src/subprocess.ts";
import { assertCancelled } from "./helpers/index.ts";

const NODE = process.execPath;
const execFileAsync = promisify(execFile);
const FOREVER = "setInterval(() => {}, 1000)";

interface Spawner {
  node(script: string, options?: SubprocessOptions): Promise<Process>;
  shell(cmd: string, options?: SubprocessOptions): Promise<Process>;
  exec(program: string, ...args: [...string[], SubprocessOptions] | string[]): Promise<Process>;
}

/** Runs `body` on a real loop under a timeout; every child it starts is killed in t.after(). */
function run(t: TestContext, body: (spawn: Spawner) => Promise<void>): Promise<void> {
  const procs: Process[] = [];
  t.after(() => {
    for (const p of procs) {
      try {
        p.kill();
      } catch {
        // Already finished.
      }
    }
  });
  const keep = async (p: Promise<Process>): Promise<Process> => {
    const proc = await p;
    procs.push(proc);
    return proc;
  };
  const spawner: Spawner = {
    node: (script, options = {}) => keep(createSubprocessExec(NODE, "-e", script, options)),
    shell: (cmd, options) => keep(createSubprocessShell(cmd, options)),
    exec: (program, ...args) => keep(createSubprocessExec(program, ...args)),
  };
  return asyncio.run(() => asyncio.timeout(20).with(() => body(spawner)));
}

/** A string as a RegExp source that matches it literally. */
function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function b(s: string): Buffer {
  return Buffer.from(s, "utf8");
}

describe("subprocess", () => {
  it("stdin stdout (communicate echoes the input)", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.stdin.pipe(process.stdout)", { stdin: PIPE, stdout: PIPE });
      assert.equal(proc.returncode, null);
      assert.ok(proc.pid > 0);
      assert.equal(String(proc), `<Process ${proc.pid}>`);
      const [out, err] = await proc.communicate(b("hello\nworld"));
      assert.deepEqual(out, b("hello\nworld"));
      assert.equal(err, null);
      assert.equal(proc.returncode, 0);
    }));

  it("stdin writer: write, drain, close, waitClosed; stdout readline", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.stdin.pipe(process.stdout)", { stdin: PIPE, stdout: PIPE });
      const stdin = proc.stdin;
      const stdout = proc.stdout;
      assert.ok(stdin !== null && stdout !== null);
      assert.equal(proc.stderr, null);
      stdin.write(b("line1\n"));
      await stdin.drain();
      assert.deepEqual(await stdout.readline(), b("line1\n"));
      stdin.write(b("line2\n"));
      assert.equal(stdin.isClosing(), false);
      stdin.close();
      assert.equal(stdin.isClosing(), true);
      await stdin.waitClosed();
      assert.deepEqual(await stdout.readline(), b("line2\n"));
      assert.deepEqual(await stdout.read(), b(""));
      assert.equal(await proc.wait(), 0);
    }));

  it("communicate none input", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.stdout.write('out'); process.stderr.write('err')", {
        stdout: PIPE,
        stderr: PIPE,
      });
      assert.deepEqual(await proc.communicate(), [b("out"), b("err")]);
      assert.equal(proc.returncode, 0);
    }));

  it("communicate: 50 MB of stdout and stderr output, no deadlock", (t) =>
    run(t, async (spawn) => {
      const script = `
        const chunk = Buffer.alloc(1 << 20, 120);
        let n = 50;
        process.stderr.write('x'.repeat(1 << 20));
        (function write() {
          while (n > 0) { n--; if (!process.stdout.write(chunk)) return process.stdout.once('drain', write); }
        })();`;
      const proc = await spawn.node(script, { stdin: PIPE, stdout: PIPE, stderr: PIPE, limit: 2 ** 16 });
      const [out, err] = await proc.communicate(Buffer.alloc(4 << 20));
      assert.ok(out !== null && err !== null);
      assert.equal(out.length, 50 * 2 ** 20);
      assert.equal(err.length, 2 ** 20);
      assert.equal(out.indexOf(0), -1);
      assert.equal(proc.returncode, 0);
    }));

  it("stderr=STDOUT merges stderr into stdout", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.stdout.write('out\\n'); process.stderr.write('err\\n')", {
        stdout: PIPE,
        stderr: STDOUT,
      });
      assert.equal(proc.stderr, null);
      const [out, err] = await proc.communicate();
      assert.ok(out !== null);
      assert.deepEqual(out.toString().split("\n").sort(), ["", "err", "out"]);
      assert.equal(err, null);
    }));

  it("stderr=STDOUT in a shell, and STDOUT refused for stdout", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.shell("echo a; echo b 1>&2; echo c", { stdout: PIPE, stderr: STDOUT });
      const [out] = await proc.communicate();
      assert.deepEqual(out?.toString().split("\n").sort(), ["", "a", "b", "c"]);
      await assert.rejects(createSubprocessShell("true", { stdout: STDOUT }), {
        name: "RangeError",
        message: /^STDOUT can only be used for stderr, not stdout$/,
      });
    }));

  it("devnull input, output and error", (t) =>
    run(t, async (spawn) => {
      const reader = await spawn.node(
        "let n = 0; process.stdin.on('data', (d) => { n += d.length; }).on('end', () => process.stdout.write('eof ' + n))",
        { stdin: DEVNULL, stdout: PIPE },
      );
      assert.equal(reader.stdin, null);
      assert.deepEqual(await reader.communicate(), [b("eof 0"), null]);

      const writer = await spawn.node("process.stdout.write('out'); process.stderr.write('err')", {
        stdout: DEVNULL,
        stderr: DEVNULL,
      });
      assert.deepEqual(await writer.communicate(), [null, null]);
      assert.equal(writer.returncode, 0);
    }));

  it("returncode of exit(3)", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.exit(3)");
      assert.equal(proc.returncode, null);
      assert.equal(await proc.wait(), 3);
      assert.equal(proc.returncode, 3);
      assert.equal(await proc.wait(), 3);
    }));

  it("kill: returncode -9", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node(FOREVER);
      proc.kill();
      assert.equal(await proc.wait(), -9);
      assert.equal(proc.returncode, -9);
      assert.throws(
        () => {
          proc.kill();
        },
        { code: "ESRCH", message: /^no such process$/ },
      );
    }));

  it("terminate: returncode -15", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node(FOREVER);
      proc.terminate();
      assert.equal(await proc.wait(), -15);
    }));

  it("send signal (SIGHUP by name and by number)", (t) =>
    run(t, async (spawn) => {
      const byName = await spawn.node(FOREVER);
      byName.sendSignal("SIGHUP");
      assert.equal(await byName.wait(), -1);
      const byNumber = await spawn.node(FOREVER);
      byNumber.sendSignal(2);
      assert.equal(await byNumber.wait(), -2);
    }));

  it("cancel process wait: the child keeps running", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node(FOREVER, { stdin: PIPE, stdout: PIPE });
      const waiter = asyncio.createTask(() => proc.wait());
      await asyncio.sleep(0);
      waiter.cancel();
      await assertCancelled(waiter);
      assert.equal(proc.returncode, null);
      // Signal 0 only checks that the process exists.
      assert.equal(process.kill(proc.pid, 0), true);
      proc.kill();
      assert.equal(await proc.wait(), -9);
    }));

  it("ENOENT program rejects with Node's spawn error", (t) =>
    run(t, async (spawn) => {
      await assert.rejects(spawn.exec("/nonexistent/asyncio-ts-program", "arg"), {
        code: "ENOENT",
        errno: -2,
        syscall: "spawn /nonexistent/asyncio-ts-program",
      });
    }));

  it("shell with a pipe in the command", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.shell("echo hello | tr a-z A-Z; exit 7", { stdout: PIPE });
      assert.deepEqual(await proc.communicate(), [b("HELLO\n"), null]);
      assert.equal(proc.returncode, 7);
    }));

  it("exec of /bin/sh with cwd and env", (t) =>
    run(t, async (spawn) => {
      const dir = realpathSync(tmpdir());
      const proc = await spawn.exec("/bin/sh", "-c", 'pwd; echo "$FOO"; echo "$HOME"', {
        stdout: PIPE,
        cwd: dir,
        env: { FOO: "bar baz" },
      });
      const [out] = await proc.communicate();
      assert.deepEqual(out?.toString(), `${dir}\nbar baz\n\n`);
    }));

  it("communicate ignore broken pipe (the child exits without reading)", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.exit(0)", { stdin: PIPE, stdout: PIPE });
      assert.equal(await proc.wait(), 0);
      const [out, err] = await proc.communicate(Buffer.alloc(4 << 20));
      assert.deepEqual(out, b(""));
      assert.equal(err, null);
      assert.equal(proc.returncode, 0);
    }));

  it("stdin broken pipe: drain raises EPIPE", (t) =>
    run(t, async (spawn) => {
      const proc = await spawn.node("process.exit(0)", { stdin: PIPE });
      await proc.wait();
      const stdin = proc.stdin;
      assert.ok(stdin !== null);
      stdin.write(Buffer.alloc(4 << 20));
      await assert.rejects(stdin.drain(), (e: unknown) => {
        assert.ok(["EPIPE", "ECONNRESET"].includes((e as { code: string }).code));
        return true;
      });
      // Writes after the break are dropped, as asyncio's pipe transport does.
      stdin.write(b("more"));
      stdin.close();
    }));

  it("create subprocess exec text mode fails", (t) =>
    run(t, async () => {
      const cases: [SubprocessOptions, string][] = [
        [{ text: true }, "text must be False"],
        [{ encoding: "utf-8" }, "encoding must be None"],
        [{ errors: "strict" }, "errors must be None"],
        [{ universalNewlines: true }, "universal_newlines must be False"],
        [{ bufsize: 4096 }, "bufsize must be 0"],
        [{ shell: true }, "shell must be False"],
      ];
      for (const [options, message] of cases) {
        await assert.rejects(createSubprocessExec(NODE, "-e", "", options), {
          name: "RangeError",
          message: new RegExp(`^${message}$`),
        });
      }
    }));

  it("subprocess exec invalid args: a TypeError that says what to pass", (t) =>
    run(t, async (spawn) => {
      const exec = createSubprocessExec as unknown as (...args: unknown[]) => Promise<Process>;
      const cases: [unknown[], string][] = [
        [["echo", null], "createSubprocessExec() args must be strings, got null (argument 2)"],
        [["echo", "a", 1, {}], "createSubprocessExec() args must be strings, got number (argument 3)"],
        // Node's spawn(file, [args]) shape: the array is not taken for options.
        [["echo", ["a"]], "createSubprocessExec() args must be strings, got Array (argument 2)"],
        [["echo", Buffer.from("a")], "createSubprocessExec() args must be strings, got Buffer (argument 2)"],
        [[], "createSubprocessExec() program must be a string, got undefined"],
        [[null], "createSubprocessExec() program must be a string, got null"],
        [[42, "a"], "createSubprocessExec() program must be a string, got number"],
      ];
      for (const [args, message] of cases) {
        await assert.rejects(exec(...args), {
          name: "TypeError",
          message: new RegExp(`^${escape(message)}$`),
        });
      }
      const shell = createSubprocessShell as (...args: unknown[]) => Promise<Process>;
      for (const [options, name] of [
        [42, "number"],
        [["a"], "Array"],
      ] as const) {
        await assert.rejects(shell("true", options), {
          name: "TypeError",
          message: new RegExp(`^createSubprocessShell\\(\\) options must be an object, got ${name}$`),
        });
      }
      // Python's None: no options.
      const p = await spawn.shell("exit 4", null as unknown as SubprocessOptions);
      assert.equal(await p.wait(), 4);
    }));

  it("create subprocess shell text mode fails", (t) =>
    run(t, async () => {
      const cases: [SubprocessOptions, string][] = [
        [{ text: true }, "text must be False"],
        [{ encoding: "utf-8" }, "encoding must be None"],
        [{ errors: "strict" }, "errors must be None"],
        [{ universalNewlines: true }, "universal_newlines must be False"],
        [{ bufsize: 4096 }, "bufsize must be 0"],
        [{ shell: false }, "shell must be True"],
      ];
      for (const [options, message] of cases) {
        await assert.rejects(createSubprocessShell("true", options), {
          name: "RangeError",
          message: new RegExp(`^${message}$`),
        });
      }
      await assert.rejects(createSubprocessShell(42 as unknown as string), {
        name: "RangeError",
        message: /^cmd must be a string$/,
      });
    }));
});

/** True while `pid` is a live process (not gone, not a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false; // ESRCH: gone
  }
  // A zombie answers kill(pid, 0) too: an orphan stays one until init reaps it, and the init of
  // some containers never does. Where /proc exists, its state tells.
  if (!existsSync("/proc/self/stat")) return true;
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

interface ExitRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  stderr: string;
}

/** Runs test/fixtures/exit-with-child.ts `mode`, sending `signal` each time it prints "ready…". */
function runExitFixture(mode: string, signal?: NodeJS.Signals): Promise<ExitRun> {
  const fixture = fileURLToPath(new URL("./fixtures/exit-with-child.ts", import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [fixture, mode], { stdio: ["ignore", "pipe", "pipe"] });
    const lines: string[] = [];
    let partial = "";
    let stderr = "";
    const killer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      partial += chunk;
      for (let nl = partial.indexOf("\n"); nl >= 0; nl = partial.indexOf("\n")) {
        const line = partial.slice(0, nl);
        partial = partial.slice(nl + 1);
        lines.push(line);
        if (signal !== undefined && line.startsWith("ready")) child.kill(signal);
      }
    });
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code, sig) => {
      clearTimeout(killer);
      resolve({ code, signal: sig, lines, stderr });
    });
  });
}

describe("subprocess ownership", () => {
  for (const mode of ["normal", "debug"]) {
    it(`run() kills the children a task left running, and the program exits (${mode} mode)`, async () => {
      const fixture = new URL("./fixtures/leftover-child.ts", import.meta.url);
      const { stdout, stderr } = await execFileAsync(NODE, [fileURLToPath(fixture), mode], {
        timeout: 20_000,
      });
      const pids = stdout.trim().split("\n").map(Number);
      assert.equal(pids.length, 2);
      // The kill is sent before the program exits; the kernel may take a moment to finish it.
      for (let i = 0; i < 100 && pids.some(alive); i++) await delay(20);
      assert.deepEqual(pids.filter(alive), []);
      if (mode === "debug") {
        assert.match(stderr, new RegExp(`Close running child process: kill <Process ${String(pids[0])}>`));
        assert.match(stderr, new RegExp(`Close running child process: kill <Process ${String(pids[1])}>`));
      } else {
        assert.equal(stderr, "");
      }
    });
  }

  // CPython 3.13 kills a running child when its transport closes: at the end of asyncio.run(),
  // so after sys.exit(), an uncaught error or Ctrl-C, which all unwind through run(). A signal
  // that kills the interpreter (SIGTERM, SIGHUP) or os._exit() leaves the child running.
  // asyncio-ts kills it in all of these cases (docs/differences.md#exit-kills-children).
  const cases: [mode: string, how: string, signal: NodeJS.Signals | undefined, end: ExitEnd][] = [
    ["exit", "process.exit()", undefined, { code: 3, signal: null }],
    ["throw", "an uncaught error", undefined, { code: 1, signal: null, stderr: /^Error: boom$/m }],
    ["sigterm", "SIGTERM, which still ends the process", "SIGTERM", { code: null, signal: "SIGTERM" }],
    ["sighup", "SIGHUP, which still ends the process", "SIGHUP", { code: null, signal: "SIGHUP" }],
    [
      "sigterm-user",
      "SIGTERM taken over by the program's own listener",
      "SIGTERM",
      { code: 0, signal: null, line: "user handler" },
    ],
    ["sigint-twice", "a second Ctrl-C", "SIGINT", { code: null, signal: "SIGINT" }],
    [
      "runner-sigint",
      "the uncaught KeyboardInterrupt of a Runner never closed",
      "SIGINT",
      { code: null, signal: "SIGINT", stderr: /^KeyboardInterrupt\n$/ },
    ],
  ];
  it("the exit and signal listeners are there only while a child is owned", async () => {
    const events = ["exit", "SIGTERM", "SIGHUP"] as const;
    const counts = (): number[] => events.map((e) => process.listenerCount(e));
    const before = counts();
    let during: number[] = [];
    await asyncio.run(async () => {
      const p = await createSubprocessExec(NODE, "-e", FOREVER, { stdout: DEVNULL });
      during = counts();
      p.kill();
      await p.wait();
      assert.deepEqual(counts(), before);
      await createSubprocessExec(NODE, "-e", FOREVER, { stdout: DEVNULL }); // left to run()
    });
    assert.deepEqual(
      during,
      before.map((n) => n + 1),
    );
    assert.deepEqual(counts(), before);
  });

  for (const [mode, how, signal, end] of cases) {
    it(`a child the loop owns is killed when the process ends by ${how}`, async (t) => {
      const r = await runExitFixture(mode, signal);
      const pid = Number(/^child (\d+)$/.exec(r.lines[0] ?? "")?.[1]);
      t.after(() => {
        if (pid > 0 && alive(pid)) process.kill(pid, "SIGKILL");
      });
      assert.ok(pid > 0, `no child pid in ${JSON.stringify(r.lines)}; stderr: ${r.stderr}`);
      assert.deepEqual([r.code, r.signal], [end.code, end.signal], r.stderr);
      if (end.stderr !== undefined) assert.match(r.stderr, end.stderr);
      if (end.line !== undefined) assert.ok(r.lines.includes(end.line), r.lines.join("\n"));
      // The kill is sent before the process ends; the kernel may take a moment to finish it.
      for (let i = 0; i < 100 && alive(pid); i++) await delay(20);
      assert.equal(alive(pid), false, `child ${String(pid)} outlived the process`);
    });
  }
});

interface ExitEnd {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr?: RegExp;
  line?: string;
}
