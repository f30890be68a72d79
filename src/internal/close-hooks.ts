/**
 * What a loop does when it closes for the resources it owns: a child process still running is
 * killed (CPython's subprocess transport `close()`), a socket still open is destroyed. Modules
 * register a hook while they own something and remove it when it is gone; `close()` runs the rest.
 * @module
 */

const hooks = new WeakMap<object, Set<() => void>>();

/** Run `fn` when `loop` closes; return a function that unregisters it. */
export function addCloseHook(loop: object, fn: () => void): () => void {
  let set = hooks.get(loop);
  if (set === undefined) {
    set = new Set();
    hooks.set(loop, set);
  }
  set.add(fn);
  return () => {
    set.delete(fn);
  };
}

/** Run and forget every hook of `loop` (each once, in registration order). */
export function runCloseHooks(loop: object): void {
  const set = hooks.get(loop);
  if (set === undefined) return;
  hooks.delete(loop);
  for (const fn of set) fn();
}
