/**
 * The trace timeline's memory: a ring of the last N records, each complete in itself (a whole
 * slice, a whole flow pair, a mark), so that dropping the oldest never leaves a begin without its
 * end. Struct-of-arrays in typed arrays: a record costs no allocation once the ring has grown.
 * @module
 */

/** Record kinds. */
export const STEP = 1; // a task step: ts, dur, obj = its TaskInfo, ref = the step's number
export const LIFE = 2; // a task's lifetime: ts = created, dur, obj = its TaskInfo
export const FLOW = 3; // an awaited-by edge: ref = the awaiting step's seq, dur = the awaited step's seq
export const SLOW_CALLBACK = 4; // a slow plain callback: ts, dur, obj = what ran and on which loop track

/** Record flags. */
export const F_SLOW = 1; // at least the loop's slowCallbackDuration
export const F_FINAL = 2; // the task's last step: it finished there
export const F_FOREIGN = 4; // ended at a foreign await: seen when microtasks drained, so late

/** The ring starts this small and doubles up to its bound. */
const INITIAL = 1024;

/** A ring of records numbered 0, 1, 2...: record `seq` is kept while `seq >= oldest`. */
export class TraceRing<T> {
  /** The bound: at most this many records are kept. */
  readonly max: number;
  /** How many records were ever pushed (the next record's seq). */
  total = 0;
  #cap: number;
  kind: Uint8Array;
  flags: Uint8Array;
  ts: Float64Array;
  dur: Float64Array;
  ref: Float64Array;
  obj: (T | null)[];

  constructor(max: number) {
    this.max = max;
    this.#cap = Math.min(max, INITIAL);
    this.kind = new Uint8Array(this.#cap);
    this.flags = new Uint8Array(this.#cap);
    this.ts = new Float64Array(this.#cap);
    this.dur = new Float64Array(this.#cap);
    this.ref = new Float64Array(this.#cap);
    this.obj = new Array<T | null>(this.#cap).fill(null);
  }

  /** The seq of the oldest record still kept. */
  get oldest(): number {
    return this.total > this.#cap ? this.total - this.#cap : 0;
  }

  /** How many records were dropped to keep the bound. */
  get dropped(): number {
    return this.oldest;
  }

  /** Where record `seq` (not dropped) lives in the arrays. */
  slot(seq: number): number {
    return seq % this.#cap;
  }

  /** Append a record, dropping the oldest if the ring is full; returns its seq. */
  push(kind: number, flags: number, ts: number, dur: number, obj: T | null, ref: number): number {
    const seq = this.total;
    // The ring grows only before it first wraps, so a record never moves to another slot.
    if (seq === this.#cap && this.#cap < this.max) this.#grow();
    const i = seq % this.#cap;
    this.kind[i] = kind;
    this.flags[i] = flags;
    this.ts[i] = ts;
    this.dur[i] = dur;
    this.ref[i] = ref;
    this.obj[i] = obj;
    this.total = seq + 1;
    return seq;
  }

  #grow(): void {
    const cap = Math.min(this.max, this.#cap * 2);
    const grow = <A extends Uint8Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
    this.ts = grow(this.ts, (n) => new Float64Array(n));
    this.dur = grow(this.dur, (n) => new Float64Array(n));
    this.ref = grow(this.ref, (n) => new Float64Array(n));
    const obj = new Array<T | null>(cap).fill(null);
    for (let i = 0; i < this.#cap; i++) obj[i] = this.obj[i] ?? null;
    this.obj = obj;
    this.#cap = cap;
  }
}
