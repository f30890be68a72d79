/**
 * Cross-realm `instanceof` for the library's error classes: two copies of the package (a bundle
 * and node_modules, or two versions) agree on `e instanceof asyncio.CancelledError`. Each branded
 * class marks its prototype with a registered symbol of its own; `instanceof` on a branded class
 * checks that mark, and on a user's subclass (no brand of its own) walks the prototype chain.
 */
const kBrand = Symbol.for("asyncio-ts.brand");

type Branded = { [kBrand]?: symbol };

/** Give `cls` the brand `Symbol.for("<namespace>.<name>")` and the `name` its instances show. */
export function brand(
  cls: abstract new (...args: never[]) => object,
  name: string,
  namespace = "asyncio-ts",
): void {
  const sym = Symbol.for(`${namespace}.${name}`);
  Object.defineProperty(cls.prototype, sym, { value: true });
  Object.defineProperty(cls, kBrand, { value: sym });
  Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true });
}

/** What a branded base class's `static [Symbol.hasInstance](value)` returns (call it with `this`). */
export function brandedHasInstance(cls: object, value: unknown): boolean {
  const branded = cls as Branded;
  // A user subclass has no brand of its own: ordinary prototype-chain instanceof.
  if (!Object.hasOwn(branded, kBrand)) return Function.prototype[Symbol.hasInstance].call(cls, value);
  const sym = branded[kBrand];
  if (sym === undefined || typeof value !== "object" || value === null) return false;
  return (value as Record<symbol, unknown>)[sym] === true;
}
