/**
 * `BullMQExecutor`: the executors' interface (`submit`, `map`, `shutdown`) on a BullMQ queue, so
 * that `loop.runInExecutor(executor, fnRef, ...args)` runs a job on any worker process of any
 * machine connected to the same Redis (see worker.ts and docs/bullmq.md).
 * @module
 */
import { randomBytes } from "node:crypto";
import { isAbsolute, win32 } from "node:path";
import type { ConnectionOptions, DefaultJobOptions, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { BaseEventLoop } from "../base-events.ts";
import { getRunningLoop } from "../events.ts";
import { RuntimeError, TimeoutError } from "../exceptions.ts";
import type { ArgsOf, Executor, FunctionRef, ResultOf, ShutdownOptions } from "../executors.ts";
import type { Future } from "../futures.ts";
import { bindOutsideTasks } from "../internal/context.ts";
import { clearTimeout, setTimeout } from "../internal/clock.ts";
import { loadPeer } from "../internal/peers.ts";
import { rebuildThrown } from "../internal/pool.ts";
import { inspectCustom } from "../internal/repr.ts";
import type { ThrownPayload } from "../internal/run-job.ts";
import {
  cancelChannel,
  connectionFromUrl,
  connectionOptionsFor,
  decode,
  encode,
  isRedisClient,
  type JobData,
} from "./wire.ts";

/** The options of {@link BullMQExecutor}. */
export interface BullMQExecutorOptions {
  /**
   * A `redis://[user:password@]host[:port][/db]` URL, BullMQ's connection options (ioredis
   * options: `{ host, port }`), or an ioredis `Redis` client. The executor opens and closes the
   * connections it makes from a URL or options; a client passed here stays the caller's: the
   * executor sends its commands on it, never closes it (close it after `shutdown()`), and reads
   * the queue's events on a connection of its own made from the client's options.
   */
  connection: ConnectionOptions | string;
  /** The queue's name: workers started with the same name run the jobs. */
  queueName: string;
  /** BullMQ's options of every job (`attempts`, `backoff`, `removeOnComplete`, ...). */
  defaultJobOptions?: DefaultJobOptions;
  /**
   * Seconds a Future waits for its job to finish before it fails with a TimeoutError that says
   * the job's state (default: no limit).
   */
  timeout?: number | null;
  /**
   * How many events the queue's event stream keeps (BullMQ's `streams.events.maxLen`, 10,000 by
   * default), from which this executor learns that its jobs finished. By default the executor
   * sizes it itself: at least 10,000, raised (never lowered, in the queue's meta) while the jobs it
   * has in flight could make more events than that. A number fixes it. Either way, a Future
   * whose job's event fell off the stream before the executor read it still settles: the executor
   * notices the lost events and reads the job's outcome from Redis.
   */
  eventsMaxLen?: number;
}

/** What {@link BullMQExecutor.map}'s `onProgress` is told. */
export interface MapProgress {
  /** Jobs that succeeded. */
  done: number;
  /** Jobs that failed. */
  failed: number;
  /** Jobs submitted. */
  total: number;
}

/** The options of {@link BullMQExecutor.map}, its last argument. */
export interface MapOptions {
  /** Called on the loop each time a job succeeds or fails. */
  onProgress?: (progress: MapProgress) => void;
}

interface Pending {
  readonly id: string;
  readonly what: string;
  readonly future: Future;
  readonly loop: BaseEventLoop;
  /** Resolves once the job is in Redis (or adding it failed). */
  added: Promise<void>;
  /** The job is over as far as this executor is concerned: finished, removed, or timed out. */
  over: boolean;
  timer: { cancel(): void } | null;
  /** Called right after the Future gets its outcome (map's progress), before anyone awaiting it resumes. */
  readonly onSettled: ((ok: boolean) => void) | null;
  /** The job was added to Redis: its state there can be read. */
  inRedis: boolean;
}

/** A function reference checked, with the strings a job of it needs (made once, not per job). */
interface CheckedRef {
  readonly module: string;
  readonly name: string;
  /** `module#name`, for messages. */
  readonly what: string;
  /** What `encode` calls the arguments in its error. */
  readonly argsWhat: string;
}

/** What a Pending's `added` is before its job is sent. */
const NOT_ADDED: Promise<void> = Promise.resolve();

/** The place `rebuildThrown` names in its messages. */
const WHERE = "BullMQ worker";

/** BullMQ's default number of events a queue's stream keeps. */
const DEFAULT_EVENTS_MAX_LEN = 10_000;
/**
 * Events a job in flight may add to the stream before its last one is read: added, waiting,
 * active, completed or failed, and a retry's delayed, waiting and active again; doubled for
 * everything else the queue's other clients do meanwhile.
 */
const EVENTS_PER_JOB = 8;
/** How often, in seconds, an executor with jobs in flight checks that it lost no event. */
const CHECK_INTERVAL = 1;
/** How many job states one recovery reads at once. */
const RECOVER_BATCH = 500;

/**
 * Raise the queue's cap on its event stream (`opts.maxLenEvents` in its meta hash, read by
 * BullMQ's scripts on each event) to ARGV[1] unless it is already higher; write the version
 * BullMQ's Queue writes; return the cap now in force.
 */
const RAISE_EVENTS_CAP = `
local cap = tonumber(redis.call("HGET", KEYS[1], "opts.maxLenEvents"))
redis.call("HSET", KEYS[1], "version", ARGV[2])
if cap == nil or cap < tonumber(ARGV[1]) then
  redis.call("HSET", KEYS[1], "opts.maxLenEvents", ARGV[1])
  return tonumber(ARGV[1])
end
return cap`;

/** Stream ids (`ms-seq`) compared: negative if `a` is older than `b`. */
function compareIds(a: string, b: string): number {
  const [aMs = "0", aSeq = "0"] = a.split("-");
  const [bMs = "0", bSeq = "0"] = b.split("-");
  if (aMs !== bMs) return Number(aMs) - Number(bMs);
  const diff = BigInt(aSeq) - BigInt(bSeq);
  return diff < 0n ? -1 : diff > 0n ? 1 : 0;
}

/** A field of an `XINFO STREAM` reply (a flat list of names and values). */
function infoField(info: unknown[], name: string): unknown {
  const at = info.indexOf(name);
  return at < 0 || at % 2 === 1 ? undefined : info[at + 1];
}

/** `{ module, name }` checked: a module that means the same on another machine. */
function checkRef(fn: unknown): { module: string; name: string } {
  if (typeof fn === "function") {
    throw new TypeError(
      "a BullMQExecutor sends functions by reference only: pass { module, name }, where module is a " +
        'package specifier or a path relative to the workers\' --root ({ module: "./jobs.ts", name: "add" })',
    );
  }
  if (typeof fn !== "object" || fn === null || !("module" in fn) || !("name" in fn)) {
    throw new TypeError(`expected { module, name }, got ${String(fn)}`);
  }
  const { module, name } = fn as FunctionRef;
  if (typeof name !== "string" || name === "") {
    throw new TypeError("a function reference needs its export's name as a non-empty string");
  }
  const text = String(module);
  if (module instanceof URL || text.startsWith("file:") || isAbsolute(text) || win32.isAbsolute(text)) {
    throw new TypeError(
      `a BullMQExecutor cannot send ${JSON.stringify(text)}: it names a file of the submitting machine, ` +
        "which a worker on another machine does not have; pass a package specifier or a path relative " +
        'to the workers\' --root ({ module: "./jobs.ts", name: ' +
        `${JSON.stringify(name)} })`,
    );
  }
  if (typeof module !== "string" || module === "") {
    throw new TypeError("a function reference needs its module as a non-empty string");
  }
  return { module, name };
}

/**
 * An executor whose jobs run on BullMQ workers (`npx asyncio-ts worker`, or {@link runWorker}),
 * on this machine or others, through Redis: the executors' interface of
 * `ThreadPoolExecutor`, for `loop.runInExecutor`, `submit` and `map`.
 *
 * Functions travel by reference only, `{ module, name }`, where `module` is a package specifier
 * or a path relative to the workers' `--root` (`"./jobs.ts"`); arguments and results travel as
 * `v8.serialize` (a structured clone). What a job throws reaches the caller with its name,
 * message, stack and own properties. Cancelling a Future removes its job if it is waiting, and
 * cancels the job's task in the worker if it runs (the job then fails without retry).
 *
 * Delivery is BullMQ's: at least once (a job whose worker died is run again).
 * @extension
 */
export class BullMQExecutor implements Executor {
  readonly #queueName: string;
  readonly #queue: Queue;
  #events: QueueEvents | null = null;
  readonly #ready: Promise<void>;
  readonly #timeout: number | null;
  readonly #jobs = new Map<string, Pending>();
  /**
   * Job ids are this prefix (96 random bits, base64url, and a dot: never an integer, no colon)
   * and a count in base 36: unique across the queue's executors without a UUID per job.
   */
  readonly #idPrefix = `${randomBytes(12).toString("base64url")}.`;
  #idCount = 0;
  #shutdown = false;
  #closing: Promise<void> | null = null;
  #idle: (() => void) | null = null;
  /** The last connection error (ioredis reconnects by itself): timeouts name it. */
  #lastError: Error | null = null;
  /** The queue's client (BullMQ's Redis backend's client is an ioredis client), once ready. */
  #client: Redis | null = null;
  /** `eventsMaxLen` when given (fixed), else null (sized by the executor). */
  readonly #eventsMaxLen: number | null;
  /** The event stream's cap as this executor last set or read it. */
  #eventsCap = DEFAULT_EVENTS_MAX_LEN;
  /** The id of the last event read from the stream, and how many were read since the start. */
  #seenId = "0-0";
  #seenCount = 0;
  /** The stream's `entries-added` when reading began (null: the server does not say, Redis < 7). */
  #startCount: number | null = null;
  /** Events known lost (added after the start, trimmed before they were read). */
  #lost = 0;
  #checkTimer: NodeJS.Timeout | null = null;
  #checking = false;
  /** The queue and its event reader are ready (#ready resolved): jobs are added at once. */
  #listening = false;
  /** The last function reference checked: the next one like it needs no check (nor new strings). */
  #lastRef: CheckedRef | null = null;

  /**
   * Open the queue and its event stream.
   * @throws {TypeError} without a `queueName` or a `connection`.
   * @throws {RangeError} for a `timeout` or an `eventsMaxLen` out of range.
   */
  constructor(options: BullMQExecutorOptions) {
    const { queueName, defaultJobOptions, timeout = null, eventsMaxLen } = options;
    const connection =
      typeof options.connection === "string" ? connectionFromUrl(options.connection) : options.connection;
    if (typeof queueName !== "string" || queueName === "") {
      throw new TypeError("BullMQExecutor needs a queueName: new BullMQExecutor({ connection, queueName })");
    }
    const given: unknown = connection;
    if (typeof given !== "object" || given === null) {
      throw new TypeError(
        'BullMQExecutor needs a connection: new BullMQExecutor({ connection: "redis://127.0.0.1:6379", queueName }), or ioredis options or an ioredis client as connection',
      );
    }
    if (timeout !== null && !(typeof timeout === "number" && timeout > 0)) {
      throw new RangeError(`timeout must be a positive number of seconds or null, got ${String(timeout)}`);
    }
    if (eventsMaxLen !== undefined && !(Number.isSafeInteger(eventsMaxLen) && eventsMaxLen > 0)) {
      throw new RangeError(
        `eventsMaxLen must be a positive integer (events the queue's stream keeps), got ${String(eventsMaxLen)}`,
      );
    }
    const bullmq = loadPeer("bullmq") as typeof import("bullmq");
    this.#queueName = queueName;
    this.#timeout = timeout;
    this.#eventsMaxLen = eventsMaxLen ?? null;
    this.#queue = new bullmq.Queue(queueName, {
      connection,
      ...(defaultJobOptions === undefined ? {} : { defaultJobOptions }),
      // A fixed cap is BullMQ's own option; a sized one is raised, never lowered, by #listen.
      ...(eventsMaxLen === undefined
        ? { skipMetasUpdate: true }
        : { streams: { events: { maxLen: eventsMaxLen } } }),
    });
    this.#queue.on("error", (e: Error) => {
      this.#lastError = e;
    });
    // The event reader blocks its connection: a client passed in cannot be it.
    const eventsConnection = isRedisClient(connection)
      ? (connectionOptionsFor(connection) as ConnectionOptions)
      : connection;
    this.#ready = this.#listen(bullmq, eventsConnection);
    this.#ready.catch(() => {});
  }

  /**
   * Read the queue's events from now on: from the stream's last id when this executor started
   * (not from whenever the first read happens to be sent, BullMQ's default), so that a job that
   * finishes at once is not missed; the stream's count of events added then lets #check tell how
   * many were lost.
   */
  async #listen(bullmq: typeof import("bullmq"), connection: ConnectionOptions): Promise<void> {
    await this.#queue.waitUntilReady();
    const client = (await this.#queue.backend.client) as unknown as Redis;
    this.#client = client;
    if (this.#eventsMaxLen === null) await this.#raiseCap(DEFAULT_EVENTS_MAX_LEN);
    const info = await this.#streamInfo();
    if (info === null) {
      // No stream yet: the first event will make it.
      this.#startCount = 0;
    } else {
      this.#seenId = String(infoField(info, "last-generated-id"));
      const added = infoField(info, "entries-added");
      this.#startCount = added === undefined ? null : Number(added);
    }
    // Every event read is counted once (BullMQ emits a job's event twice: by name, and by name and
    // job id), which is what #check compares with the stream's count.
    const onEvent = (id: unknown): void => {
      if (typeof id !== "string" || id === this.#seenId) return;
      this.#seenId = id;
      this.#seenCount++;
    };
    const Events = class extends bullmq.QueueEvents {
      override emit(event: string, ...args: unknown[]): boolean {
        onEvent(args.at(-1));
        return (super.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
      }
    };
    const events = new Events(this.#queueName, { connection, lastEventId: this.#seenId });
    this.#events = events;
    events.on("error", (e: Error) => {
      this.#lastError = e;
    });
    events.on(
      "completed",
      bindOutsideTasks(({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => {
        this.#completed(jobId, returnvalue);
      }),
    );
    events.on(
      "failed",
      bindOutsideTasks(({ jobId, failedReason }: { jobId: string; failedReason: string }) => {
        void this.#failed(jobId, failedReason);
      }),
    );
    this.#listening = true;
  }

  /** `XINFO STREAM` of the queue's events, or null when there is no stream. */
  async #streamInfo(): Promise<unknown[] | null> {
    try {
      return (await this.#client?.xinfo("STREAM", this.#queue.toKey("events"))) as unknown[];
    } catch (e) {
      if (e instanceof Error && /no such key/i.test(e.message)) return null;
      throw e;
    }
  }

  /** Raise the stream's cap to at least `wanted` events, in the queue's meta. */
  async #raiseCap(wanted: number): Promise<void> {
    this.#eventsCap = Math.max(this.#eventsCap, wanted);
    const client = this.#client;
    if (client === null) return;
    const cap = await client.eval(
      RAISE_EVENTS_CAP,
      1,
      this.#queue.toKey("meta"),
      String(wanted),
      String(this.#queue.metaValues.version),
    );
    this.#eventsCap = Math.max(this.#eventsCap, Number(cap));
  }

  /**
   * Tell whether events were lost: when the reader has read everything in the stream (nothing
   * follows the last id it read), the events added since the start that it did not read were
   * trimmed before it could. Then read the outcome of every job in flight from Redis.
   */
  async #check(): Promise<void> {
    if (this.#checking || this.#client === null || this.#events === null) return;
    this.#checking = true;
    try {
      const seenId = this.#seenId;
      const seenCount = this.#seenCount;
      // Sent in this order on one connection: what XINFO counts, XRANGE then finds read or gone.
      const [info, next] = await Promise.all([
        this.#streamInfo(),
        this.#client.xrange(this.#queue.toKey("events"), seenId, "+", "COUNT", 2),
      ]);
      if (info === null) return;
      let lost: boolean;
      const added = infoField(info, "entries-added");
      if (this.#startCount !== null && added !== undefined) {
        if (next.some(([id]) => id !== seenId)) return;
        const missed = Number(added) - this.#startCount - seenCount;
        lost = missed > this.#lost;
        if (lost) this.#lost = missed;
      } else {
        // Without the count (Redis < 7): the oldest event kept is newer than the last one read.
        const first = infoField(info, "first-entry") as [string, unknown] | null | undefined;
        lost = first != null && compareIds(first[0], seenId) > 0;
      }
      if (lost) await this.#recover();
    } catch (e) {
      this.#lastError = e instanceof Error ? e : new Error(String(e));
    } finally {
      this.#checking = false;
    }
  }

  /** Check for lost events in {@link CHECK_INTERVAL} seconds, and so on while jobs are in flight. */
  #armCheck(): void {
    if (this.#checkTimer !== null) return;
    // Unreferenced: the executor's connections, not this timer, keep the process alive.
    this.#checkTimer = setTimeout(() => {
      this.#checkTimer = null;
      void this.#check().finally(() => {
        if (this.#jobs.size > 0) this.#armCheck();
      });
    }, CHECK_INTERVAL * 1000).unref();
  }

  /** Read the outcome of every job in flight from Redis (its event was perhaps lost). */
  async #recover(): Promise<void> {
    const jobs = [...this.#jobs.values()].filter((job) => job.inRedis && !job.over);
    for (let i = 0; i < jobs.length; i += RECOVER_BATCH) {
      await Promise.all(jobs.slice(i, i + RECOVER_BATCH).map((job) => this.#reconcile(job)));
    }
  }

  /**
   * Settle `job` from its state in Redis if it is over there (its event was lost, or is late);
   * return its state.
   */
  async #reconcile(job: Pending): Promise<string> {
    const state = await this.#queue.getJobState(job.id);
    if (job.over) return state;
    if (state === "completed" || state === "failed") {
      const stored = await this.#queue.getJob(job.id);
      if (stored !== undefined) {
        if (state === "completed") this.#completed(job.id, stored.returnvalue);
        else await this.#failed(job.id, stored.failedReason);
        return state;
      }
    } else if (state !== "unknown") {
      return state;
    }
    this.#settle(
      job,
      false,
      new Error(
        `job ${job.id} (${job.what}) of queue ${JSON.stringify(this.#queueName)} is no longer in Redis, and its ` +
          "outcome was not heard: its event fell off the queue's event stream (raise eventsMaxLen) and the job " +
          "was removed (removeOnComplete, removeOnFail, or by another client)",
      ),
    );
    return state;
  }

  /** The queue's name. */
  get queueName(): string {
    return this.#queueName;
  }

  /**
   * Add a job running `fn(...args)` on a worker; return a Future of the running loop for its
   * result.
   * @throws {TypeError} if `fn` is not `{ module, name }` with a module a worker can import (a
   * `file:` URL or an absolute path names a file of this machine).
   * @throws {DOMException} a `DataCloneError` if an argument does not survive `v8.serialize`.
   * @throws {RuntimeError} `cannot schedule new futures after shutdown`.
   */
  submit<F extends (...args: never[]) => unknown>(fn: F, ...args: ArgsOf<F>): Future<ResultOf<F>>;
  submit<R = unknown>(fn: FunctionRef, ...args: unknown[]): Future<R>;
  submit(fn: unknown, ...args: unknown[]): Future {
    return this.#submit(fn, args, null);
  }

  #submit(fn: unknown, args: unknown[], onSettled: ((ok: boolean) => void) | null): Future {
    if (this.#shutdown) throw new RuntimeError("cannot schedule new futures after shutdown");
    // A batch names one function again and again: a reference with the module and name of the
    // last one checked passes the same checks.
    let ref = this.#lastRef;
    if (
      ref === null ||
      typeof fn !== "object" ||
      fn === null ||
      (fn as FunctionRef).name !== ref.name ||
      (fn as FunctionRef).module !== ref.module
    ) {
      const { module, name } = checkRef(fn);
      ref = this.#lastRef = { module, name, what: `${module}#${name}`, argsWhat: `an argument of ${name}` };
    }
    const { module, name } = ref;
    const data: JobData = { module, name, args: encode(args, ref.argsWhat) };
    const loop = getRunningLoop();
    const id = this.#idPrefix + (this.#idCount++).toString(36);
    const job: Pending = {
      id,
      what: ref.what,
      future: loop.createFuture(),
      loop,
      added: NOT_ADDED,
      over: false,
      timer: null,
      onSettled,
      inRedis: false,
    };
    this.#jobs.set(id, job);
    const wanted = this.#jobs.size * EVENTS_PER_JOB;
    if (this.#eventsMaxLen === null && wanted > this.#eventsCap) {
      // Doubled, so that a batch of n jobs raises it about log2(n / 1,250) times.
      const cap = Math.max(wanted, this.#eventsCap * 2);
      this.#eventsCap = cap;
      this.#ready
        .then(() => this.#raiseCap(cap))
        .catch((e: unknown) => {
          this.#lastError = e instanceof Error ? e : new Error(String(e));
        });
    }
    this.#armCheck();
    // Added at once when the queue is ready, else once it is.
    job.added = (
      this.#listening
        ? this.#queue.add(name, data, { jobId: id })
        : this.#ready.then(() => this.#queue.add(name, data, { jobId: id }))
    ).then(
      () => {
        job.inRedis = true;
      },
      (e: unknown) => {
        this.#settle(job, false, e);
      },
    );
    job.future.addDoneCallback(() => {
      if (!job.future.cancelled()) return;
      this.#cancel(job).catch((e: unknown) => {
        // The job may run on: nobody waits for it.
        this.#finish(job);
        if (!loop.isClosed()) {
          loop.callExceptionHandler({
            message: `BullMQExecutor: cancelling job ${id} (${job.what}) of queue ${JSON.stringify(this.#queueName)} failed`,
            exception: e,
          });
        }
      });
    });
    if (this.#timeout !== null) {
      const timeout = this.#timeout;
      job.timer = loop.callLater(timeout, () => {
        void this.#timedOut(job, timeout);
      });
    }
    return job.future;
  }

  /**
   * Run `fn` on the items of the iterables (zipped, up to the shortest); resolve with the results
   * in order, as the pools' `map`. If one fails, the jobs not yet done are cancelled and it
   * rejects. With a final `{ onProgress }` argument (one iterable only, as
   * `map(fnRef, items, { onProgress })`), `onProgress({ done, failed, total })` is called on the
   * loop each time a job succeeds or fails (`total` counts the jobs submitted).
   */
  map<F extends (...args: never[]) => unknown>(
    fn: F | FunctionRef,
    ...iterables: Iterable<unknown>[]
  ): Promise<ResultOf<F>[]>;
  map<F extends (...args: never[]) => unknown>(
    fn: F | FunctionRef,
    iterable: Iterable<unknown>,
    options: MapOptions,
  ): Promise<ResultOf<F>[]>;
  async map<F extends (...args: never[]) => unknown>(
    fn: F | FunctionRef,
    ...rest: (Iterable<unknown> | MapOptions)[]
  ): Promise<ResultOf<F>[]> {
    const last = rest.at(-1);
    const options =
      typeof last === "object" && !(Symbol.iterator in last) ? (rest.pop() as MapOptions) : undefined;
    const onProgress = options?.onProgress;
    if (onProgress !== undefined && typeof onProgress !== "function") {
      throw new TypeError("onProgress must be a function: map(fnRef, items, { onProgress: (p) => ... })");
    }
    const iterators = (rest as Iterable<unknown>[]).map((it) => it[Symbol.iterator]());
    const futures: Future[] = [];
    const progress: MapProgress = { done: 0, failed: 0, total: 0 };
    const count =
      onProgress === undefined
        ? null
        : (ok: boolean): void => {
            if (ok) progress.done++;
            else progress.failed++;
            onProgress({ ...progress });
          };
    try {
      if (iterators.length > 0) {
        for (;;) {
          const args: unknown[] = [];
          for (const it of iterators) {
            const step = it.next();
            if (step.done === true) break;
            args.push(step.value);
          }
          if (args.length < iterators.length) break;
          futures.push(this.#submit(fn, args, count));
          progress.total++;
        }
      }
      const results: unknown[] = [];
      for (const f of futures) results.push(await f);
      return results as ResultOf<F>[];
    } finally {
      for (const f of futures) f.cancel();
    }
  }

  /**
   * Refuse new work; with `cancelFutures`, cancel every job not finished (a waiting one is
   * removed, a running one cancelled in its worker). With `wait` (the default) resolve once every
   * job submitted is over and the connections are closed.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    this.#shutdown = true;
    if (options?.cancelFutures === true) {
      for (const job of [...this.#jobs.values()]) job.future.cancel();
    }
    this.#closing ??= this.#close();
    if (options?.wait ?? true) return this.#closing;
    this.#closing.catch((e: unknown) => {
      process.emitWarning(`BullMQExecutor ${this.#queueName}: closing failed: ${String(e)}`);
    });
    return Promise.resolve();
  }

  /** `await using executor = new BullMQExecutor(...)`: shuts it down, waiting. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  toString(): string {
    const state = this.#shutdown ? "shutdown" : "running";
    return `<BullMQExecutor ${state} queue=${JSON.stringify(this.#queueName)} jobs=${this.#jobs.size}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }

  async #close(): Promise<void> {
    if (this.#jobs.size > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    await this.#ready.catch(() => {});
    await Promise.all([this.#events?.close(), this.#queue.close()]);
  }

  #completed(jobId: string, returnvalue: unknown): void {
    const job = this.#jobs.get(jobId);
    if (job === undefined) return;
    if (typeof returnvalue !== "string") {
      this.#settle(
        job,
        false,
        new TypeError(
          `job ${jobId} of queue ${this.#queueName} returned ${JSON.stringify(returnvalue)}, not a result ` +
            "encoded by an asyncio-ts worker: is a worker of another kind consuming this queue?",
        ),
      );
      return;
    }
    let value: unknown;
    try {
      value = decode(returnvalue);
    } catch (e) {
      this.#settle(job, false, e);
      return;
    }
    this.#settle(job, true, value);
  }

  async #failed(jobId: string, failedReason: string): Promise<void> {
    const job = this.#jobs.get(jobId);
    if (job === undefined) return;
    if (job.future.done()) {
      this.#settle(job, false, null);
      return;
    }
    let error: unknown = new Error(failedReason);
    try {
      const stored = await this.#queue.getJob(jobId);
      const data = stored?.data as JobData | undefined;
      // The payload of an earlier attempt does not explain a later failure (a stall).
      if (data?.error !== undefined && data.reason === failedReason)
        error = rebuildThrown(decode(data.error) as ThrownPayload, null, WHERE);
    } catch (e) {
      error = new Error(`${failedReason} (its error could not be read back: ${String(e)})`, { cause: e });
    }
    if (error instanceof Error && error.name === "CancelledError") {
      // Cancelled in the worker (by another client, or the worker's shutdown): so is the Future.
      this.#finish(job);
      if (!job.loop.isClosed()) job.loop.callSoon(() => job.future.cancel());
      return;
    }
    this.#settle(job, false, error);
  }

  /** The Future was cancelled: remove the job if it waits, else ask its worker to cancel it. */
  async #cancel(job: Pending): Promise<void> {
    await job.added;
    if (job.over) return;
    // 1: removed (waiting, delayed, or already finished); 0: locked by the worker running it.
    const removed = await this.#queue.remove(job.id);
    if (removed === 1) {
      this.#finish(job);
      return;
    }
    // BullMQ's Redis backend's client is an ioredis client (its type names only what BullMQ uses).
    const client = (await this.#queue.backend.client) as unknown as Redis;
    await client.publish(cancelChannel(this.#queueName), job.id);
    // The job's 'failed' (or 'completed', when the cancel came too late) event ends it.
  }

  async #timedOut(job: Pending, timeout: number): Promise<void> {
    if (job.over) return;
    let state: string;
    try {
      // A job over in Redis whose event was lost settles with its outcome, not a timeout.
      state = job.inRedis ? await this.#reconcile(job) : "not yet added";
    } catch (e) {
      state = `unknown (${String(e)})`;
    }
    // Settled meanwhile (#finish forgets it).
    if (this.#jobs.get(job.id) !== job) return;
    const hint =
      state === "waiting" || state === "prioritized"
        ? `: no worker took it; is one running for queue ${JSON.stringify(this.#queueName)}?`
        : "";
    const lastError = this.#lastError === null ? "" : ` (the last Redis error: ${this.#lastError.message})`;
    this.#settle(
      job,
      false,
      new TimeoutError(
        `job ${job.id} (${job.what}) of queue ${JSON.stringify(this.#queueName)} did not finish within ${timeout} seconds: it is ${state}${hint}${lastError}`,
      ),
    );
  }

  /** The job is over: forget it, and apply its outcome to a Future not yet done. */
  #settle(job: Pending, ok: boolean, value: unknown): void {
    if (job.over) return;
    this.#finish(job);
    const { loop, future } = job;
    if (future.done() || loop.isClosed()) return;
    loop.callSoon(() => {
      if (future.done()) return;
      if (ok) future.setResult(value);
      else future.setException(value ?? new Error(String(value)));
      job.onSettled?.(ok);
    });
  }

  #finish(job: Pending): void {
    if (job.over) return;
    job.over = true;
    job.timer?.cancel();
    this.#jobs.delete(job.id);
    if (this.#jobs.size === 0) {
      if (this.#checkTimer !== null) clearTimeout(this.#checkTimer);
      this.#checkTimer = null;
      if (this.#idle !== null) {
        this.#idle();
        this.#idle = null;
      }
    }
  }
}
