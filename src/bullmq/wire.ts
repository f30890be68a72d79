/**
 * What the BullMQ executor and its workers exchange through Redis: a job's data, the encoding of
 * arguments, results and errors (`v8.serialize`, a structured clone, as base64 text), the cancel
 * channel, and the connection options read from a `redis://` URL.
 * @module
 */
import { Buffer } from "node:buffer";
import { deserialize, serialize } from "node:v8";
import { asDataCloneError } from "../internal/run-job.ts";

/** A job's data in Redis: the function by reference and its arguments. */
export interface JobData {
  /** A package specifier, or a path relative to the worker's `--root` (`./jobs.ts`). */
  module: string;
  /** The export's name. */
  name: string;
  /** `v8.serialize(args)` as base64. */
  args: string;
  /** Set by the worker when the function threw: `v8.serialize(errorPayload(e))` as base64. */
  error?: string;
  /** With `error`: the message of the Error the job failed with (BullMQ's `failedReason`). */
  reason?: string;
}

/** A JSON value that comes back the same from `JSON.parse`: a finite number but -0, a string, a boolean, null. */
function jsonExact(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  return typeof value === "string" || typeof value === "boolean" || value === null;
}

/**
 * Encode `value` as base64 of `v8.serialize` (what a structured clone keeps). A primitive that
 * JSON keeps exactly, or a plain array of them (most arguments and results), is written as `j`
 * and its JSON instead, which decodes to the same value: `v8.serialize` costs a serializer object
 * each time, and was a fifth of a tiny job's CPU in its worker. (Base64 of `v8.serialize` starts
 * with `/`, its version tag 0xFF.)
 * @throws {DOMException} a `DataCloneError` naming what cannot travel and saying what `what` was.
 */
export function encode(value: unknown, what: string): string {
  if (jsonExact(value)) return `j${JSON.stringify(value)}`;
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) {
    let exact = true;
    for (let i = 0; i < value.length && exact; i++) exact = i in value && jsonExact(value[i]);
    if (exact && Object.keys(value).length === value.length) return `j${JSON.stringify(value)}`;
  }
  try {
    return serialize(value).toString("base64");
  } catch (e) {
    const error = asDataCloneError(e);
    if (error instanceof Error) {
      throw new DOMException(
        `${what} cannot travel to a BullMQ worker: ${error.message} (only what a structured clone keeps travels: no functions, symbols or class instances' methods)`,
        "DataCloneError",
      );
    }
    throw error;
  }
}

/** Decode what {@link encode} made. */
export function decode(text: string): unknown {
  if (text.startsWith("j")) return JSON.parse(text.slice(1));
  return deserialize(Buffer.from(text, "base64"));
}

/** The Redis pub/sub channel on which an executor asks the workers of `queueName` to cancel a job. */
export function cancelChannel(queueName: string): string {
  return `asyncio-ts:${queueName}:cancel`;
}

/** The Redis connection options of a `redis://[user:password@]host[:port][/db]` (or `rediss://`) URL. */
export function connectionFromUrl(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`expected a Redis URL such as redis://127.0.0.1:6379, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`expected a redis:// or rediss:// URL, got ${JSON.stringify(url)}`);
  }
  const options: ReturnType<typeof connectionFromUrl> = {
    host: parsed.hostname || "127.0.0.1",
    port: parsed.port === "" ? 6379 : Number(parsed.port),
  };
  if (parsed.username !== "") options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") options.password = decodeURIComponent(parsed.password);
  const db = parsed.pathname.replace(/^\//, "");
  if (db !== "") options.db = Number(db);
  if (parsed.protocol === "rediss:") options.tls = {};
  return options;
}

/** An ioredis `Redis` client (not a Cluster), told apart from options by what only a client has. */
export function isRedisClient(value: unknown): value is { options: object; status: string } {
  if (typeof value !== "object" || value === null) return false;
  const client = value as { duplicate?: unknown; options?: unknown; status?: unknown; isCluster?: unknown };
  return (
    typeof client.duplicate === "function" &&
    typeof client.options === "object" &&
    typeof client.status === "string" &&
    client.isCluster !== true
  );
}

/**
 * Options for another connection to the server of `connection`, for a blocking reader or a
 * subscriber (which must not share a client, and must retry without limit): a client's own options
 * when `connection` is an ioredis client (the caller owns the new connection, not the client).
 */
export function connectionOptionsFor(connection: object): object {
  const options = isRedisClient(connection) ? connection.options : connection;
  return { ...options, maxRetriesPerRequest: null };
}
