/**
 * The script each ThreadPoolExecutor worker thread runs: it receives one job at a time and posts
 * back the reply (see run-job.ts).
 * @module
 */
import { parentPort } from "node:worker_threads";
import { runJob, type JobMessage } from "./run-job.ts";

const port = parentPort;
if (port !== null) {
  port.on("message", (job: JobMessage) => {
    void runJob(job, (reply) => {
      port.postMessage(reply);
    });
  });
}
