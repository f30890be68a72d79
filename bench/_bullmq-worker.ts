// A worker process of bench/bullmq.bench.ts: `node bench/_bullmq-worker.ts MODE REDIS_URL QUEUES
// CONCURRENCY`, QUEUES a comma-separated list (a BullMQ worker for each). MODE `asyncio-ts` runs
// `runWorker` (jobs by { module, name } from bench/, run as tasks of one asyncio loop); `raw` a
// plain BullMQ Worker whose processor calls the same functions. It prints `ready` once its workers
// are connected; the bench ends it with SIGKILL, or closes its stdin.
import { Worker } from "bullmq";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import * as asyncio from "../src/index.ts";
import { runWorker } from "../src/bullmq/index.ts";
import { add, spin } from "./_workers.ts";

const [mode, url, queueList, concurrencyText] = process.argv.slice(2);
if (url === undefined || queueList === undefined || concurrencyText === undefined) {
  throw new Error("usage: _bullmq-worker.ts asyncio-ts|raw REDIS_URL QUEUE[,QUEUE...] CONCURRENCY");
}
const queues = queueList.split(",");
const concurrency = Number(concurrencyText);
const { hostname, port } = new URL(url);
const connection = { host: hostname, port: Number(port) };

// The bench holds this process's stdin open: its end means the bench died (killed by the
// harness's time limit) and this worker must not outlive it.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();

if (mode === "raw") {
  await Promise.all(
    queues.map(async (queueName) => {
      const worker = new Worker(
        queueName,
        (job) => {
          const data = job.data as { a: number; b: number; iters: number };
          return Promise.resolve(job.name === "spin" ? spin(data.iters) : add(data.a, data.b));
        },
        { connection, concurrency },
      );
      await worker.waitUntilReady();
    }),
  );
  process.stdout.write("ready\n");
} else if (mode === "asyncio-ts") {
  // One loop runs the jobs of every queue; it runs until the process ends.
  await asyncio.run(async () => {
    const handles = await Promise.all(
      queues.map((queueName) =>
        runWorker({ connection: url, queueName, concurrency, root: dirname(fileURLToPath(import.meta.url)) }),
      ),
    );
    await Promise.all(handles.map((handle) => handle.worker.waitUntilReady()));
    process.stdout.write("ready\n");
    await asyncio.getRunningLoop().createFuture();
  });
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
