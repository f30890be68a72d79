// The abstract protocol classes of CPython 3.13 asyncio/protocols.py (src/protocols.ts): every callback does
// nothing by default, subclasses override what they need, and the BufferedProtocol feeding helper
// (`_feed_data_to_buffered_proto`, ported with CPython's test_protocols / test_buffered_proto cases).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as asyncio from "../src/index.ts";
import { feedDataToBufferedProto } from "../src/protocols.ts";

describe("protocols", () => {
  it("the default callbacks do nothing and return nothing", () => {
    const base = new asyncio.BaseProtocol();
    const p = new asyncio.Protocol();
    const d = new asyncio.DatagramProtocol();
    const s = new asyncio.SubprocessProtocol();
    const b = new asyncio.BufferedProtocol();
    const x = Buffer.from("x");
    const calls: [object, string, unknown[]][] = [
      [base, "connectionMade", [new asyncio.BaseTransport()]],
      [base, "connectionLost", [null]],
      [base, "pauseWriting", []],
      [base, "resumeWriting", []],
      [p, "dataReceived", [x]],
      [p, "eofReceived", []],
      [d, "datagramReceived", [x, ["127.0.0.1", 1]]],
      [d, "errorReceived", [new Error("x")]],
      [s, "pipeDataReceived", [1, x]],
      [s, "pipeConnectionLost", [1, null]],
      [s, "processExited", []],
      [b, "bufferUpdated", [1]],
      [b, "eofReceived", []],
    ];
    for (const [obj, name, args] of calls) {
      const method = (obj as Record<string, (...a: unknown[]) => unknown>)[name];
      assert.equal(method?.apply(obj, args), undefined, name);
    }
  });

  it("the classes form CPython's hierarchy", () => {
    for (const cls of [
      asyncio.Protocol,
      asyncio.BufferedProtocol,
      asyncio.DatagramProtocol,
      asyncio.SubprocessProtocol,
    ]) {
      assert.ok(new cls() instanceof asyncio.BaseProtocol, cls.name);
    }
    assert.equal(new asyncio.BufferedProtocol() instanceof asyncio.Protocol, false);
  });

  it("BufferedProtocol.getBuffer must be overridden", () => {
    assert.throws(() => new asyncio.BufferedProtocol().getBuffer(10), {
      name: "RuntimeError",
      message: "BufferedProtocol.getBuffer() is not implemented: override it",
    });
  });
});

/** A BufferedProtocol handing out buffers of `size` bytes and recording what it was given. */
class Collecting extends asyncio.BufferedProtocol {
  readonly #size: number;
  buf: Buffer = Buffer.alloc(0);
  readonly got: string[] = [];
  readonly hints: number[] = [];
  constructor(size: number) {
    super();
    this.#size = size;
  }
  override getBuffer(sizehint: number): Uint8Array {
    this.hints.push(sizehint);
    this.buf = Buffer.alloc(this.#size);
    return this.buf;
  }
  override bufferUpdated(nbytes: number): void {
    this.got.push(this.buf.subarray(0, nbytes).toString());
  }
}

describe("feeding a BufferedProtocol (CPython's _feed_data_to_buffered_proto)", () => {
  it("a buffer as large as the data takes it at once", () => {
    const p = new Collecting(100);
    feedDataToBufferedProto(p, Buffer.from("hello"));
    assert.deepEqual(p.got, ["hello"]);
    assert.deepEqual(p.hints, [5]);
  });

  it("smaller buffers take it in pieces, each sizehint what is left", () => {
    const p = new Collecting(2);
    feedDataToBufferedProto(p, Buffer.from("hello"));
    assert.deepEqual(p.got, ["he", "ll", "o"]);
    assert.deepEqual(p.hints, [5, 3, 1]);
  });

  it("an empty buffer is CPython's RuntimeError", () => {
    const p = new Collecting(0);
    assert.throws(
      () => {
        feedDataToBufferedProto(p, Buffer.from("x"));
      },
      { name: "RuntimeError", message: "get_buffer() returned an empty buffer" },
    );
  });
});
