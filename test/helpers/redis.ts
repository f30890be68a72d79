// A real redis-server for the BullMQ tests: on a free port of 127.0.0.1, no persistence, stopped
// by the test file. Without redis-server the set-up installs it when it can (as root, with
// apt-get), else fails with one line naming the command to run.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import net from "node:net";

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  stop(): Promise<void>;
  /** Stop it (SIGTERM: it writes its append-only file), wait `pause` seconds, start it again on the same port. */
  restart(pause?: number): Promise<void>;
  /**
   * Let this process exit while the server runs (its child process and pipes no longer keep the
   * event loop alive): for a caller that stops the server otherwise (a benchmark's watchdog).
   */
  unref(): void;
}

/** The options of {@link startRedis}. */
export interface RedisOptions {
  /** Persist every write in an append-only file in `dir` (`appendonly yes`), so a restart keeps the data. */
  appendonly?: boolean;
  /** The working directory (the append-only file's); required with `appendonly`. */
  dir?: string;
}

/** A port nobody listens on now: bound by a server on port 0, then freed. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/** How long redis-server may take to say it is ready (seconds). */
const START_TIMEOUT = 10;
/** How long installing redis-server may take (seconds). */
const INSTALL_TIMEOUT = 600;
/** What a user without root runs to install redis-server (Debian, Ubuntu). */
const INSTALL_HINT = "sudo apt-get install -y redis-server";
/** What the set-up runs, as root with apt-get, to install it. */
const APT_INSTALL = "apt-get update -qq && apt-get install -y -qq redis-server";

/** `command --version` runs. */
function runs(command: string): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).error === undefined;
}

/** The install command this process may run: APT_INSTALL as root with apt-get, else null. */
export function defaultInstall(): string | null {
  return process.getuid?.() === 0 && runs("apt-get") ? APT_INSTALL : null;
}

/**
 * Make sure `command` (redis-server) runs: when it does not, run `install` (a shell command; see
 * {@link defaultInstall}) and check again.
 * @throws {Error} one line naming the command to run, when it is missing and `install` is null,
 * fails, or does not provide it.
 */
export function ensureRedisServer(command = "redis-server", install = defaultInstall()): void {
  if (runs(command)) return;
  const missing = `${command} is not installed: run \`${INSTALL_HINT}\` and run the tests again`;
  if (install === null) throw new Error(missing);
  process.stderr.write(`# ${command} is missing: installing it (${install})\n`);
  const result = spawnSync("sh", ["-c", install], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    timeout: INSTALL_TIMEOUT * 1000,
  });
  if (result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split("\n").at(-1) ?? "";
    throw new Error(
      `${command} is not installed and \`${install}\` failed (${result.signal ?? `exit ${result.status}`}${why === "" ? "" : `: ${why}`}): run \`${INSTALL_HINT}\``,
    );
  }
  if (!runs(command))
    throw new Error(`${command} is still missing after \`${install}\`: run \`${INSTALL_HINT}\``);
}

/** Start redis-server (installing it first if it can: {@link ensureRedisServer}); resolves once it accepts connections. */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  ensureRedisServer();
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", ""];
  args.push("--appendonly", options.appendonly === true ? "yes" : "no");
  if (options.dir !== undefined) args.push("--dir", options.dir);
  let server = await launch(args);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => server.stop(),
    unref: () => {
      server.unref();
    },
    restart: async (pause = 0) => {
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, pause * 1000));
      server = await launch(args);
    },
  };
}

/** One redis-server process, ready. */
async function launch(args: string[]): Promise<{ stop(): Promise<void>; unref(): void }> {
  const child: ChildProcess = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`redis-server did not start within ${START_TIMEOUT} s:\n${output}`));
    }, START_TIMEOUT * 1000);
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${signal ?? code ?? "?"}) before it was ready:\n${output}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await ready;
  } catch (e) {
    await stop();
    throw e;
  }
  const unref = (): void => {
    child.unref();
    for (const pipe of [child.stdout, child.stderr]) (pipe as net.Socket | null)?.unref();
  };
  return { stop, unref };
}
