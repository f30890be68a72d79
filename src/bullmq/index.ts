/**
 * `asyncio-ts/bullmq`: executors that reach past one machine, on BullMQ and Redis.
 *
 * BullMQ and ioredis are optional peer dependencies: importing this subpath without them fails
 * at once with one line that names the command installing them. The core (`asyncio-ts`) never
 * loads this module.
 *
 * @module
 */
import { requirePeers } from "../internal/peers.ts";

/** The packages this subpath needs, and the command that installs them. */
export const PEER_DEPENDENCIES = ["bullmq", "ioredis"] as const;

requirePeers("bullmq", PEER_DEPENDENCIES);

export { BullMQExecutor, type BullMQExecutorOptions, type MapOptions, type MapProgress } from "./executor.ts";
export { runWorker, type WorkerCounts, type WorkerHandle, type WorkerOptions } from "./worker.ts";
