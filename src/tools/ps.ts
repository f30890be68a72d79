/**
 * `npx asyncio-ts ps PID` and `pstree PID`: the tasks of a live process that opted in
 * (src/introspect.ts), printed as CPython 3.14's `python -m asyncio ps`/`pstree` print them.
 * @module
 */
import { connect } from "node:net";
import { introspectionSocket, type SnapshotFrame, type TaskSnapshot } from "../introspect.ts";

/** The tree could not be drawn: the awaited-by graph has cycles (task ids, each closed). */
export class CycleFoundError extends Error {
  readonly cycles: number[][];
  readonly id2name: ReadonlyMap<number, string>;
  constructor(cycles: number[][], id2name: ReadonlyMap<number, string>) {
    super("await-graph contains cycles");
    this.name = "CycleFoundError";
    this.cycles = cycles;
    this.id2name = id2name;
  }
}

const hex = (id: number): string => `0x${id.toString(16)}`;

function frameLabel(frame: SnapshotFrame): string {
  if (frame.lineno === 0 && frame.filename === "") return frame.funcname;
  return `${frame.funcname} ${frame.filename}:${String(frame.lineno)}`;
}

interface Index {
  id2name: Map<number, string>;
  /** (awaiting task, its stack innermost first, awaited task) */
  awaits: [number, string[], number][];
  stacks: Map<number, string[]>;
}

function index(snapshot: TaskSnapshot): Index {
  const id2name = new Map<number, string>();
  const awaits: Index["awaits"] = [];
  const stacks = new Map<number, string[]>();
  for (const thread of snapshot.threads) {
    for (const task of thread.tasks) {
      id2name.set(task.id, task.name);
      if (task.coroutineStack.length > 0) stacks.set(task.id, task.coroutineStack.map(frameLabel));
      for (const by of task.awaitedBy) awaits.push([by.taskId, by.callStack.map(frameLabel), task.id]);
    }
  }
  return { id2name, awaits, stacks };
}

/** The rows of `ps`: one per task and awaiter (CPython 3.14 tools.build_task_table). */
export function buildTaskTable(snapshot: TaskSnapshot): string[][] {
  const { id2name } = index(snapshot);
  const table: string[][] = [];
  const short = (f: SnapshotFrame): string => frameLabel(f).split(" ")[0] ?? "";
  for (const thread of snapshot.threads) {
    for (const task of thread.tasks) {
      const coroStack = task.coroutineStack.map(short).join(" -> ");
      const tid = String(thread.threadId);
      if (task.awaitedBy.length === 0) {
        table.push([tid, hex(task.id), task.name, coroStack, "", "", "0x0"]);
        continue;
      }
      for (const by of task.awaitedBy) {
        table.push([
          tid,
          hex(task.id),
          task.name,
          coroStack,
          by.callStack.map(short).join(" -> "),
          id2name.get(by.taskId) ?? "Unknown",
          hex(by.taskId),
        ]);
      }
    }
  }
  return table;
}

/** `ps`'s text: a header, a rule, and the rows in CPython's column widths. */
export function formatTaskTable(snapshot: TaskSnapshot): string {
  const widths = [10, 20, 20, 50, 50, 15, 15];
  const row = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" ");
  const lines = [
    row(["tid", "task id", "task name", "coroutine stack", "awaiter chain", "awaiter name", "awaiter id"]),
    "-".repeat(180),
  ];
  for (const cells of buildTaskTable(snapshot)) lines.push(row(cells));
  return lines.join("\n");
}

function findCycles(graph: Map<number, Set<number>>): number[][] {
  const color = new Map<number, number>(); // 0 white, 1 grey, 2 black
  const path: number[] = [];
  const cycles: number[][] = [];
  const dfs = (v: number): void => {
    color.set(v, 1);
    path.push(v);
    for (const w of graph.get(v) ?? []) {
      const c = color.get(w) ?? 0;
      if (c === 0) dfs(w);
      else if (c === 1) cycles.push([...path.slice(path.indexOf(w)), w]);
    }
    color.set(v, 2);
    path.pop();
  };
  for (const v of graph.keys()) if ((color.get(v) ?? 0) === 0) dfs(v);
  return cycles;
}

/**
 * The trees of `pstree` (CPython 3.14 tools.build_async_tree): each root task, the frames through
 * which it awaits, and the tasks it awaits, with `(T)` before a task.
 * @throws {CycleFoundError} if tasks await each other in a cycle.
 */
export function buildAsyncTree(snapshot: TaskSnapshot): string[][] {
  const { id2name, awaits, stacks } = index(snapshot);
  const graph = new Map<number, Set<number>>();
  for (const [parent, , child] of awaits) {
    let kids = graph.get(parent);
    if (kids === undefined) graph.set(parent, (kids = new Set<number>()));
    kids.add(child);
  }
  const cycles = findCycles(graph);
  if (cycles.length > 0) throw new CycleFoundError(cycles, id2name);

  // Nodes: "T<id>" for a task, "C<n>" for a frame; in the order they were first met.
  const labels = new Map<string, string>();
  for (const [id, name] of id2name) labels.set(`T${String(id)}`, `(T) ${name}`);
  const children = new Map<string, string[]>();
  const frameNodes = new Map<string, Map<string, string>>();
  let nextFrame = 1;
  const kidsOf = (node: string): string[] => {
    let kids = children.get(node);
    if (kids === undefined) children.set(node, (kids = []));
    return kids;
  };
  const frameNode = (parent: string, frame: string): string => {
    let byFrame = frameNodes.get(parent);
    if (byFrame === undefined) frameNodes.set(parent, (byFrame = new Map<string, string>()));
    const known = byFrame.get(frame);
    if (known !== undefined) return known;
    const node = `C${String(nextFrame++)}`;
    labels.set(node, ` ${frame}`);
    kidsOf(parent).push(node);
    byFrame.set(frame, node);
    return node;
  };
  for (const [parent, stack, child] of awaits) {
    let cur = `T${String(parent)}`;
    for (const frame of [...stack].reverse()) cur = frameNode(cur, frame);
    const key = `T${String(child)}`;
    const kids = kidsOf(cur);
    if (!kids.includes(key)) kids.push(key);
  }
  const awaiting = new Set(awaits.map(([parent]) => parent));
  for (const id of id2name.keys()) {
    const stack = stacks.get(id);
    if (awaiting.has(id) || stack === undefined) continue;
    let cur = `T${String(id)}`;
    for (const frame of [...stack].reverse()) cur = frameNode(cur, frame);
  }

  const allChildren = new Set([...children.values()].flat());
  const render = (node: string, prefix: string, last: boolean, buf: string[]): string[] => {
    buf.push(`${prefix}${last ? "└── " : "├── "}${labels.get(node) ?? node}`);
    const next = prefix + (last ? "    " : "│   ");
    const kids = children.get(node) ?? [];
    kids.forEach((kid, i) => render(kid, next, i === kids.length - 1, buf));
    return buf;
  };
  return [...labels.keys()].filter((n) => !allChildren.has(n)).map((root) => render(root, "", true, []));
}

/** Why a read failed: one line for the user. */
class ReadError extends Error {}

/** Read process `pid`'s snapshot from its socket (see src/introspect.ts). */
export async function readSnapshot(pid: number, timeoutMs = 5000): Promise<TaskSnapshot> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ESRCH")
      throw new ReadError(`no process with PID ${String(pid)}`);
  }
  const path = introspectionSocket(pid);
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let ended = false;
    const conn = connect(path);
    conn.setTimeout(timeoutMs, () => {
      conn.destroy();
      reject(new ReadError(`process ${String(pid)} did not answer within ${String(timeoutMs / 1000)} s`));
    });
    conn.on("data", (chunk: Buffer) => chunks.push(chunk));
    conn.on("end", () => {
      ended = true;
      const text = Buffer.concat(chunks).toString("utf8");
      // The answer is one line: without its newline, the process went away mid-answer.
      if (text.endsWith("\n")) resolve(text);
      else reject(new ReadError(`process ${String(pid)} closed the connection before answering`));
    });
    conn.on("close", () => {
      if (!ended) reject(new ReadError(`process ${String(pid)} closed the connection before answering`));
    });
    conn.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT" || e.code === "ECONNREFUSED") {
        reject(
          new ReadError(
            `process ${String(pid)} does not answer asyncio-ts ps: start it with ASYNCIO_TS_INSPECT=1 or call enableIntrospection()`,
          ),
        );
      } else {
        reject(new ReadError(`cannot read process ${String(pid)}: ${e.message}`));
      }
    });
  });
  let snapshot: unknown;
  try {
    snapshot = JSON.parse(text);
  } catch {
    snapshot = null;
  }
  if (!isSnapshot(snapshot)) {
    throw new ReadError(`process ${String(pid)} answered something that is not a task snapshot`);
  }
  return snapshot;
}

function isSnapshot(value: unknown): value is TaskSnapshot {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Partial<TaskSnapshot>;
  return (
    s.version === 1 &&
    Array.isArray(s.threads) &&
    s.threads.every(
      (t) =>
        typeof t === "object" &&
        Array.isArray(t.tasks) &&
        t.tasks.every(
          (task) =>
            typeof task.id === "number" &&
            typeof task.name === "string" &&
            Array.isArray(task.coroutineStack) &&
            Array.isArray(task.awaitedBy),
        ),
    )
  );
}

function parsePid(args: string[], command: string): number | string {
  const [arg, ...rest] = args;
  if (arg === undefined || rest.length > 0 || !/^[1-9]\d*$/.test(arg)) {
    return `usage: asyncio-ts ${command} PID (a process that runs with ASYNCIO_TS_INSPECT=1)`;
  }
  return Number(arg);
}

async function withSnapshot(
  args: string[],
  command: string,
  show: (s: TaskSnapshot) => number,
): Promise<number> {
  const pid = parsePid(args, command);
  if (typeof pid === "string") {
    console.error(pid);
    return 2;
  }
  let snapshot: TaskSnapshot;
  try {
    snapshot = await readSnapshot(pid);
  } catch (e) {
    if (!(e instanceof ReadError)) throw e;
    console.error(`asyncio-ts ${command}: ${e.message}`);
    return 1;
  }
  if (typeof snapshot.blockedFor === "number") {
    console.log(
      `loop blocked for ${snapshot.blockedFor.toFixed(1)} s: the tasks as of the last snapshot it sent`,
    );
  }
  return show(snapshot);
}

/** `asyncio-ts ps PID`. */
export function ps(args: string[]): Promise<number> {
  return withSnapshot(args, "ps", (snapshot) => {
    console.log(formatTaskTable(snapshot));
    return 0;
  });
}

/** `asyncio-ts pstree PID`: exit status 1 with CPython's message when the graph has cycles. */
export function pstree(args: string[]): Promise<number> {
  return withSnapshot(args, "pstree", (snapshot) => {
    let trees: string[][];
    try {
      trees = buildAsyncTree(snapshot);
    } catch (e) {
      if (!(e instanceof CycleFoundError)) throw e;
      console.error("ERROR: await-graph contains cycles - cannot print a tree!");
      console.error("");
      for (const cycle of e.cycles) {
        console.error(`cycle: ${cycle.map((id) => e.id2name.get(id) ?? hex(id)).join(" → ")}`);
      }
      return 1;
    }
    for (const tree of trees) console.log(tree.join("\n"));
    return 0;
  });
}
