/**
 * Signal handlers of the loop (CPython's unix_events.py: add_signal_handler,
 * remove_signal_handler). The callback runs as a Handle on the loop, not inside Node's signal
 * listener.
 * @see https://docs.python.org/3.13/library/asyncio-eventloop.html#unix-signals
 * @module
 */
import { constants } from "node:os";
import type { BaseEventLoop } from "./base-events.ts";
import { iscoroutine, iscoroutinefunction } from "./coroutines.ts";
import { RuntimeError } from "./exceptions.ts";
import { reprValue } from "./internal/repr.ts";

const handlersByLoop = new WeakMap<BaseEventLoop, Map<NodeJS.Signals, () => void>>();

/** A signal given by name (`"SIGINT"`) or number (`2`), as Node knows it. */
export type SignalLike = NodeJS.Signals | number;

function toSignalName(sig: SignalLike): NodeJS.Signals {
  const table = constants.signals as Record<string, number>;
  if (typeof sig === "number") {
    const name = Object.keys(table).find((k) => table[k] === sig);
    if (name === undefined) throw new RangeError(`invalid signal number ${sig}`);
    return name as NodeJS.Signals;
  }
  if (typeof sig !== "string" || !(sig in table)) {
    throw new TypeError(`sig must be a signal name such as 'SIGINT' or a number, got ${reprValue(sig)}`);
  }
  return sig;
}

/** @internal loop.addSignalHandler */
export function addSignalHandler<A extends unknown[]>(
  loop: BaseEventLoop,
  sig: SignalLike,
  callback: (...args: A) => unknown,
  args: A,
): void {
  // CPython 3.13 unix_events.py add_signal_handler refuses coroutines with these words; it does
  // not check other non-callables, so that message is base_events.py _check_callback's, with the
  // same CPython method name.
  if (iscoroutine(callback) || iscoroutinefunction(callback))
    throw new TypeError("coroutines cannot be used with add_signal_handler()");
  if (typeof callback !== "function") {
    throw new TypeError(`a callable object was expected by add_signal_handler(), got ${reprValue(callback)}`);
  }
  if (loop.isClosed()) throw new RuntimeError("Event loop is closed");
  const name = toSignalName(sig);
  if (name === "SIGKILL" || name === "SIGSTOP") {
    throw new RuntimeError(
      `sig ${(constants.signals as Record<string, number>)[name] ?? name} cannot be caught`,
    );
  }
  removeSignalHandler(loop, name);
  // The listener only schedules: the callback runs from the loop, in its order.
  const listener = (): void => {
    if (!loop.isClosed()) loop.callSoon(callback, ...args);
  };
  process.on(name, listener);
  let handlers = handlersByLoop.get(loop);
  if (handlers === undefined) {
    handlers = new Map<NodeJS.Signals, () => void>();
    handlersByLoop.set(loop, handlers);
  }
  handlers.set(name, listener);
}

/** @internal loop.removeSignalHandler: true if a handler was removed. */
export function removeSignalHandler(loop: BaseEventLoop, sig: SignalLike): boolean {
  const name = toSignalName(sig);
  const handlers = handlersByLoop.get(loop);
  const listener = handlers?.get(name);
  if (handlers === undefined || listener === undefined) return false;
  process.removeListener(name, listener);
  handlers.delete(name);
  return true;
}

/** @internal loop.close() removes every handler the loop added. */
export function removeAllSignalHandlers(loop: BaseEventLoop): void {
  const handlers = handlersByLoop.get(loop);
  if (handlers === undefined) return;
  for (const [name, listener] of handlers) process.removeListener(name, listener);
  handlersByLoop.delete(loop);
}
