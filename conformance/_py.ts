// Helpers for the TypeScript twins of the conformance scenarios: print what CPython's print() prints.
//
// - print(...values): str() of each value joined with spaces, then a newline (Python's print).
// - str(value) / repr(value): Python's formatting for None, bool, int and float, str, list, tuple, set, dict and
//   exceptions. JS has one number type: integral numbers print as ints (`1`), others as Python floats (`0.5`,
//   `1e-05`); wrap a number in float() to print an integral value as a float (`float(1)` -> `1.0`).
// - Buffers and Uint8Arrays are Python bytes: `b'abc\n'`, typeName() `bytes`.
// - tuple(...items) marks a Python tuple: `(1, 2)`, `(1,)`, `()`.
// - typeName(value) is Python's `type(value).__name__`. JS built-in errors map to the Python exceptions the port
//   uses for them (Error -> Exception, RangeError -> ValueError); the library's errors already carry the Python
//   class name in `name`.
// - excArgs(error) is Python's `exc.args` as a tuple: the error's own `args` if it has an array there, otherwise
//   `(message,)`, or `()` when the message is empty.
// - next(iterator) is Python's next().

import { inspect } from "node:util";

/** A Python tuple: printed with parentheses, and a trailing comma when it has one item. */
export class Tuple {
  readonly items: readonly unknown[];
  constructor(items: readonly unknown[]) {
    this.items = items;
  }
}

/** A number that Python holds as a float: `float(1)` prints `1.0`. */
export class PyFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

export function tuple(...items: unknown[]): Tuple {
  return new Tuple(items);
}

export function float(value: number): PyFloat {
  return new PyFloat(value);
}

const JS_TO_PYTHON_ERROR: Readonly<Record<string, string>> = {
  Error: "Exception",
  RangeError: "ValueError",
  AggregateError: "ExceptionGroup",
};

const SUB_EXCEPTIONS = / \(\d+ sub-exceptions?\)$/;

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function subExceptions(error: Error): readonly unknown[] | undefined {
  const exceptions: unknown = (error as { exceptions?: unknown }).exceptions;
  return Array.isArray(exceptions) ? (exceptions as unknown[]) : undefined;
}

/** The message of an ExceptionGroup without the " (N sub-exceptions)" suffix Python's str() adds. */
function groupMessage(error: Error): string {
  return error.message.replace(SUB_EXCEPTIONS, "");
}

/** Python's `type(value).__name__`. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  switch (typeof value) {
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "bigint":
      return "int";
    case "string":
      return "str";
    case "function":
      return "function";
    case "symbol":
      return "symbol";
    case "object":
      break;
    case "undefined":
      return "NoneType";
  }
  if (value instanceof PyFloat) return "float";
  if (value instanceof Uint8Array) return "bytes";
  if (value instanceof Tuple) return "tuple";
  if (Array.isArray(value)) return "list";
  if (value instanceof Set) return "set";
  if (value instanceof Map || isPlainObject(value)) return "dict";
  if (value instanceof Error) {
    const name = value.name;
    const mapped = JS_TO_PYTHON_ERROR[name];
    if (mapped === undefined) return name;
    const ctorName = value.constructor.name;
    // A subclass that did not set `name` still has its own constructor name.
    return ctorName !== "" && ctorName !== name ? ctorName : mapped;
  }
  return value.constructor.name;
}

/** Python's `exc.args`, as a tuple. */
export function excArgs(error: unknown): Tuple {
  if (error instanceof Error) {
    const own: unknown = (error as { args?: unknown }).args;
    if (Array.isArray(own)) return new Tuple(own as unknown[]);
    if (subExceptions(error) !== undefined) return tuple(groupMessage(error), subExceptions(error));
    return error.message === "" ? tuple() : tuple(error.message);
  }
  return tuple();
}

function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa = "", exponentText = "0"] = x.toExponential().split("e");
  const exponent = Number(exponentText);
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const m = digits.length > 1 ? `${digits.slice(0, 1)}.${digits.slice(1)}` : digits;
    const e = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${m}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

function numberRepr(x: number): string {
  if (Number.isInteger(x)) return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  return floatRepr(x);
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === "\\") out += "\\\\";
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
      else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
      else out += `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

function bytesRepr(b: Uint8Array): string {
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const code of b) {
    if (code === 0x5c) out += "\\\\";
    else if (code === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (code === 0x0a) out += "\\n";
    else if (code === 0x0d) out += "\\r";
    else if (code === 0x09) out += "\\t";
    else if (code < 0x20 || code >= 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(code);
  }
  return out + quote;
}

function errorRepr(error: Error, seen: Set<object>): string {
  const name = typeName(error);
  const exceptions = subExceptions(error);
  if (exceptions !== undefined) {
    return `${name}(${stringRepr(groupMessage(error))}, ${reprIn([...exceptions], seen)})`;
  }
  const own: unknown = (error as { args?: unknown }).args;
  if (Array.isArray(own)) return `${name}(${own.map((a: unknown) => reprIn(a, seen)).join(", ")})`;
  return error.message === "" ? `${name}()` : `${name}(${stringRepr(error.message)})`;
}

function sortedForSet(items: unknown[]): unknown[] {
  if (items.every((v) => typeof v === "number")) return [...items].sort((a, b) => a - b);
  return items;
}

function reprIn(value: unknown, seen: Set<object>): string {
  if (value === null || value === undefined) return "None";
  switch (typeof value) {
    case "boolean":
      return value ? "True" : "False";
    case "number":
      return numberRepr(value);
    case "bigint":
      return value.toString();
    case "string":
      return stringRepr(value);
    case "symbol":
      return value.toString();
    case "function":
      return `<function ${value.name === "" ? "<lambda>" : value.name}>`;
    case "object":
      break;
    case "undefined":
      return "None";
  }
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof Uint8Array) return bytesRepr(value);
  if (seen.has(value)) {
    if (Array.isArray(value)) return "[...]";
    if (value instanceof Tuple) return "(...)";
    return "{...}";
  }
  seen.add(value);
  try {
    if (value instanceof Tuple) {
      const inner = value.items.map((v) => reprIn(v, seen));
      return inner.length === 1 ? `(${inner[0] ?? ""},)` : `(${inner.join(", ")})`;
    }
    if (Array.isArray(value)) return `[${(value as unknown[]).map((v) => reprIn(v, seen)).join(", ")}]`;
    if (value instanceof Set) {
      if (value.size === 0) return "set()";
      return `{${sortedForSet([...(value as Set<unknown>)])
        .map((v) => reprIn(v, seen))
        .join(", ")}}`;
    }
    if (value instanceof Map) {
      const entries = [...(value as Map<unknown, unknown>)].map(
        ([k, v]) => `${reprIn(k, seen)}: ${reprIn(v, seen)}`,
      );
      return `{${entries.join(", ")}}`;
    }
    if (value instanceof Error) return errorRepr(value, seen);
    if (isPlainObject(value)) {
      const entries = Object.entries(value).map(([k, v]) => `${stringRepr(k)}: ${reprIn(v, seen)}`);
      return `{${entries.join(", ")}}`;
    }
    // Library objects (Task, Future, Handle, ...) carry asyncio's repr as their inspect.custom.
    return inspect(value, { depth: 0, colors: false, breakLength: Infinity });
  } finally {
    seen.delete(value);
  }
}

/** Python's `repr(value)`. */
export function repr(value: unknown): string {
  return reprIn(value, new Set());
}

/** Python's `str(value)`: strings as they are, exceptions as their message, everything else as repr(). */
export function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) {
    const exceptions = subExceptions(value);
    if (exceptions !== undefined) {
      const n = exceptions.length;
      return `${groupMessage(value)} (${String(n)} sub-exception${n === 1 ? "" : "s"})`;
    }
    const own: unknown = (value as { args?: unknown }).args;
    if (Array.isArray(own)) {
      const items = own as unknown[];
      if (items.length === 0) return "";
      if (items.length === 1) return str(items[0]);
      return repr(new Tuple(items));
    }
    return value.message;
  }
  return repr(value);
}

/** Python's `next(iterator)`: the next item, or a thrown StopIteration (an Error here) at the end. */
export function next<T>(iterator: Iterator<T>): T {
  const result = iterator.next();
  if (result.done === true) throw new Error("StopIteration");
  return result.value;
}

/** Python's `print(*values)`: str() of each value, separated by spaces, ending with a newline. */
export function print(...values: unknown[]): void {
  process.stdout.write(`${values.map(str).join(" ")}\n`);
}
