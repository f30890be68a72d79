/**
 * `npx asyncio-ts worker --redis URL --queue NAME [--concurrency N] [--root DIR]
 * [--lock-duration SECONDS] [--stalled-interval SECONDS] [--max-result-size BYTES]`: a BullMQ worker for the jobs of a
 * `BullMQExecutor` (asyncio-ts/bullmq). It prints a start line, then, when
 * stdout is a terminal, the jobs done, failed and running, at most once a second when they change.
 * SIGINT or SIGTERM closes it (the running jobs finish) and it exits with status 0.
 * @module
 */
import { resolve } from "node:path";
import { clearTimeout, setTimeout } from "../internal/clock.ts";

const USAGE =
  "usage: asyncio-ts worker --redis URL --queue NAME [--concurrency N] [--root DIR] " +
  "[--lock-duration SECONDS] [--stalled-interval SECONDS] [--max-result-size BYTES]";

/** Run the worker until SIGINT or SIGTERM; resolves with the exit status. */
export async function main(args: string[]): Promise<number> {
  const given: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const m =
      /^--(redis|queue|concurrency|root|lock-duration|stalled-interval|max-result-size)(?:=(.*))?$/.exec(arg);
    const value = m?.[2] ?? args[i + 1];
    if (m === null || value === undefined) {
      process.stderr.write(`asyncio-ts worker: unexpected ${JSON.stringify(arg)}\n${USAGE}\n`);
      return 2;
    }
    if (m[2] === undefined) i++;
    given[m[1] ?? ""] = value;
  }
  const { redis, queue } = given;
  if (redis === undefined || queue === undefined) {
    process.stderr.write(`asyncio-ts worker: --redis and --queue are required\n${USAGE}\n`);
    return 2;
  }
  const concurrency = Number(given.concurrency ?? "1");
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    process.stderr.write(
      `asyncio-ts worker: --concurrency takes a positive integer, got ${given.concurrency ?? ""}\n`,
    );
    return 2;
  }
  const root = resolve(given.root ?? ".");
  const maxResultSize = given["max-result-size"] === undefined ? undefined : Number(given["max-result-size"]);
  if (maxResultSize !== undefined && !(Number.isInteger(maxResultSize) && maxResultSize > 0)) {
    process.stderr.write(
      `asyncio-ts worker: --max-result-size takes a positive integer of bytes, got ${given["max-result-size"] ?? ""}\n`,
    );
    return 2;
  }
  // BullMQ's lock of a running job, and how often a worker looks for jobs whose lock expired
  // (their worker died): shorter finds a dead worker's job sooner, at more Redis traffic.
  const seconds: { lockDuration?: number; stalledInterval?: number } = {};
  for (const [flag, key] of [
    ["lock-duration", "lockDuration"],
    ["stalled-interval", "stalledInterval"],
  ] as const) {
    const text = given[flag];
    if (text === undefined) continue;
    const value = Number(text);
    if (!(value > 0)) {
      process.stderr.write(`asyncio-ts worker: --${flag} takes a positive number of seconds, got ${text}\n`);
      return 2;
    }
    seconds[key] = value;
  }
  // Registered first: a signal during the start closes the worker once it has started.
  const signalled = new Promise<void>((resolveSignal) => {
    const onSignal = (): void => {
      process.removeListener("SIGINT", onSignal);
      process.removeListener("SIGTERM", onSignal);
      resolveSignal();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
  // The subpath checks its peers when imported: without them, one line says what to install.
  const { runWorker } = await import("../bullmq/index.ts");
  const handle = await runWorker({
    connection: redis,
    queueName: queue,
    concurrency,
    root,
    ...seconds,
    ...(maxResultSize === undefined ? {} : { maxResultSize }),
  });
  process.stdout.write(
    `asyncio-ts worker: queue ${JSON.stringify(queue)} on ${redis}, concurrency ${concurrency}, root ${root}, pid ${process.pid}\n`,
  );
  let shown = "";
  let timer: ReturnType<typeof setTimeout> | null = null;
  const show = (): void => {
    const { done, failed, running } = handle.counts;
    const line = `done ${done}, failed ${failed}, running ${running}`;
    if (line !== shown) {
      shown = line;
      process.stdout.write(`${line}\n`);
    }
    timer = setTimeout(show, 1000);
  };
  if (process.stdout.isTTY) timer = setTimeout(show, 1000);
  await signalled;
  if (timer !== null) clearTimeout(timer);
  await handle.close();
  const { done, failed } = handle.counts;
  process.stdout.write(`asyncio-ts worker: closed (done ${done}, failed ${failed})\n`);
  return 0;
}
