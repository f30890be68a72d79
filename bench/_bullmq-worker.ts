// A worker process of bench/bullmq.bench.ts: `node bench/_bullmq-worker.ts MODE REDIS_URL QUEUE
// CONCURRENCY`. MODE `asyncio-ts` runs `runWorker` (jobs by { module, name } from bench/, run as
// tasks of its loop); `raw` a plain BullMQ Worker whose processor calls the same functions. It
// prints `ready` once its worker is connected; the bench ends it with SIGKILL, or closes its stdin.
import { Worker } from "bullmq";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { runWorker } from "../src/bullmq/index.ts";
import { add, spin } from "./_workers.ts";

const [mode, url, queueName, concurrencyText] = process.argv.slice(2);
if (url === undefined || queueName === undefined || concurrencyText === undefined) {
  throw new Error("usage: _bullmq-worker.ts asyncio-ts|raw REDIS_URL QUEUE CONCURRENCY");
}
const concurrency = Number(concurrencyText);
const { hostname, port } = new URL(url);
const connection = { host: hostname, port: Number(port) };

if (mode === "raw") {
  const worker = new Worker(
    queueName,
    (job) => {
      const data = job.data as { a: number; b: number; iters: number };
      return Promise.resolve(job.name === "spin" ? spin(data.iters) : add(data.a, data.b));
    },
    { connection, concurrency },
  );
  await worker.waitUntilReady();
} else if (mode === "asyncio-ts") {
  const handle = await runWorker({
    connection: url,
    queueName,
    concurrency,
    root: dirname(fileURLToPath(import.meta.url)),
  });
  await handle.worker.waitUntilReady();
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
process.stdout.write("ready\n");
// The bench holds this process's stdin open: its end means the bench died (killed by the
// harness's time limit) and this worker must not outlive it.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
