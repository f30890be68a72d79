// CPython 3.13 asyncio.__all__ (test/fixtures/asyncio-all.json, written by
// `python3 -c "import asyncio, json; json.dump(sorted(asyncio.__all__), ...)"`) mapped through the
// naming rule (snake_case -> camelCase at underscores; classes and constants unchanged). Every name
// not exported yet is listed below with the reason. The same for the methods of CPython 3.13's
// AbstractEventLoop (test/fixtures/abstract-event-loop.json, written by `python3 -c "import asyncio, json;
// json.dump(sorted(n for n, v in vars(asyncio.AbstractEventLoop).items() if not n.startswith('_') and
// callable(v)), ...)"`) on BaseEventLoop.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as asyncio from "../src/index.ts";

const POLICY = "event loop policies are deprecated (removed in 3.16); one loop runs per thread here";
const PRIVATE = "private helper of CPython's (leading underscore)";
const WATCHERS = "child watchers are deprecated in 3.12 and removed in 3.14; Node reaps children itself";

/** Names of asyncio.__all__ not exported, and why. */
const missing: Record<string, string> = {
  AbstractEventLoop:
    "BaseEventLoop is the one loop class hierarchy; an abstract twin adds nothing in TypeScript",
  AbstractEventLoopPolicy: POLICY,
  AbstractChildWatcher: WATCHERS,
  DefaultEventLoopPolicy: POLICY,
  FastChildWatcher: WATCHERS,
  MultiLoopChildWatcher: WATCHERS,
  PidfdChildWatcher: WATCHERS,
  SafeChildWatcher: WATCHERS,
  SelectorEventLoop: "Node's libuv is the selector; EventLoop is the platform loop",
  ThreadedChildWatcher: WATCHERS,
  _enterTask: PRIVATE,
  _getRunningLoop: PRIVATE,
  _leaveTask: PRIVATE,
  _registerTask: PRIVATE,
  _setRunningLoop: PRIVATE,
  _unregisterTask: PRIVATE,
  getChildWatcher: WATCHERS,
  getEventLoopPolicy: POLICY,
  setChildWatcher: WATCHERS,
  setEventLoop: POLICY,
  setEventLoopPolicy: POLICY,
};

const NO_FD_POLLING =
  "Node has no readiness callbacks on an arbitrary file descriptor (libuv polls only the handles it made)";

/** Methods of CPython's AbstractEventLoop that BaseEventLoop has not, and why. */
const missingLoopMethods: Record<string, string> = {
  addReader: NO_FD_POLLING,
  addWriter: NO_FD_POLLING,
  removeReader: NO_FD_POLLING,
  removeWriter: NO_FD_POLLING,
};

/** The naming rule of STYLE.md §3: camelCase at underscores only; a leading underscore stays. */
function tsName(pyName: string): string {
  const lead = pyName.startsWith("_") ? "_" : "";
  const body = pyName.slice(lead.length);
  if (/^[A-Z0-9_]+$/.test(body) || /^[A-Z]/.test(body)) return lead + body;
  return lead + body.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const all = JSON.parse(
  readFileSync(new URL("./fixtures/asyncio-all.json", import.meta.url), "utf8"),
) as string[];
const exported = new Set(Object.keys(asyncio));

describe("api parity with CPython 3.13 asyncio.__all__", () => {
  it("maps names by the naming rule", () => {
    assert.equal(tsName("run_until_complete"), "runUntilComplete");
    assert.equal(tsName("FIRST_COMPLETED"), "FIRST_COMPLETED");
    assert.equal(tsName("TaskGroup"), "TaskGroup");
    assert.equal(tsName("_set_running_loop"), "_setRunningLoop");
    assert.equal(tsName("iscoroutine"), "iscoroutine");
  });

  it("exports every name of asyncio.__all__ or lists why not", () => {
    const absent = all.map(tsName).filter((n) => !exported.has(n) && !(n in missing));
    assert.deepEqual(absent, [], `exported neither listed as missing: ${absent.join(", ")}`);
  });

  it("lists no name as missing that is exported or not in asyncio.__all__", () => {
    const mapped = new Set(all.map(tsName));
    const stale = Object.keys(missing).filter((n) => exported.has(n) || !mapped.has(n));
    assert.deepEqual(stale, [], `stale entries: ${stale.join(", ")}`);
  });
});

const loopMethods = (
  JSON.parse(
    readFileSync(new URL("./fixtures/abstract-event-loop.json", import.meta.url), "utf8"),
  ) as string[]
).map(tsName);
const proto = asyncio.BaseEventLoop.prototype as unknown as Record<string, unknown>;

describe("api parity with CPython 3.13 AbstractEventLoop's methods", () => {
  it("BaseEventLoop has every method of AbstractEventLoop or lists why not", () => {
    const absent = loopMethods.filter((n) => typeof proto[n] !== "function" && !(n in missingLoopMethods));
    assert.deepEqual(absent, [], `neither on BaseEventLoop nor listed as missing: ${absent.join(", ")}`);
  });

  it("lists no method as missing that BaseEventLoop has or AbstractEventLoop has not", () => {
    const stale = Object.keys(missingLoopMethods).filter(
      (n) => typeof proto[n] === "function" || !loopMethods.includes(n),
    );
    assert.deepEqual(stale, [], `stale entries: ${stale.join(", ")}`);
  });

  it("has the methods of the low-level API built so far", () => {
    for (const n of [
      "createDatagramEndpoint",
      "getaddrinfo",
      "getnameinfo",
      "createConnection",
      "createServer",
      "createUnixConnection",
      "createUnixServer",
      "connectAcceptedSocket",
      "sockRecv",
      "sockRecvInto",
      "sockRecvfrom",
      "sockRecvfromInto",
      "sockSendall",
      "sockSendto",
      "sockConnect",
      "sockAccept",
      "sockSendfile",
      "sendfile",
      "connectReadPipe",
      "connectWritePipe",
      "subprocessExec",
      "subprocessShell",
    ]) {
      assert.ok(loopMethods.includes(n), n);
      assert.equal(typeof proto[n], "function", n);
    }
  });
});
