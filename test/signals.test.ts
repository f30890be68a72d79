// loop.addSignalHandler / removeSignalHandler (CPython test_unix_events.py SelectorEventLoopSignalTests
// by behaviour), with real signals sent to this process.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";

describe("signal handlers", () => {
  it("runs the callback on the loop with its arguments when the signal arrives", () =>
    asyncio.run(async () => {
      const base = process.listenerCount("SIGWINCH");
      const loop = asyncio.getRunningLoop();
      const got = loop.createFuture<string[]>();
      const seen: string[] = [];
      loop.addSignalHandler(
        "SIGWINCH",
        (a: string, b: string) => {
          seen.push(`${a}${b} task=${String(asyncio.currentTask())}`);
          if (!got.done()) got.setResult(seen);
        },
        "x",
        "y",
      );
      try {
        process.kill(process.pid, "SIGWINCH");
        assert.deepEqual(await asyncio.waitFor(got, 5), ["xy task=null"]);
      } finally {
        assert.equal(loop.removeSignalHandler("SIGWINCH"), true);
      }
      assert.equal(loop.removeSignalHandler("SIGWINCH"), false);
      assert.equal(process.listenerCount("SIGWINCH"), base);
    }));

  it("takes signal numbers, replaces an earlier handler, and close() removes them all", async () => {
    const base = process.listenerCount("SIGWINCH");
    const loop = asyncio.newEventLoop();
    loop.addSignalHandler(28, () => undefined); // SIGWINCH on Linux
    loop.addSignalHandler("SIGWINCH", () => undefined);
    assert.equal(process.listenerCount("SIGWINCH"), base + 1);
    loop.close();
    assert.equal(process.listenerCount("SIGWINCH"), base);
    await Promise.resolve();
  });

  it("refuses bad arguments with clear errors", () => {
    const loop = asyncio.newEventLoop();
    const add = (sig: asyncio.SignalLike, cb: () => unknown) => (): void => {
      loop.addSignalHandler(sig, cb);
    };
    const noop = (): undefined => undefined;
    try {
      assert.throws(add("SIGKILL", noop), { name: "RuntimeError", message: "sig 9 cannot be caught" });
      assert.throws(add(9999, noop), { name: "RangeError", message: "invalid signal number 9999" });
      assert.throws(add("SIGNOPE" as NodeJS.Signals, noop), {
        name: "TypeError",
        message: "sig must be a signal name such as 'SIGINT' or a number, got 'SIGNOPE'",
      });
      assert.throws(
        add("SIGWINCH", async () => undefined),
        { name: "TypeError", message: "coroutines cannot be used with add_signal_handler()" },
      );
    } finally {
      loop.close();
    }
  });
});
