// Optional peer dependencies: a subpath that needs packages the user may not have installed
// checks for them when it is imported, and fails with one line that names the command to run,
// instead of Node's ERR_MODULE_NOT_FOUND for the first missing name.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The names among `packages` that cannot be resolved from this package. */
export function missingPeers(packages: readonly string[]): string[] {
  return packages.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") return true;
      throw error;
    }
  });
}

/** Throw if any of `packages` is missing: `asyncio-ts/<subpath> needs ...: npm install ...`. */
export function requirePeers(subpath: string, packages: readonly string[]): void {
  const missing = missingPeers(packages);
  if (missing.length === 0) return;
  const names = missing.join(" and ");
  throw new Error(
    `asyncio-ts/${subpath} needs ${names}, not installed: run \`npm install ${packages.join(" ")}\``,
  );
}

/** Load a CommonJS peer that requirePeers() has checked (the caller casts it to its types). */
export function loadPeer(name: string): unknown {
  return require(name);
}
