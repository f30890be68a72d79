// The hand-written worker_threads floor of bench/executor.bench.ts and bench/cpu.bench.ts: a
// fixed set of eval'd Workers, each running one job at a time (as ThreadPoolExecutor and
// piscina do), jobs queued in a ring buffer, results matched by id.
import { Worker } from "node:worker_threads";
import { Ring } from "./_raw.ts";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fns = new Map();
parentPort.on("message", ([id, source, args]) => {
  let fn = fns.get(source);
  if (fn === undefined) fns.set(source, (fn = (0, eval)("(" + source + ")")));
  parentPort.postMessage([id, fn(...args)]);
});
`;

interface Job {
  id: number;
  source: string;
  args: unknown[];
  resolve: (v: unknown) => void;
}

export class RawPool {
  readonly #idle: Worker[] = [];
  readonly #all: Worker[] = [];
  readonly #queue = new Ring<Job>();
  readonly #running = new Map<Worker, Job>();
  #nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true });
      w.on("message", ([id, result]: [number, unknown]) => {
        const job = this.#running.get(w);
        if (job?.id !== id) throw new Error("raw pool: reply for another job");
        this.#running.delete(w);
        job.resolve(result);
        this.#give(w);
      });
      this.#all.push(w);
      this.#idle.push(w);
    }
  }

  /** Run the self-contained function `fn(...args)` on a worker. */
  run<R>(fn: (...args: never[]) => R, ...args: unknown[]): Promise<R> {
    return new Promise<R>((resolve) => {
      const job: Job = {
        id: this.#nextId++,
        source: fn.toString(),
        args,
        resolve: resolve as (v: unknown) => void,
      };
      const w = this.#idle.pop();
      if (w === undefined) this.#queue.push(job);
      else this.#send(w, job);
    });
  }

  #send(w: Worker, job: Job): void {
    this.#running.set(w, job);
    w.postMessage([job.id, job.source, job.args]);
  }

  #give(w: Worker): void {
    if (this.#queue.length > 0) this.#send(w, this.#queue.shift());
    else this.#idle.push(w);
  }

  async close(): Promise<void> {
    await Promise.all(this.#all.map((w) => w.terminate()));
  }
}
