/**
 * What happens to the resources loops own when the process ends before the loops close: a child
 * still running is killed when the process exits by `process.exit()`, an uncaught error, SIGTERM
 * or SIGHUP (close-hooks.ts covers the loop closing). And the KeyboardInterrupt that `run()`
 * rejects with after Ctrl-C ends the process by SIGINT when nothing catches it, as `python` does
 * (CPython 3.13 Modules/main.c exit_sigint: SIGINT back to SIG_DFL, then kill(getpid(), SIGINT)).
 * Every process listener here is installed only while it has something to do.
 * @module
 */
import { constants as osConstants } from "node:os";
import { isMainThread } from "node:worker_threads";

const hooks = new Set<() => void>();
let installed = false;

// SIGINT is not here: run() owns it while it runs (Ctrl-C cancels the main task).
const SIGNALS = ["SIGTERM", "SIGHUP"] as const;

/** Run `fn` if the process ends while it is registered; return a function that unregisters it. */
export function addExitHook(fn: () => void): () => void {
  hooks.add(fn);
  if (!installed) install();
  return () => {
    if (hooks.delete(fn) && hooks.size === 0) uninstall();
  };
}

/** Run and forget every exit hook now (each once, in registration order). */
export function runExitHooks(): void {
  const fns = [...hooks];
  hooks.clear();
  uninstall();
  for (const fn of fns) {
    // Each hook kills one child: a failure must not spare the others, and the process is ending.
    try {
      fn();
    } catch {
      // Nothing to report to at this point.
    }
  }
}

function install(): void {
  installed = true;
  // 'exit' is emitted for process.exit() and for an uncaught error (before Node prints it).
  process.on("exit", runExitHooks);
  // Signals are delivered to the main thread only.
  if (isMainThread) for (const sig of SIGNALS) process.on(sig, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.removeListener("exit", runExitHooks);
  if (isMainThread) for (const sig of SIGNALS) process.removeListener(sig, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  // Another listener (the user's, loop.addSignalHandler) took the signal over: the process does
  // not die by it, so nothing is killed here (process.exit() would still run the hooks).
  if (process.listeners(signal).some((listener) => listener !== onSignal)) return;
  runExitHooks();
  exitBySignal(signal);
}

/**
 * Kill this process by `signal` with its default action, as if nobody had listened to it: the
 * shell sees 128 + N. The exit code is the fallback if the signal does not end the process.
 */
function exitBySignal(signal: NodeJS.Signals): void {
  // With no listener left, Node gives the signal back to SIG_DFL (libuv's uv__signal_stop).
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  process.exit(128 + osConstants.signals[signal]);
}

const interrupts = new WeakSet<object>();
let monitoring = false;

/**
 * If `err` (the KeyboardInterrupt `run()` rejects with after Ctrl-C) reaches the top of the
 * program uncaught, kill the children still owned, print `KeyboardInterrupt` and end the process
 * by SIGINT (status 130), as `python` does, instead of Node's stack and exit code 1. Any other
 * uncaught error is left to Node, and a user's `uncaughtException` listener decides for this one
 * too.
 */
export function exitBySigintIfUncaught(err: Error): void {
  if (!isMainThread) return;
  interrupts.add(err);
  if (monitoring) return;
  monitoring = true;
  // A monitor cannot change what Node does with any error: it only sees them first. It stays
  // installed (one listener per process): a KeyboardInterrupt may reach the top long after
  // run() rejected (a `finally` doing I/O on the way), and no event says it was caught.
  process.on("uncaughtExceptionMonitor", onUncaught);
}

function onUncaught(err: unknown): void {
  if (typeof err !== "object" || err === null || !interrupts.has(err)) return;
  if (process.listenerCount("uncaughtException") > 0) return;
  // One line, Python's last: the stack would show only run()'s frames and the line calling it,
  // and the CancelledError it was raised from carries no stack of where main stood.
  const { name, message } = err as Error;
  process.stderr.write(message === "" ? `${name}\n` : `${name}: ${message}\n`);
  runExitHooks();
  exitBySignal("SIGINT");
}
