import { inspect } from "node:util";

/** Python-like repr of a value for messages: strings in single quotes, errors as Name('msg'). */
export function reprValue(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (value instanceof Error) {
    return value.message === "" ? `${value.name}()` : `${value.name}(${reprValue(value.message)})`;
  }
  if (typeof value === "function") return `<function ${value.name || "<anonymous>"}>`;
  return inspect(value, { depth: 1, breakLength: Infinity });
}

/** The name a callback shows in a repr: `name()`. */
export function callbackName(fn: unknown): string {
  if (typeof fn === "function") return `${fn.name === "" ? "<anonymous>" : fn.name}()`;
  return String(fn);
}

export const inspectCustom = Symbol.for("nodejs.util.inspect.custom");
