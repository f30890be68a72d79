// The abstract transport classes of CPython 3.13 asyncio/transports.py (src/transports.ts): every abstract method
// raises NotImplementedError, writelines() concatenates into write(), getExtraInfo() reads the extra mapping; and
// the write flow control of `_FlowControlMixin` (src/internal/flow-control.ts) at CPython's marks.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as asyncio from "../src/index.ts";
import { WriteFlowControl } from "../src/internal/flow-control.ts";

const notImplemented = (cls: string, method: string) => ({
  name: "NotImplementedError",
  message: `${cls}.${method}() is not implemented`,
});

describe("transports", () => {
  it("getExtraInfo: the value, else the default (null)", () => {
    const t = new asyncio.BaseTransport({ peername: ["127.0.0.1", 80] });
    assert.deepEqual(t.getExtraInfo("peername"), ["127.0.0.1", 80]);
    assert.equal(t.getExtraInfo("sockname"), null);
    assert.equal(t.getExtraInfo("sockname", "x"), "x");
    assert.equal(new asyncio.BaseTransport().getExtraInfo("toString"), null);
  });

  it("every abstract method raises NotImplementedError (a RuntimeError), naming the class", () => {
    const base = new asyncio.BaseTransport();
    assert.throws(() => base.isClosing(), notImplemented("BaseTransport", "isClosing"));
    assert.throws(
      () => {
        base.close();
      },
      notImplemented("BaseTransport", "close"),
    );
    assert.throws(
      () => {
        base.setProtocol(new asyncio.Protocol());
      },
      notImplemented("BaseTransport", "setProtocol"),
    );
    assert.throws(() => base.getProtocol(), notImplemented("BaseTransport", "getProtocol"));
    class MyTransport extends asyncio.Transport {}
    const t = new MyTransport();
    for (const m of [
      "isReading",
      "pauseReading",
      "resumeReading",
      "setWriteBufferLimits",
      "getWriteBufferSize",
      "getWriteBufferLimits",
      "write",
      "writeEof",
      "canWriteEof",
      "abort",
    ] as const) {
      assert.throws(() => (t[m] as () => unknown)(), notImplemented("MyTransport", m));
    }
    const d = new asyncio.DatagramTransport();
    assert.throws(
      () => {
        d.sendto(Buffer.from("x"));
      },
      notImplemented("DatagramTransport", "sendto"),
    );
    assert.throws(
      () => {
        d.abort();
      },
      notImplemented("DatagramTransport", "abort"),
    );
    const s = new asyncio.SubprocessTransport();
    for (const m of [
      "getPid",
      "getReturncode",
      "getPipeTransport",
      "sendSignal",
      "terminate",
      "kill",
    ] as const) {
      assert.throws(() => (s[m] as () => unknown)(), notImplemented("SubprocessTransport", m));
    }
    const r = new asyncio.ReadTransport();
    assert.throws(() => r.isReading(), notImplemented("ReadTransport", "isReading"));
    assert.ok(new asyncio.NotImplementedError() instanceof asyncio.RuntimeError);
  });

  it("writelines() writes the concatenation with one write()", () => {
    const written: string[] = [];
    class Sink extends asyncio.WriteTransport {
      override write(data: Uint8Array): void {
        written.push(Buffer.from(data).toString());
      }
    }
    new Sink().writelines([Buffer.from("a"), Buffer.from("bc"), new Uint8Array([100])]);
    assert.deepEqual(written, ["abcd"]);
  });

  it("a Transport is a ReadTransport and a WriteTransport, as in Python", () => {
    const t = new asyncio.Transport();
    assert.ok(t instanceof asyncio.WriteTransport);
    assert.ok(t instanceof asyncio.ReadTransport);
    assert.ok(t instanceof asyncio.BaseTransport);
    assert.equal(new asyncio.WriteTransport() instanceof asyncio.ReadTransport, false);
    assert.equal(new asyncio.ReadTransport() instanceof asyncio.Transport, false);
    class Mine extends asyncio.ReadTransport {}
    assert.ok(new Mine() instanceof asyncio.ReadTransport);
    assert.equal(t instanceof Mine, false);
  });
});

describe("write flow control (CPython's _FlowControlMixin)", () => {
  function flow(): {
    fc: WriteFlowControl;
    calls: string[];
    proto: asyncio.BaseProtocol;
    loop: asyncio.EventLoop;
  } {
    const calls: string[] = [];
    class P extends asyncio.BaseProtocol {
      override pauseWriting(): void {
        calls.push("pause");
      }
      override resumeWriting(): void {
        calls.push("resume");
      }
    }
    const loop = asyncio.newEventLoop();
    return { fc: new WriteFlowControl(loop, new asyncio.BaseTransport()), calls, proto: new P(), loop };
  }

  it("the marks: CPython's defaults and derivations", () => {
    const { fc, loop } = flow();
    assert.deepEqual(fc.limits(), [16384, 65536]);
    fc.setLimits(1000);
    assert.deepEqual(fc.limits(), [250, 1000]);
    fc.setLimits(1001);
    assert.deepEqual(fc.limits(), [250, 1001]);
    fc.setLimits(null, 10);
    assert.deepEqual(fc.limits(), [10, 40]);
    fc.setLimits(0, 0);
    assert.deepEqual(fc.limits(), [0, 0]);
    fc.setLimits();
    assert.deepEqual(fc.limits(), [16384, 65536]);
    assert.throws(
      () => {
        fc.setLimits(10, 11);
      },
      { name: "RangeError", message: "high (10) must be >= low (11) must be >= 0" },
    );
    loop.close();
  });

  it("pause strictly over high, once; resume at low or below, once", () => {
    const { fc, calls, proto, loop } = flow();
    fc.setLimits(100, 20);
    fc.maybePause(100, proto);
    assert.deepEqual(calls, []);
    fc.maybePause(101, proto);
    fc.maybePause(500, proto);
    assert.deepEqual(calls, ["pause"]);
    fc.maybeResume(21, proto);
    assert.deepEqual(calls, ["pause"]);
    fc.maybeResume(20, proto);
    fc.maybeResume(0, proto);
    assert.deepEqual(calls, ["pause", "resume"]);
    // high = 0: any byte pauses; low = 0: only an empty buffer resumes.
    fc.setLimits(0);
    fc.maybePause(1, proto);
    fc.maybeResume(1, proto);
    fc.maybeResume(0, proto);
    assert.deepEqual(calls, ["pause", "resume", "pause", "resume"]);
    loop.close();
  });
});
