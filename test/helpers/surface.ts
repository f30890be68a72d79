// The public surface by reflection, for test/surface.test.ts: every exported function and every
// public method of every exported class, each under one name.
//
// A method is named after the exported class that defines it (`Queue.get` covers
// `LifoQueue.get`, which it inherits; `LifoQueue.store`, which overrides, is its own name). A
// method defined on an unexported base (`LoopBound.getLoop`, `ContextManager.with`) is named
// after each topmost exported class that inherits it (`Lock.with`, `Semaphore.with`,
// `Condition.with`; `BoundedSemaphore` reaches `Semaphore.with`): those are different objects
// with different behaviour, and each needs its own entry. Static methods are `static X.m`.
// Symbol-keyed members, `#private` ones, accessors, `constructor` and what comes from the
// built-in prototypes (Object, Error, AggregateError, Function) are not part of the walk.

/** One name of the surface and the function it stands for. */
export interface SurfaceEntry {
  readonly fn: (...args: never[]) => unknown;
  /** The exported classes (or module) through which it is reached. */
  readonly via: Set<string>;
}

/** True for a built-in function or class (Error, AggregateError, Object, Function, ...). */
function isNative(value: unknown): boolean {
  return (
    typeof value === "function" && /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(value))
  );
}

/** Where a walk up a chain stops: past the library's own classes (prototype or static side). */
function isBuiltin(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === "function") return isNative(value);
  return isNative((value as { constructor?: unknown }).constructor);
}

const HIDDEN_STATICS = new Set(["length", "name", "prototype", "caller", "arguments"]);

type AnyClass = abstract new (...args: never[]) => unknown;

/** True for a class (as opposed to a plain or async function). */
export function isClass(value: unknown): value is AnyClass {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function methodsOf(obj: object): [string, (...args: never[]) => unknown][] {
  const out: [string, (...args: never[]) => unknown][] = [];
  for (const key of Object.getOwnPropertyNames(obj)) {
    if (key === "constructor") continue;
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    // Accessors and data fields are not methods.
    if (desc === undefined || typeof desc.value !== "function") continue;
    out.push([key, desc.value as (...args: never[]) => unknown]);
  }
  return out;
}

/**
 * Walk `modules` (name → namespace object) and the extra classes reachable only through an
 * instance (`Process.stdin` is a SubprocessStdin, whose class is not exported). Returns every
 * surface name with its function. Throws if one name would stand for two different functions.
 */
export function walkSurface(
  modules: Record<string, object>,
  reachable: Record<string, AnyClass> = {},
): Map<string, SurfaceEntry> {
  const out = new Map<string, SurfaceEntry>();
  const exportedName = new Map<unknown, string>();
  const functions: [string, string, (...args: never[]) => unknown][] = [];
  for (const [modName, ns] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(ns)) {
      if (isClass(value)) exportedName.set(value, name);
      else if (typeof value === "function")
        functions.push([modName, name, value as (...args: never[]) => unknown]);
    }
  }
  for (const [name, cls] of Object.entries(reachable)) exportedName.set(cls, name);

  const add = (key: string, fn: (...args: never[]) => unknown, via: string): void => {
    const entry = out.get(key);
    if (entry === undefined) {
      out.set(key, { fn, via: new Set([via]) });
      return;
    }
    if (entry.fn !== fn) throw new Error(`surface name ${key} stands for two different functions`);
    entry.via.add(via);
  };

  for (const [modName, name, fn] of functions) add(name, fn, modName);

  for (const [cls, clsName] of exportedName) {
    const seen = new Set<string>();
    // The topmost exported class met so far on the way up: names what unexported bases define.
    let topExported = clsName;
    for (
      let proto = (cls as { prototype: object }).prototype;
      !isBuiltin(proto);
      proto = Object.getPrototypeOf(proto) as object
    ) {
      const ctor = (proto as { constructor: unknown }).constructor;
      const ctorName = exportedName.get(ctor);
      if (ctorName !== undefined) topExported = ctorName;
      for (const [key, fn] of methodsOf(proto)) {
        if (seen.has(key)) continue;
        seen.add(key);
        add(`${ctorName ?? topExported}.${key}`, fn, clsName);
      }
    }
    const seenStatic = new Set<string>();
    for (let c: unknown = cls; !isBuiltin(c); c = Object.getPrototypeOf(c)) {
      const owner = exportedName.get(c) ?? clsName;
      for (const key of Object.getOwnPropertyNames(c)) {
        if (HIDDEN_STATICS.has(key) || seenStatic.has(key)) continue;
        const desc = Object.getOwnPropertyDescriptor(c, key);
        if (desc === undefined || typeof desc.value !== "function") continue;
        seenStatic.add(key);
        add(`static ${owner}.${key}`, desc.value as (...args: never[]) => unknown, clsName);
      }
    }
  }
  return out;
}
