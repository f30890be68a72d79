/**
 * The script each ProcessPoolExecutor child process runs (started by `child_process.fork` with
 * `serialization: "advanced"`, so IPC messages cross by structured clone): it receives one job at
 * a time and posts back the reply, as a worker thread does (see run-job.ts).
 * @module
 */
import {
  asDataCloneError,
  errorPayload,
  runJob,
  type CrashMessage,
  type JobMessage,
  type ReplyMessage,
} from "./run-job.ts";

/** Post a reply; a value the IPC serializer refuses is a DataCloneError, as in a worker thread. */
function post(reply: ReplyMessage): void {
  try {
    process.send?.(reply);
  } catch (e) {
    throw asDataCloneError(e);
  }
}

process.on("message", (job: JobMessage) => {
  void runJob(job, post);
});

// An uncaught error (or unhandled rejection) ends the child, as it ends a worker thread; like a
// worker thread's, it goes to the pool (the cause of its BrokenProcessPool) instead of stderr.
process.on("uncaughtException", (e: unknown) => {
  const exit = (): never => process.exit(1);
  try {
    process.send?.({ crash: errorPayload(e) } satisfies CrashMessage, undefined, undefined, exit);
  } catch {
    exit();
  }
});

// The pool is gone (it ended, or its process died): nothing can reach this child any more, so it
// does not outlive its parent even when a job left a timer or a socket open.
process.on("disconnect", () => {
  process.exit();
});
