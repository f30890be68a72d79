import type { LazySpec } from "./lazy-battery.ts";
export function ioSpecs(): Record<string, LazySpec> {
  return {};
}
