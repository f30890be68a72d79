// CPython 3.13 asyncio.__all__ (test/fixtures/asyncio-all.json, written by
// `python3 -c "import asyncio, json; json.dump(sorted(asyncio.__all__), ...)"`) mapped through the
// naming rule (snake_case -> camelCase at underscores; classes and constants unchanged). Every name
// not exported yet is listed below with the reason.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as asyncio from "../src/index.ts";

const IO = "streams, subprocesses, executors, transports: issue 4";
const POLICY = "event loop policies are deprecated (removed in 3.16); one loop runs per thread here";
const PRIVATE = "private helper of CPython's (leading underscore)";
const WATCHERS = "child watchers are deprecated in 3.12 and removed in 3.14; Node reaps children itself";

/** Names of asyncio.__all__ not exported, and why. */
const missing: Record<string, string> = {
  AbstractEventLoop:
    "BaseEventLoop is the one loop class hierarchy; an abstract twin adds nothing in TypeScript",
  AbstractEventLoopPolicy: POLICY,
  AbstractServer: IO,
  AbstractChildWatcher: WATCHERS,
  BaseProtocol: IO,
  BaseTransport: IO,
  BufferedProtocol: IO,
  DatagramProtocol: IO,
  DatagramTransport: IO,
  DefaultEventLoopPolicy: POLICY,
  FastChildWatcher: WATCHERS,
  MultiLoopChildWatcher: WATCHERS,
  PidfdChildWatcher: WATCHERS,
  Protocol: IO,
  ReadTransport: IO,
  SafeChildWatcher: WATCHERS,
  SelectorEventLoop: "Node's libuv is the selector; EventLoop is the platform loop",
  StreamReaderProtocol: IO,
  SubprocessProtocol: IO,
  SubprocessTransport: IO,
  ThreadedChildWatcher: WATCHERS,
  Transport: IO,
  WriteTransport: IO,
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
