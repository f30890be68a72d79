// Jobs of bench/executor.bench.ts and bench/cpu.bench.ts, exported for a worker thread to import
// (asyncio-ts by { module, name }, piscina by filename + name, raw Workers by the same module).

/** The tiny job. */
export function add(a: number, b: number): number {
  return a + b;
}

/** piscina passes one task: the same job over a pair. */
export function addPair([a, b]: [number, number]): number {
  return a + b;
}

/**
 * The CPU-bound job: `iters` steps of the logistic map (a chain of dependent float multiplies,
 * ~1.9 ns a step). Float64 only, so V8 compiles it the same way wherever it is called; an int32
 * LCG with overflowing adds ran 1x to 4x slower depending on the call site and the tier.
 */
export function spin(iters: number): number {
  let x = 0.5;
  for (let i = 0; i < iters; i++) x = 3.9 * x * (1 - x);
  return x;
}
