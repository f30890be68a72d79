/**
 * `npx asyncio-ts`: Node's REPL with a running asyncio loop, as `python -m asyncio`.
 *
 * Every input runs as a Task on one loop in the main thread, so `await asyncio.sleep(1)` works at
 * the top level, `asyncio.currentTask()` is the input's task, and tasks an input creates keep
 * running while the REPL waits for the next line. Ctrl-C cancels the input's task (its `await`
 * throws CancelledError) and keeps the REPL; at an empty prompt it does what it does in Node's
 * REPL. `.exit` or end of input cancels the tasks left and closes the loop.
 * @see https://docs.python.org/3.13/library/asyncio.html (`python -m asyncio`)
 * @module
 */
import { readFileSync } from "node:fs";
import { AsyncLocalStorage } from "node:async_hooks";
import { createInterface, type Interface } from "node:readline";
import domain, { type Domain } from "node:domain";
import repl, { type ReplOptions, type REPLEval, type REPLServer } from "node:repl";
import { PassThrough } from "node:stream";
import * as asyncio from "../index.ts";
import { logger } from "../debug.ts";
import { CancelledError } from "../exceptions.ts";
import { Runner } from "../runners.ts";
import { Task, currentTask } from "../tasks.ts";

/** The package's version, from its package.json (two folders up, from src/tools and dist/tools). */
function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * The banner, CPython 3.13 asyncio/__main__.py's with this package's and Node's versions, and the
 * import the REPL did for you shown as an input.
 */
export function banner(): string {
  return (
    `asyncio REPL ${packageVersion()} on Node.js ${process.version} (${process.platform})\n` +
    `Use "await" directly instead of "asyncio.run()".\n` +
    `Type ".help" for more information.\n` +
    `> const asyncio = await import("asyncio-ts")\n`
  );
}

type Listener = (...args: unknown[]) => void;

const NEVER_AWAITED = /^RuntimeWarning: coroutine '.*' was never awaited(\n|$)/;

/**
 * Piped input, passed to the REPL one line at a time: the next line goes in when `next()` says the
 * REPL is done with the last one; the end of input goes in after the last line.
 */
class LineGate {
  readonly output = new PassThrough();
  readonly #lines: string[] = [];
  #ended = false;
  #busy = false;

  readonly #reader: Interface;

  constructor(input: NodeJS.ReadableStream) {
    const reader = createInterface({ input, crlfDelay: Infinity, terminal: false });
    this.#reader = reader;
    reader.on("line", (line) => {
      this.#lines.push(line);
      this.#pump();
    });
    reader.on("close", () => {
      this.#ended = true;
      this.#pump();
    });
  }

  /** The REPL is done with the line it was given. */
  next(): void {
    this.#busy = false;
    // Not from inside the REPL's own line handler: the next line is a new turn.
    queueMicrotask(() => {
      this.#pump();
    });
  }

  /** Stop reading (the REPL closed before the end of input: `.exit`). */
  close(): void {
    this.#reader.close();
    this.#lines.length = 0;
  }

  #pump(): void {
    if (this.#busy) return;
    const line = this.#lines.shift();
    if (line !== undefined) {
      this.#busy = true;
      this.output.write(`${line}\n`);
    } else if (this.#ended && !this.output.writableEnded) {
      this.output.end();
    }
  }
}

/** One input: the task it runs in, and whether the REPL has been given its outcome. */
interface Input {
  task: Task | null;
  over: boolean;
  interrupted: boolean;
  /** Ends the input's task: cancelled by a CancelledError, otherwise done (the REPL showed it). */
  end: (err: unknown) => void;
}

/**
 * Run the REPL on stdin/stdout until `.exit` or end of input; resolves with the exit status.
 * @param args none are accepted.
 */
export async function main(args: string[]): Promise<number> {
  if (args.length > 0) {
    process.stderr.write(`asyncio-ts: the REPL takes no arguments, got ${JSON.stringify(args)}\n`);
    return 2;
  }
  const runner = new Runner();
  const loop = runner.getLoop();
  // The input running, until the REPL has been given its outcome.
  let current: Input | null = null;
  // An input running synchronously (inside the REPL's eval call).
  let evaluating: Input | null = null;
  // An input that awaits holds the next piped line back until its outcome is shown.
  let pending = false;
  let replSigint: Listener[] = [];
  let replErrors: Listener[] = [];

  process.stderr.write(banner());
  const terminal = process.stdin.isTTY && process.stdout.isTTY;
  const gate = terminal ? null : new LineGate(process.stdin);
  const errors = domain.create();
  const options: ReplOptions & { domain: Domain } = {
    prompt: "> ",
    input: gate === null ? process.stdin : gate.output,
    output: process.stdout,
    terminal,
    useGlobal: true,
    // Lets Ctrl-C through while an input awaits (the REPL holds keys back otherwise), and breaks
    // a synchronous endless loop.
    breakEvalOnSigint: terminal,
    // The REPL reports an input's error through this domain, without calling back.
    domain: errors,
  };
  const server = repl.start(options);
  Object.defineProperty(server.context, "asyncio", {
    configurable: true,
    enumerable: false,
    writable: true,
    value: asyncio,
  });

  const conclude = (input: Input, err: unknown): void => {
    input.over = true;
    if (current === input) current = null;
    if (pending) {
      pending = false;
      gate?.next();
    }
    input.end(err);
  };
  const interruptedBy = (input: Input, err: unknown): boolean => {
    if (!(err instanceof CancelledError && input.interrupted)) return false;
    // CPython 3.13 asyncio/__main__.py writes "\nKeyboardInterrupt\n" and shows the next prompt.
    process.stderr.write("\nKeyboardInterrupt\n");
    return true;
  };

  const onInterrupt = (): void => {
    if (current?.task && !current.task.done()) {
      // CPython: KeyboardInterrupt in the loop cancels the input's task (repl_future).
      current.interrupted = true;
      current.task.cancel();
      return;
    }
    // At the prompt: what Node's REPL does ("(To exit, press Ctrl+C again ...)", then close).
    for (const listener of replSigint) listener.call(server);
  };
  // Piped input is no terminal: Ctrl-C comes as a signal, which would otherwise end the process.
  // In a terminal it comes as a key, and no process listener may be added: while a synchronous
  // input runs, the REPL catches the signal itself (a listener would hand it back to the default
  // action, which ends the process).
  if (!terminal) process.on("SIGINT", onInterrupt);
  // In a terminal, Ctrl-C is a key the REPL turns into its own 'SIGINT' event.
  replSigint = server.listeners("SIGINT") as Listener[];
  server.removeAllListeners("SIGINT");
  server.on("SIGINT", onInterrupt);

  // An error thrown by an input (synchronously, or where it awaits) reaches the domain: it is the
  // input's outcome. A cancellation by Ctrl-C is shown as CPython shows it; the rest as Node does.
  replErrors = errors.listeners("error") as Listener[];
  errors.removeAllListeners("error");
  errors.on("error", (err: unknown) => {
    // An error from where an input awaits comes from inside its task.
    const input =
      evaluating ?? (current !== null && loop.isRunning() && currentTask() === current.task ? current : null);
    if (input !== null && !input.over) {
      conclude(input, err);
      if (interruptedBy(input, err)) {
        server.clearBufferedCommand();
        server.displayPrompt();
        return;
      }
    }
    for (const listener of replErrors) listener.call(errors, err);
  });

  server.on("line", () => {
    // After the REPL's own handler: a line it is done with lets the next one in.
    if (!pending) gate?.next();
  });

  const evaluate = server.eval;
  const runInput: REPLEval = function (this: REPLServer, code, context, file, finish) {
    // The REPL's own work (printing, the prompt) runs outside the input's task.
    const outside = AsyncLocalStorage.snapshot();
    const input: Input = { task: null, over: false, interrupted: false, end: noop };
    current = input;
    const body = (): Promise<void> =>
      new Promise<void>((resolve, reject) => {
        // Known from here on (not only once the eager first step is over): a Ctrl-C that comes
        // while the input runs synchronously cancels it.
        input.task = currentTask();
        input.end = (err) => {
          // Only a cancellation ends the task as the input ended; the REPL showed anything else.
          if (err instanceof CancelledError) reject(err);
          else resolve();
        };
        evaluating = input;
        try {
          evaluate.call(this, code, context, file, (...outcome: [Error | null, unknown?]) => {
            if (input.over) return;
            conclude(input, outcome[0]);
            outside(() => {
              // One argument: nothing to print (the REPL prints a value when given two).
              if (interruptedBy(input, outcome[0])) (finish as (err: null) => void)(null);
              else finish(...outcome);
            });
          });
        } finally {
          evaluating = null;
        }
      });
    // Named as CPython names the code object of an input.
    Object.defineProperty(body, "name", { value: "<module>" });
    // Eager: the input starts now, inside its task, so the REPL sees a synchronous outcome at once
    // (a partial line asks for more, an expression prints before the next line is read).
    input.task = new Task(body, { loop, eagerStart: true });
    if (!input.over) pending = true;
  };
  (server as { eval: REPLEval }).eval = runInput;

  server.on("exit", () => {
    gate?.close();
    loop.stop();
  });
  try {
    await loop.runForever();
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    process.stderr.write("exiting asyncio REPL...\n");
    // CPython 3.13 asyncio/__main__.py ignores "coroutine ... was never awaited" on the way out:
    // an input that only made a coroutine (to look at it) is no lost work.
    const warn = logger.warn.bind(logger);
    logger.warn = (message: string) => {
      if (!NEVER_AWAITED.test(message)) warn(message);
    };
    try {
      await runner.close();
    } finally {
      logger.warn = warn;
    }
  }
  return 0;
}

function noop(): void {
  // Replaced once the input's task runs.
}
