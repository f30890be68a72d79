// The release path as a user meets it: `npm pack` (which builds dist/ in prepack), then install
// the tarball into a fresh project outside the repository, offline, next to the lockfile's
// typescript and @types/node, and use it from JavaScript (ESM and CJS) and TypeScript (nodenext
// and bundler resolution, strict, skipLibCheck off).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { node22 } from "./helpers/node22.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  stdout: string;
  stderr: string;
}

interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The environment of the npm and node children: without the variables `npm test` exports to its
 * scripts (npm_config_prefix and npm_config_local_prefix would point npm at the repository or
 * the global prefix), and without NODE_PATH or NODE_OPTIONS, which could reach the repository.
 * The user's npm configuration files (and so the cache) still apply.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) && !/^npm_config_(cache|userconfig|globalconfig)$/i.test(key)) continue;
    if (key === "NODE_PATH" || key === "NODE_OPTIONS" || key === "NODE_TEST_CONTEXT") continue;
    env[key] = value;
  }
  return env;
}

function run(file: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`${file} ${args.join(" ")} failed:\n${stdout}\n${stderr}`, { cause: error }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

/**
 * Lockfile entries for `names` and everything they depend on, taken from the repository's
 * package-lock.json. With them the install needs no package metadata: `npm ci` (which fills the
 * cache on this machine) caches tarballs by integrity, not the registry documents an install by
 * version would ask for, so `npm install --offline typescript@6.0.3` alone fails ENOTCACHED.
 */
function lockedEntries(names: string[]): Record<string, LockEntry> {
  const lock = JSON.parse(readFileSync(join(repo, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const out: Record<string, LockEntry> = {};
  const visit = (name: string, parent: string): void => {
    // Node's lookup: nested under the dependent first, then hoisted.
    const nested = `${parent}/node_modules/${name}`;
    const key = parent !== "" && nested in lock.packages ? nested : `node_modules/${name}`;
    if (key in out) return;
    const entry = lock.packages[key];
    if (entry === undefined) throw new Error(`package-lock.json has no ${name}`);
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    out[key] = kept;
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      visit(dep, key);
    }
  };
  for (const name of names) visit(name, "");
  return out;
}

function manifestOf(dir: string): { dependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
}

// One program for both module systems: only the first lines differ.
const programBody = `
function square(n) {
  return n * n;
}

const consumer = asyncio.coroutine("consumer", async (q, n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const item = await q.get();
    console.log("got " + item);
    sum += item;
    q.taskDone();
  }
  return sum;
});

const producer = asyncio.coroutine("producer", async (q, n) => {
  for (let i = 1; i <= n; i++) await q.put(i);
});

const handleEcho = asyncio.coroutine("handleEcho", async (reader, writer) => {
  const line = await reader.readline();
  writer.write(line.toString().toUpperCase());
  await writer.drain();
  writer.close();
  await writer.waitClosed();
});

const main = asyncio.coroutine("main", async () => {
  const loop = asyncio.getRunningLoop();
  loop.callSoon(() => console.log("callSoon"));
  console.log("main start");
  await asyncio.sleep(0);

  const q = new asyncio.Queue(1);
  const [sum] = await new asyncio.TaskGroup().with(async (tg) => {
    tg.createTask(producer(q, 3));
    return [tg.createTask(consumer(q, 3))];
  });
  console.log("taskgroup sum " + sum.result());

  const server = await asyncio.startServer(handleEcho, "127.0.0.1", 0);
  const port = server.sockets[0].getsockname()[1];
  await server.with(async () => {
    const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
    writer.write("ping\\n");
    await writer.drain();
    console.log("echo " + (await reader.readline()).toString().trimEnd());
    writer.close();
    await writer.waitClosed();
  });
  console.log("server closed");

  console.log("toThread " + (await asyncio.toThread(square, 7)));
  const pool = new asyncio.ProcessPoolExecutor(1);
  console.log("process pool " + (await loop.runInExecutor(pool, square, 6)));
  await pool.shutdown();

  try {
    await asyncio.waitFor(asyncio.sleep(10), 0.01);
  } catch (e) {
    console.log("waitFor " + (e instanceof asyncio.TimeoutError ? "TimeoutError" : "?"));
  }
  return "main result";
});
`;

const esmProgram = `import * as asyncio from "asyncio-ts";
import { runVirtual } from "asyncio-ts/testing";
console.log("esm");
${programBody}
console.log(await asyncio.run(main()));
console.log("virtual " + (await runVirtual(async (loop) => { await asyncio.sleep(3600); return loop.time(); })));
`;

const cjsProgram = `"use strict";
const asyncio = require("asyncio-ts");
const { runVirtual } = require("asyncio-ts/testing");
console.log("cjs");
${programBody}
asyncio
  .run(main())
  .then((result) => {
    console.log(result);
    return runVirtual(async (loop) => { await asyncio.sleep(3600); return loop.time(); });
  })
  .then((t) => console.log("virtual " + t));
`;

const expectedTrace = (kind: string): string =>
  [
    kind,
    "main start",
    "callSoon",
    "got 1",
    "got 2",
    "got 3",
    "taskgroup sum 6",
    "echo PING",
    "server closed",
    "toThread 49",
    "process pool 36",
    "waitFor TimeoutError",
    "main result",
    "virtual 3600",
    "",
  ].join("\n");

// Type-checked only: the same uses, with the types a user writes.
const tsProgram = `import * as asyncio from "asyncio-ts";
import { runVirtual, VirtualTimeLoop } from "asyncio-ts/testing";

function square(n: number): number {
  return n * n;
}

const consumer = asyncio.coroutine("consumer", async (q: asyncio.Queue<number>, n: number) => {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += await q.get();
    q.taskDone();
  }
  return sum;
});

const handleEcho = asyncio.coroutine(
  "handleEcho",
  async (reader: asyncio.StreamReader, writer: asyncio.StreamWriter) => {
    writer.write(await reader.readline());
    await writer.drain();
    writer.close();
    await writer.waitClosed();
  },
);

const main = asyncio.coroutine("main", async (): Promise<string> => {
  const loop: asyncio.BaseEventLoop = asyncio.getRunningLoop();
  loop.callSoon(() => {
    console.log("callSoon");
  });
  const q = new asyncio.Queue<number>(1);
  const [task]: asyncio.Task<number>[] = await new asyncio.TaskGroup().with(async (tg) => {
    tg.createTask(async () => {
      await q.put(1);
    });
    return [tg.createTask(consumer(q, 1))];
  });
  const sum: number = task.result();
  const server = await asyncio.startServer(handleEcho, "127.0.0.1", 0);
  const [, port]: [string, number] = server.sockets[0]?.getsockname() ?? ["", 0];
  const [reader, writer] = await asyncio.openConnection("127.0.0.1", port);
  const peer: asyncio.SockName | null = writer.getExtraInfo("peername");
  console.log(peer);
  writer.write("ping\\n");
  const line: Buffer = await reader.readline();
  writer.close();
  server.close();
  const squared: number = await asyncio.toThread(square, 7);
  try {
    await asyncio.waitFor(asyncio.sleep(10), 0.01);
  } catch (e) {
    if (!(e instanceof asyncio.TimeoutError)) throw e;
  }
  return String(sum + squared) + line.toString();
});

// A Queue subclass with storage of its own (CPython's _put/_get idiom): the hooks are published.
class LatestOnly<T> extends asyncio.Queue<T> {
  #item: T[] = [];
  protected override store(item: T): void {
    this.#item = [item];
  }
  protected override take(): T {
    const [item] = this.#item;
    this.#item = [];
    return item as T;
  }
  protected override size(): number {
    return this.#item.length;
  }
  protected override contents(): T[] {
    return [...this.#item];
  }
}
void new LatestOnly<string>(1);

// The published types hold no internals.
function internals(handle: asyncio.Handle, future: asyncio.Future<number>, reader: asyncio.StreamReader): void {
  // @ts-expect-error -- internal
  void handle._callback;
  // @ts-expect-error -- internal
  void future._rawResult();
  // @ts-expect-error -- internal
  void asyncio.getRunningLoop()._allTasks();
  // @ts-expect-error -- internal
  reader._feedChunk(Buffer.alloc(0));
}
void internals;

const result: string = await asyncio.run(main());
const time: number = await runVirtual(async (loop: VirtualTimeLoop) => {
  await asyncio.sleep(3600);
  return loop.time();
});
console.log(result, time);
`;

function tsconfig(module: string, moduleResolution: string): string {
  return JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        target: "es2024",
        lib: ["es2024"],
        module,
        moduleResolution,
        types: ["node"],
      },
      files: ["main.ts"],
    },
    null,
    2,
  );
}

describe("the npm package", { timeout: 120_000 }, () => {
  const temps: string[] = [];
  const tempDir = (prefix: string): string => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    temps.push(dir);
    return dir;
  };
  let files: string[] = [];
  let project = "";
  // What before() measured, printed by the first test (a hook has no diagnostics of its own).
  const diagnostics: string[] = [];

  before(async () => {
    const packDir = tempDir("asyncio-ts-pack-");
    const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", packDir], repo);
    const [packed] = JSON.parse(stdout) as [
      { filename: string; size: number; unpackedSize: number; files: { path: string }[] },
    ];
    files = packed.files.map((f) => f.path);
    const tarball = join(packDir, packed.filename);

    project = tempDir("asyncio-ts-consumer-");
    // Node and tsc look for node_modules in every parent: none of them may be the repository.
    assert.ok(!resolve(project).startsWith(resolve(repo)), `${project} is inside the repository`);
    const toolchain = ["typescript", "@types/node"];
    // The package's own dependencies, at the lockfile's versions (the tarball's entry needs them).
    const locked = lockedEntries([...toolchain, ...Object.keys(manifestOf(repo).dependencies ?? {})]);
    const versions = Object.fromEntries(
      toolchain.map((name) => [name, locked[`node_modules/${name}`]?.version ?? ""]),
    );
    const dependencies = { "asyncio-ts": `file:${tarball}`, ...versions };
    const manifest = { name: "consumer", private: true, type: "module", dependencies };
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
    // The toolchain pinned by the lockfile, and the tarball's own entry with its dependencies, so
    // that npm needs no registry document for them.
    const own = manifestOf(repo) as Record<string, unknown>;
    const rootEntry = { name: "consumer", dependencies };
    const packageEntry = {
      version: own.version,
      resolved: `file:${tarball}`,
      license: own.license,
      bin: own.bin,
      dependencies: own.dependencies,
      engines: own.engines,
      peerDependencies: own.peerDependencies,
      peerDependenciesMeta: own.peerDependenciesMeta,
    };
    const lock = {
      name: "consumer",
      lockfileVersion: 3,
      requires: true,
      packages: { "": rootEntry, "node_modules/asyncio-ts": packageEntry, ...locked },
    };
    writeFileSync(join(project, "package-lock.json"), JSON.stringify(lock, null, 2));
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund"], project).catch((error: unknown) => {
      // ENOTCACHED: the toolchain's tarballs are not in the npm cache; `npm ci` puts them there.
      throw new Error("offline install failed (has `npm ci` run on this machine?)", { cause: error });
    });

    writeFileSync(join(project, "main.mjs"), esmProgram);
    writeFileSync(join(project, "main.cjs"), cjsProgram);
    writeFileSync(join(project, "main.ts"), tsProgram);
    writeFileSync(join(project, "tsconfig.nodenext.json"), tsconfig("nodenext", "nodenext"));
    writeFileSync(join(project, "tsconfig.bundler.json"), tsconfig("esnext", "bundler"));
    diagnostics.push(
      `tarball ${packed.filename}: ${packed.size} bytes packed, ${packed.unpackedSize} unpacked, ${files.length} files`,
    );
  });

  after(() => {
    for (const dir of temps) rmSync(dir, { recursive: true, force: true });
  });

  it("ships dist/, its declarations and the sources they map to, and no tests", (t) => {
    for (const line of diagnostics) t.diagnostic(line);
    for (const required of [
      "package.json",
      "README.md",
      "LICENSE",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/index.d.ts.map",
      "dist/testing/index.js",
      "dist/testing/index.d.ts",
      "dist/internal/worker.js",
      "dist/internal/process-worker.js",
      "dist/cli.js",
      "src/index.ts",
    ]) {
      assert.ok(files.includes(required), `${required} is missing from the tarball`);
    }
    const stray = files.filter(
      (f) => !/^(dist|src)\//.test(f) && !["package.json", "README.md", "LICENSE"].includes(f),
    );
    assert.deepEqual(stray, []);
    const forbidden = files.filter((f) =>
      /(^|\/)(test|bench|conformance|examples|scripts)\/|\.test\.[jt]s$/.test(f),
    );
    assert.deepEqual(forbidden, []);
  });

  it("declares no @internal member: its .d.ts hold the public API only", () => {
    const dist = join(project, "node_modules", "asyncio-ts", "dist");
    const declarations = readdirSync(dist, { recursive: true, encoding: "utf8" }).filter((f) =>
      f.endsWith(".d.ts"),
    );
    assert.ok(declarations.includes("index.d.ts"));
    const texts = declarations.map((f) => [f, readFileSync(join(dist, f), "utf8")] as const);
    assert.deepEqual(
      texts.filter(([, text]) => text.includes("@internal")).map(([f]) => f),
      [],
    );
    // Members named `_like` this (test/types-published.test.ts checks the build the same way).
    const member = /^\s+(?:(?:readonly|protected|static|get|set) )*_\w+\??[(:]/m;
    assert.deepEqual(
      texts.filter(([, text]) => member.test(text)).map(([f]) => f),
      [],
    );
  });

  it("runs from JavaScript ESM", async () => {
    const { stdout, stderr } = await run(process.execPath, ["main.mjs"], project);
    assert.equal(stdout, expectedTrace("esm"));
    assert.equal(stderr, "");
  });

  it("runs from CommonJS require() (Node's require(esm))", async () => {
    const { stdout, stderr } = await run(process.execPath, ["main.cjs"], project);
    assert.equal(stdout, expectedTrace("cjs"));
    assert.equal(stderr, "");
  });

  // The same programs on the other runtimes (test/runtimes.test.ts runs the conformance twins there).
  const runtimes: [string, () => Promise<string>, (file: string) => string[]][] = [
    ["Node 22", node22, (file) => [file]],
    ["Bun", () => Promise.resolve(join(repo, "node_modules", ".bin", "bun")), (file) => [file]],
    [
      "Deno",
      () => Promise.resolve(join(repo, "node_modules", ".bin", "deno")),
      (file) => ["run", "-A", file],
    ],
  ];
  for (const [runtime, bin, args] of runtimes) {
    for (const [kind, file] of [
      ["esm", "main.mjs"],
      ["cjs", "main.cjs"],
    ] as const) {
      it(`runs from ${kind === "esm" ? "ESM" : "CommonJS"} on ${runtime}`, async () => {
        const { stdout, stderr } = await run(await bin(), args(file), project);
        assert.equal(stdout, expectedTrace(kind));
        assert.equal(stderr, "");
      });
    }
  }

  it("installs the asyncio-ts command (npx asyncio-ts)", async () => {
    const bin = join(project, "node_modules", ".bin", "asyncio-ts");
    const { stdout } = await run(bin, ["--help"], project);
    assert.match(stdout, /^usage:/);
    await assert.rejects(run(bin, ["no-such-command"], project), /unknown command "no-such-command"/);
  });

  it("asyncio-ts/bullmq without its optional peers fails on import with one line naming the install", async () => {
    const program = `import("asyncio-ts/bullmq").then(
  () => console.log("imported"),
  (e) => console.log(JSON.stringify(e.message)),
);`;
    const { stdout } = await run(process.execPath, ["-e", program], project);
    const message = JSON.parse(stdout) as string;
    assert.equal(
      message,
      "asyncio-ts/bullmq needs bullmq and ioredis, not installed: run `npm install bullmq ioredis`",
    );
    // The core and the other subpaths import without them.
    const core = `import("asyncio-ts").then((m) => console.log(typeof m.run));`;
    assert.equal((await run(process.execPath, ["-e", core], project)).stdout, "function\n");
  });

  for (const resolution of ["nodenext", "bundler"]) {
    it(`type-checks under strict, skipLibCheck off, moduleResolution ${resolution}`, async () => {
      const tsc = join(project, "node_modules", "typescript", "bin", "tsc");
      await run(process.execPath, [tsc, "-p", `tsconfig.${resolution}.json`], project);
    });
  }
});
