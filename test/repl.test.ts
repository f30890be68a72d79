// The asyncio REPL (`npx asyncio-ts`, as `python -m asyncio`; CPython 3.13 asyncio/__main__.py),
// driven through its stdin in a real child process. Piped input is no terminal, so Ctrl-C is sent
// as SIGINT.
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { describe, it, type TestContext } from "node:test";
import { ROOT } from "./helpers/conformance.ts";

const WAIT_MS = 15_000;

/** A whole line of output; the REPL's prompt ("> ") may come before it. */
function line(pattern: RegExp): RegExp {
  return new RegExp(`(?:^|> )${pattern.source}$`, "m");
}

/** A REPL child: what it printed so far, and ways to wait for more. */
class Repl {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = "";
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters = new Set<() => void>();

  constructor(t: TestContext, args: string[] = [], options?: { terminal: boolean }) {
    this.child =
      options?.terminal === true
        ? // script(1) runs it on a pseudo-terminal; its output is the terminal's (stdout only).
          // script runs the command through $SHELL: `exec` makes the REPL the terminal's only
          // foreground process. Otherwise a shell that stays (dash, when SHELL is /bin/sh) gets the
          // terminal's SIGINT too, dies of it, and script exits 130 whatever the REPL did.
          spawn(
            "script",
            [
              "-qfec",
              `exec ${[process.execPath, "src/cli.ts", ...args].map((a) => JSON.stringify(a)).join(" ")}`,
              "/dev/null",
            ],
            {
              cwd: ROOT,
            },
          )
        : spawn(process.execPath, ["src/cli.ts", ...args], { cwd: ROOT });
    this.child.stdout.setEncoding("utf8");
    this.child.stderr.setEncoding("utf8");
    this.child.stdout.on("data", (d: string) => {
      this.stdout += d;
      this.#notify();
    });
    this.child.stderr.on("data", (d: string) => {
      this.stderr += d;
      this.#notify();
    });
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => {
        resolve({ code, signal });
        this.#notify();
      });
    });
    t.after(() => {
      if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    });
  }

  send(...lines: string[]): void {
    this.child.stdin.write(lines.map((l) => `${l}\n`).join(""));
  }

  /** Wait until `stream` matches `pattern` (at most WAIT_MS); returns the match. */
  async waitFor(pattern: RegExp, stream: "stdout" | "stderr" = "stdout"): Promise<RegExpMatchArray> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const m = this[stream].match(pattern);
      if (m !== null) return m;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null || this.child.signalCode !== null) {
        assert.fail(`no ${String(pattern)} on ${stream}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#waiters.add(done);
      });
    }
  }

  /** End the input and wait for the exit (at most WAIT_MS). */
  async end(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    return this.exit();
  }

  async exit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`the REPL did not exit\nstdout: ${this.stdout}\nstderr: ${this.stderr}`));
      }, WAIT_MS);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  #notify(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const w of waiters) w();
  }
}

describe("asyncio REPL (npx asyncio-ts)", () => {
  it("prints CPython's banner, adapted, then runs a top-level await and prints", async (t) => {
    const repl = new Repl(t);
    repl.send('await asyncio.sleep(0.05); console.log("slept", 6 * 7)');
    await repl.waitFor(line(/slept 42/));
    assert.match(
      repl.stderr,
      /^asyncio REPL \d+\.\d+\.\d+\S* on Node\.js v\d+\.\d+\.\d+ \(\w+\)\nUse "await" directly instead of "asyncio\.run\(\)"\.\nType "\.help" for more information\.\n> const asyncio = await import\("asyncio-ts"\)\n/,
    );
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
    assert.match(repl.stderr, /exiting asyncio REPL\.\.\.\n$/);
  });

  it("an input runs as a task: asyncio.currentTask() is it, before and after an await", async (t) => {
    const repl = new Repl(t);
    repl.send('console.log("sync", asyncio.currentTask() instanceof asyncio.Task)');
    repl.send(
      'const before = asyncio.currentTask(); await asyncio.sleep(0); console.log("async", before !== null && asyncio.currentTask() === before)',
    );
    await repl.waitFor(line(/async (true|false)/));
    assert.match(repl.stdout, line(/sync true/));
    assert.match(repl.stdout, line(/async true/));
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("a task created in one input keeps running while the REPL waits for the next line", async (t) => {
    const repl = new Repl(t);
    repl.send(
      "const worker = asyncio.createTask(async () => { for (let i = 0; i < 3; i++) { await asyncio.sleep(0.02); console.log('tick', i); } return 'worked'; }, { name: 'worker-1' })",
      'console.log("created", worker.getName(), worker.done())',
    );
    await repl.waitFor(line(/created worker-1 false/));
    // No input is sent meanwhile: the loop runs the task while the REPL waits for a line.
    await repl.waitFor(/tick 2$/m);
    assert.match(repl.stdout, /tick 0\n(?:> )?tick 1\n(?:> )?tick 2\n/);
    repl.send('console.log("result", worker.result())');
    await repl.waitFor(line(/result worked/));
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("an error in an input is printed with its name and message, and the REPL goes on", async (t) => {
    const repl = new Repl(t);
    repl.send(
      "null.x",
      'await asyncio.sleep(0); throw new RangeError("boom")',
      "await asyncio.waitFor(asyncio.sleep(10), 0.01)",
      "function f() {",
      "  return 3 }",
      'console.log("still here", f())',
    );
    await repl.waitFor(line(/still here 3/));
    assert.match(repl.stdout, /Uncaught TypeError: Cannot read properties of null \(reading 'x'\)/);
    assert.match(repl.stdout, /Uncaught RangeError: boom/);
    assert.match(repl.stdout, /Uncaught TimeoutError/);
    // In order: each input's outcome before the next input runs.
    const order = ["reading 'x'", "RangeError: boom", "TimeoutError", "still here"].map((s) =>
      repl.stdout.indexOf(s),
    );
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("piped inputs run one after the other, as CPython's REPL runs them", async (t) => {
    const repl = new Repl(t);
    repl.send('await asyncio.sleep(0.1); console.log("first")', 'console.log("second")');
    await repl.waitFor(line(/second/));
    assert.ok(repl.stdout.indexOf("first") < repl.stdout.indexOf("second"), repl.stdout);
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("Ctrl-C cancels the input's task where it awaits, prints KeyboardInterrupt, and the REPL answers", async (t) => {
    const repl = new Repl(t);
    repl.send('let input = asyncio.currentTask(); console.log("waiting"); await asyncio.sleep(100)');
    await repl.waitFor(line(/waiting/));
    repl.child.kill("SIGINT");
    await repl.waitFor(/\nKeyboardInterrupt\n/, "stderr");
    repl.send('console.log("answer", 1 + 1, input.cancelled())');
    await repl.waitFor(line(/answer 2 true/));
    assert.doesNotMatch(repl.stdout, /Uncaught/);
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("Ctrl-C cancels only the input: a task it created keeps running", async (t) => {
    const repl = new Repl(t);
    repl.send(
      "const bg = asyncio.createTask(() => asyncio.sleep(0.3, 'bg done'))",
      'console.log("waiting"); await asyncio.sleep(100)',
    );
    await repl.waitFor(line(/waiting/));
    repl.child.kill("SIGINT");
    await repl.waitFor(/KeyboardInterrupt/, "stderr");
    repl.send('await bg; console.log("bg", bg.result())');
    await repl.waitFor(line(/bg bg done/));
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
  });

  it("Ctrl-C at an empty prompt does what Node's REPL does; a second one closes it", async (t) => {
    const repl = new Repl(t);
    repl.send('console.log("ready")');
    await repl.waitFor(line(/ready/));
    repl.child.kill("SIGINT");
    await repl.waitFor(/\(To exit, press Ctrl\+C again or Ctrl\+D or type \.exit\)/);
    repl.child.kill("SIGINT");
    assert.deepEqual(await repl.exit(), { code: 0, signal: null });
    assert.match(repl.stderr, /exiting asyncio REPL\.\.\.\n$/);
  });

  it("end of input exits 0 after cancelling the tasks left", async (t) => {
    const repl = new Repl(t);
    repl.send(
      "const left = asyncio.createTask(async () => { try { await asyncio.sleep(100); } finally { console.log('left cancelled', asyncio.currentTask().cancelling()); } })",
      "asyncio.sleep(1)",
      'console.log("made")',
    );
    await repl.waitFor(line(/made/));
    assert.deepEqual(await repl.end(), { code: 0, signal: null });
    assert.match(repl.stdout, line(/left cancelled 1/));
    // A coroutine an input only made is not reported on the way out, as in CPython's REPL.
    assert.match(repl.stdout, line(/<coroutine object sleep>/));
    assert.doesNotMatch(repl.stderr, /never awaited|never retrieved|Error/);
  });

  it(".exit closes it the same way", async (t) => {
    const repl = new Repl(t);
    repl.send("const left = asyncio.createTask(() => asyncio.sleep(100))", ".exit");
    assert.deepEqual(await repl.exit(), { code: 0, signal: null });
    assert.match(repl.stderr, /exiting asyncio REPL\.\.\.\n$/);
  });

  it("takes no arguments", async (t) => {
    const repl = new Repl(t, ["repl", "extra"]);
    assert.deepEqual(await repl.exit(), { code: 2, signal: null });
    assert.equal(repl.stderr, 'asyncio-ts: the REPL takes no arguments, got ["extra"]\n');
  });
});

const noScript = spawnSync("script", ["--version"]).status !== 0;

describe("asyncio REPL in a terminal", { skip: noScript && "script(1) is not installed" }, () => {
  it("Ctrl-C (a key) cancels the input's await, breaks a synchronous endless loop; Ctrl-D exits 0", async (t) => {
    const repl = new Repl(t, [], { terminal: true });
    // Each key is sent once the REPL shows it is ready for it: the prompt (raw mode is on), or an
    // input's first output (it is running).
    const esc = String.fromCharCode(27);
    const prompt = new RegExp(`${esc}\\[1G${esc}\\[0J> ${esc}\\[3G$`);
    await repl.waitFor(prompt);
    // Printed after a first await: the synchronous part is over, the terminal is raw again.
    repl.child.stdin.write("await asyncio.sleep(0); console.log('wait' + 'ing'); await asyncio.sleep(100)\r");
    await repl.waitFor(/\r\nwaiting\r\n/);
    repl.child.stdin.write("\x03");
    await repl.waitFor(/\r\nKeyboardInterrupt\r\n/);
    await repl.waitFor(prompt);
    repl.child.stdin.write("console.log('spin' + 'ning'); while (true) {}\r");
    await repl.waitFor(/\r\nspinning\r\n/);
    repl.child.stdin.write("\x03");
    await repl.waitFor(/Uncaught Error: Script execution was interrupted by `SIGINT`/);
    await repl.waitFor(prompt);
    repl.child.stdin.write("console.log('alive-' + 6 * 7)\r");
    await repl.waitFor(/\r\nalive-42\r\n/);
    await repl.waitFor(prompt);
    repl.child.stdin.write("\x04");
    assert.deepEqual(await repl.exit(), { code: 0, signal: null });
    assert.match(repl.stdout, /exiting asyncio REPL\.\.\.\r\n$/);
  });
});
