// Ports, by behaviour, the StreamReader cases of CPython 3.13 Lib/test/test_asyncio/test_streams.py
// (StreamTests: feed_data, read, readline, readuntil, readexactly, at_eof, exception, repr). CPython
// peeks at `stream._buffer`; here the repr gives the buffered byte count and `rest()` reads the
// buffer out. The socket cases wait for the transports of the next issue. Back-pressure has no
// unit test in CPython; a fake transport records the pause/resume calls instead.
import { it } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as asyncio from "../src/index.ts";
import { assertCancelled, forEachLoop } from "./helpers/index.ts";

const DATA = b("line1\nline2\nline3\n");

function b(s: string): Buffer {
  return Buffer.from(s, "latin1");
}

/** How many bytes the reader buffers (CPython's `len(stream._buffer)`), from its repr. */
function buffered(stream: asyncio.StreamReader): number {
  const m = /^<StreamReader (\d+) bytes/.exec(String(stream));
  return m === null ? 0 : Number(m[1]);
}

/** Reads the whole buffer out without waiting (CPython's `stream._buffer`, destructively). */
async function rest(stream: asyncio.StreamReader): Promise<Buffer> {
  const n = buffered(stream);
  return n === 0 ? b("") : stream.read(n);
}

function hasMessage(cls: abstract new (...args: never[]) => Error, message: string | RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  };
}

class ValueError extends Error {
  override name = "ValueError";
}

/** A transport that records the reader's back-pressure calls. */
class FakeTransport {
  readonly calls: string[] = [];
  pauseReading(): void {
    this.calls.push("pause");
  }
  resumeReading(): void {
    this.calls.push("resume");
  }
}

const NOT_FOUND = "Separator is not found, and chunk exceed the limit";
const FOUND = "Separator is found, but chunk is longer than limit";

forEachLoop("StreamReader", (run) => {
  it("differs: an empty Buffer at EOF is truthy", () =>
    // CPython: `if not line: break` ends the loop at EOF, b"" being falsy. An empty Buffer is an
    // object, so `if (!line) break` never breaks: test the length (docs/differences.md).
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("one\ntwo\n"));
      stream.feedEof();
      const lines: string[] = [];
      for (let i = 0; i < 10; i++) {
        const line = await stream.readline();
        assert.equal(Boolean(line), true); // the literal port's test would never end the loop
        if (line.length === 0) break;
        lines.push(line.toString());
      }
      assert.deepEqual(lines, ["one\n", "two\n"]);
      assert.equal((await stream.read()).length, 0);
    }));

  it("feed empty data", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b(""));
      assert.equal(buffered(stream), 0);
      assert.equal(String(stream), "<StreamReader>");
    }));

  it("feed nonempty data", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA);
      assert.deepEqual(await rest(stream), DATA);
    }));

  it("feed data accepts any Uint8Array view and copies it", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const bytes = new Uint8Array([0, 97, 98, 99, 0]);
      stream.feedData(bytes.subarray(1, 4));
      bytes.fill(0);
      assert.deepEqual(await stream.read(10), b("abc"));
    }));

  it("read zero", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA);
      assert.deepEqual(await stream.read(0), b(""));
      assert.deepEqual(await rest(stream), DATA);
    }));

  it("read", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      const readTask = asyncio.createTask(() => stream.read(30));
      loop.callSoon(() => {
        stream.feedData(DATA);
      });
      assert.deepEqual(await readTask, DATA);
      assert.equal(buffered(stream), 0);
    }));

  it("read line breaks", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("line1"));
      stream.feedData(b("line2"));
      assert.deepEqual(await stream.read(5), b("line1"));
      assert.deepEqual(await rest(stream), b("line2"));
    }));

  it("read eof", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      const readTask = asyncio.createTask(() => stream.read(1024));
      loop.callSoon(() => {
        stream.feedEof();
      });
      assert.deepEqual(await readTask, b(""));
      assert.equal(buffered(stream), 0);
    }));

  it("read until eof", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      const readTask = asyncio.createTask(() => stream.read(-1));
      loop.callSoon(() => {
        stream.feedData(b("chunk1\n"));
        stream.feedData(b("chunk2"));
        stream.feedEof();
      });
      assert.deepEqual(await readTask, b("chunk1\nchunk2"));
      assert.equal(buffered(stream), 0);
    }));

  it("read exception", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("line\n"));
      assert.deepEqual(await stream.read(2), b("li"));
      stream.setException(new ValueError());
      await assert.rejects(stream.read(2), ValueError);
    }));

  it("invalid limit", () =>
    run(async () => {
      assert.throws(() => new asyncio.StreamReader(0), hasMessage(RangeError, "Limit cannot be <= 0"));
      assert.throws(() => new asyncio.StreamReader(-1), hasMessage(RangeError, "Limit cannot be <= 0"));
    }));

  it("read limit", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(3);
      stream.feedData(b("chunk"));
      assert.deepEqual(await stream.read(5), b("chunk"));
      assert.equal(buffered(stream), 0);
    }));

  it("readline", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("chunk1 "));
      const readTask = asyncio.createTask(() => stream.readline());
      loop.callSoon(() => {
        stream.feedData(b("chunk2 "));
        stream.feedData(b("chunk3 "));
        stream.feedData(b("\n chunk4"));
      });
      assert.deepEqual(await readTask, b("chunk1 chunk2 chunk3 \n"));
      assert.deepEqual(await rest(stream), b(" chunk4"));
    }));

  it("readline limit with existing data", () =>
    run(async () => {
      let stream = new asyncio.StreamReader(3);
      stream.feedData(b("li"));
      stream.feedData(b("ne1\nline2\n"));
      await assert.rejects(stream.readline(), hasMessage(RangeError, FOUND));
      // The too-long line and its separator are dropped.
      assert.deepEqual(await rest(stream), b("line2\n"));

      stream = new asyncio.StreamReader(3);
      stream.feedData(b("li"));
      stream.feedData(b("ne1"));
      stream.feedData(b("li"));
      await assert.rejects(stream.readline(), hasMessage(RangeError, NOT_FOUND));
      // No separator: the whole buffer is dropped.
      assert.equal(buffered(stream), 0);
    }));

  it("readline limit error keeps the LimitOverrunError as its cause", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(3);
      stream.feedData(b("line1\n"));
      const err = await stream.readline().then(
        () => assert.fail("expected RangeError"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RangeError);
      assert.ok(err.cause instanceof asyncio.LimitOverrunError);
      assert.equal(err.cause.consumed, 5);
    }));

  it("at eof", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      assert.equal(stream.atEof(), false);
      stream.feedData(b("some data\n"));
      assert.equal(stream.atEof(), false);
      await stream.readline();
      assert.equal(stream.atEof(), false);
      stream.feedData(b("some data\n"));
      stream.feedEof();
      await stream.readline();
      assert.equal(stream.atEof(), true);
    }));

  it("readline limit", () =>
    run(async (loop) => {
      let stream = new asyncio.StreamReader(7);
      let s = stream;
      loop.callSoon(() => {
        s.feedData(b("chunk1"));
        s.feedData(b("chunk2"));
        s.feedData(b("chunk3\n"));
        s.feedEof();
      });
      await assert.rejects(stream.readline(), RangeError);
      assert.equal(buffered(stream), 0);

      stream = s = new asyncio.StreamReader(7);
      loop.callSoon(() => {
        s.feedData(b("chunk1"));
        s.feedData(b("chunk2\n"));
        s.feedData(b("chunk3\n"));
        s.feedEof();
      });
      await assert.rejects(stream.readline(), RangeError);
      assert.deepEqual(await rest(stream), b("chunk3\n"));

      // The limit is strict: it bounds the line without its separator.
      stream = new asyncio.StreamReader(7);
      stream.feedData(b("1234567\n"));
      assert.deepEqual(await stream.readline(), b("1234567\n"));
      assert.equal(buffered(stream), 0);

      stream.feedData(b("12345678\n"));
      await assert.rejects(stream.readline(), RangeError);
      assert.equal(buffered(stream), 0);

      stream.feedData(b("12345678"));
      await assert.rejects(stream.readline(), RangeError);
      assert.equal(buffered(stream), 0);
    }));

  it("readline nolimit nowait", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA.subarray(0, 6));
      stream.feedData(DATA.subarray(6));
      assert.deepEqual(await stream.readline(), b("line1\n"));
      assert.deepEqual(await rest(stream), b("line2\nline3\n"));
    }));

  it("readline eof", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("some data"));
      stream.feedEof();
      assert.deepEqual(await stream.readline(), b("some data"));
      assert.deepEqual(await stream.readline(), b(""));
    }));

  it("readline empty eof", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedEof();
      assert.deepEqual(await stream.readline(), b(""));
    }));

  it("readline read byte count", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA);
      await stream.readline();
      assert.deepEqual(await stream.read(7), b("line2\nl"));
      assert.deepEqual(await rest(stream), b("ine3\n"));
    }));

  it("readline exception", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("line\n"));
      assert.deepEqual(await stream.readline(), b("line\n"));
      stream.setException(new ValueError());
      await assert.rejects(stream.readline(), ValueError);
      assert.equal(buffered(stream), 0);
    }));

  it("readuntil separator", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const atLeastOneByte = hasMessage(RangeError, "Separator should be at least one-byte string");
      await assert.rejects(stream.readuntil(b("")), atLeastOneByte);
      await assert.rejects(stream.readuntil(""), atLeastOneByte);
      await assert.rejects(stream.readuntil([b("")]), atLeastOneByte);
      await assert.rejects(stream.readuntil(["\n", ""]), atLeastOneByte);
      await assert.rejects(
        stream.readuntil([]),
        hasMessage(RangeError, "Separator should contain at least one element"),
      );
    }));

  it("readuntil multi chunks", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("lineAAA"));
      assert.deepEqual(await stream.readuntil(b("AAA")), b("lineAAA"));
      assert.equal(buffered(stream), 0);

      stream.feedData(b("lineAAA"));
      assert.deepEqual(await stream.readuntil("AAA"), b("lineAAA"));
      assert.equal(buffered(stream), 0);

      stream.feedData(b("lineAAAxxx"));
      assert.deepEqual(await stream.readuntil("AAA"), b("lineAAA"));
      assert.deepEqual(await rest(stream), b("xxx"));
    }));

  it("readuntil multi chunks 1", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const cases: [string[], string][] = [
        [["QWEaa", "XYaa", "a"], "QWEaaXYaaa"],
        [["QWEaa", "XYa", "aa"], "QWEaaXYaaa"],
        [["aaa"], "aaa"],
        [["Xaaa"], "Xaaa"],
        [["XXX", "a", "a", "a"], "XXXaaa"],
      ];
      for (const [chunks, expected] of cases) {
        for (const chunk of chunks) stream.feedData(b(chunk));
        assert.deepEqual(await stream.readuntil("aaa"), b(expected));
        assert.equal(buffered(stream), 0);
      }
    }));

  it("readuntil eof", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const data = b("some dataAA");
      stream.feedData(data);
      stream.feedEof();
      const err = await stream.readuntil("AAA").then(
        () => assert.fail("expected IncompleteReadError"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof asyncio.IncompleteReadError);
      assert.equal(err.message, "11 bytes read on a total of undefined expected bytes");
      assert.deepEqual(err.partial, data);
      assert.equal(err.expected, null);
      assert.equal(buffered(stream), 0);
    }));

  it("readuntil limit found sep", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(3);
      stream.feedData(b("some dataAA"));
      await assert.rejects(stream.readuntil("AAA"), (e: unknown) => {
        hasMessage(asyncio.LimitOverrunError, NOT_FOUND)(e);
        assert.equal((e as asyncio.LimitOverrunError).consumed, 9);
        return true;
      });
      assert.equal(buffered(stream), 11);

      stream.feedData(b("A"));
      await assert.rejects(stream.readuntil("AAA"), (e: unknown) => {
        hasMessage(asyncio.LimitOverrunError, FOUND)(e);
        assert.equal((e as asyncio.LimitOverrunError).consumed, 9);
        return true;
      });
      assert.deepEqual(await rest(stream), b("some dataAAA"));
    }));

  it("readuntil multi separator", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("line 1\nline 2\r"));
      assert.deepEqual(await stream.readuntil(["\r", "\n"]), b("line 1\n"));
      assert.deepEqual(await stream.readuntil([b("\r"), b("\n")]), b("line 2\r"));
      assert.equal(buffered(stream), 0);

      // The first end position matches, even if that is the longer separator.
      stream.feedData(b("ABCDEFG"));
      assert.deepEqual(await stream.readuntil(["DEF", "BCDE"]), b("ABCDE"));
      assert.deepEqual(await rest(stream), b("FG"));
    }));

  it("readuntil multi separator limit", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(3);
      stream.feedData(b("some dataA"));
      await assert.rejects(stream.readuntil(["A", "ome dataA"]), (e: unknown) => {
        hasMessage(asyncio.LimitOverrunError, FOUND)(e);
        assert.equal((e as asyncio.LimitOverrunError).consumed, 9);
        return true;
      });
      assert.deepEqual(await rest(stream), b("some dataA"));
    }));

  it("readuntil multi separator negative offset", () =>
    // With the buffer long enough for the shortest separator but not the longest, the search
    // offset must not become negative.
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("data"));
      const readuntilTask = asyncio.createTask(() => stream.readuntil(["A", "long sep"]));
      loop.callSoon(() => {
        stream.feedData(b("Z"));
      });
      loop.callSoon(() => {
        stream.feedData(b("Aaaa"));
      });
      assert.deepEqual(await readuntilTask, b("dataZA"));
      assert.deepEqual(await rest(stream), b("aaa"));
    }));

  it("readuntil bytearray", () =>
    // CPython: a bytearray separator; here a plain Uint8Array (not a Buffer).
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("some data\r\n"));
      assert.deepEqual(await stream.readuntil(new Uint8Array([13, 10])), b("some data\r\n"));
      assert.equal(buffered(stream), 0);
    }));

  it("readuntil default separator is a newline", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("a\nb"));
      assert.deepEqual(await stream.readuntil(), b("a\n"));
    }));

  it("readexactly zero or less", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA);
      assert.deepEqual(await stream.readexactly(0), b(""));
      assert.equal(buffered(stream), DATA.length);
      await assert.rejects(
        stream.readexactly(-1),
        hasMessage(RangeError, "readexactly size can not be less than zero"),
      );
      assert.deepEqual(await rest(stream), DATA);
    }));

  it("readexactly", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      const n = 2 * DATA.length;
      const readTask = asyncio.createTask(() => stream.readexactly(n));
      loop.callSoon(() => {
        stream.feedData(DATA);
        stream.feedData(DATA);
        stream.feedData(DATA);
      });
      assert.deepEqual(await readTask, Buffer.concat([DATA, DATA]));
      assert.deepEqual(await rest(stream), DATA);
    }));

  it("readexactly limit", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(3);
      stream.feedData(b("chunk"));
      assert.deepEqual(await stream.readexactly(5), b("chunk"));
      assert.equal(buffered(stream), 0);
    }));

  it("readexactly eof", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      const n = 2 * DATA.length;
      const readTask = asyncio.createTask(() => stream.readexactly(n));
      loop.callSoon(() => {
        stream.feedData(DATA);
        stream.feedEof();
      });
      const err = await readTask.then(
        () => assert.fail("expected IncompleteReadError"),
        (e: unknown) => e,
      );
      assert.ok(err instanceof asyncio.IncompleteReadError);
      assert.deepEqual(err.partial, DATA);
      assert.equal(err.expected, n);
      assert.equal(err.message, "18 bytes read on a total of 36 expected bytes");
      assert.equal(buffered(stream), 0);
    }));

  it("readexactly exception", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("line\n"));
      assert.deepEqual(await stream.readexactly(2), b("li"));
      stream.setException(new ValueError());
      await assert.rejects(stream.readexactly(2), ValueError);
    }));

  it("exception", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      assert.equal(stream.exception(), null);
      const exc = new ValueError();
      stream.setException(exc);
      assert.equal(stream.exception(), exc);
    }));

  it("exception waiter", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const t1 = asyncio.createTask(() => stream.readline());
      const t2 = asyncio.createTask(async () => {
        stream.setException(new ValueError());
      });
      await asyncio.wait([t1, t2]);
      assert.ok(t1.exception() instanceof ValueError);
    }));

  it("exception cancel", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const t = asyncio.createTask(() => stream.readline());
      await asyncio.sleep(0);
      t.cancel();
      await asyncio.sleep(0);
      // Fails if setException() is not careful about a cancelled waiter.
      stream.setException(new asyncio.RuntimeError("message"));
      await asyncio.sleep(0);
      assert.equal(String(stream), "<StreamReader exception=RuntimeError('message')>");
      await assertCancelled(t);
    }));

  it("cancelled read leaves the reader consistent", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedData(b("par"));
      const t = asyncio.createTask(() => stream.readline());
      await asyncio.sleep(0);
      assert.match(String(stream), /^<StreamReader 3 bytes waiter=<Future pending[\S ]*>>$/);
      t.cancel();
      await assertCancelled(t);
      assert.equal(String(stream), "<StreamReader 3 bytes>");
      stream.feedData(b("tial\nrest"));
      assert.deepEqual(await stream.readline(), b("partial\n"));
      assert.deepEqual(await rest(stream), b("rest"));
    }));

  it("only one coroutine may wait for data", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const t = asyncio.createTask(() => stream.readline());
      await asyncio.sleep(0);
      const busy = (name: string) =>
        hasMessage(
          asyncio.RuntimeError,
          `${name}() called while another coroutine is already waiting for incoming data`,
        );
      // CPython's readline() waits through readuntil(), so its message names readuntil.
      await assert.rejects(stream.readline(), busy("readuntil"));
      await assert.rejects(stream.readuntil("x"), busy("readuntil"));
      await assert.rejects(stream.read(3), busy("read"));
      await assert.rejects(stream.read(), busy("read"));
      await assert.rejects(stream.readexactly(2), busy("readexactly"));
      stream.feedData(b("ok\n"));
      assert.deepEqual(await t, b("ok\n"));
    }));

  it("async iteration yields lines until eof", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader();
      stream.feedData(DATA);
      loop.callSoon(() => {
        stream.feedData(b("last"));
        stream.feedEof();
      });
      const lines: string[] = [];
      for await (const line of stream) lines.push(line.toString());
      assert.deepEqual(lines, ["line1\n", "line2\n", "line3\n", "last"]);
      assert.equal(stream.atEof(), true);
    }));

  it("feed data after feed eof", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream.feedEof();
      assert.throws(
        () => {
          stream.feedData(b("x"));
        },
        hasMessage(asyncio.RuntimeError, "feed_data after feed_eof"),
      );
    }));

  it("large feeds keep their order", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      const parts: Buffer[] = [];
      for (let i = 0; i < 500; i++) {
        const part = b(`${String(i)}:${"x".repeat(i % 97)}\n`);
        parts.push(part);
        stream.feedData(part);
        if (i % 3 === 0) assert.deepEqual(await stream.readline(), parts[i / 3]);
      }
      stream.feedEof();
      assert.deepEqual(await stream.read(), Buffer.concat(parts.slice(167)));
    }));

  it("back-pressure pauses above twice the limit and resumes at the limit", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(4);
      const transport = new FakeTransport();
      stream._setTransport(transport);
      stream.feedData(b("12345678")); // 8 bytes: not above 2 * limit
      assert.deepEqual(transport.calls, []);
      stream.feedData(b("9")); // 9 > 8
      assert.deepEqual(transport.calls, ["pause"]);
      assert.equal(
        String(stream),
        "<StreamReader 9 bytes limit=4 transport=FakeTransport { calls: [ 'pause' ] } paused>",
      );
      stream.feedData(b("abc")); // already paused: no second pause
      assert.deepEqual(transport.calls, ["pause"]);
      assert.deepEqual(await stream.read(7), b("1234567")); // 5 bytes left: still above the limit
      assert.deepEqual(transport.calls, ["pause"]);
      assert.deepEqual(await stream.readexactly(1), b("8")); // 4 bytes left: resume
      assert.deepEqual(transport.calls, ["pause", "resume"]);
      assert.deepEqual(await stream.readuntil("c"), b("9abc"));
      assert.deepEqual(transport.calls, ["pause", "resume"]);
    }));

  it("back-pressure: waiting for data resumes a paused transport", () =>
    run(async (loop) => {
      const stream = new asyncio.StreamReader(2);
      const transport = new FakeTransport();
      stream._setTransport(transport);
      stream.feedData(b("abcdefg"));
      assert.deepEqual(transport.calls, ["pause"]);
      // No separator within the buffer: readuntil waits, and must let the transport feed it.
      const t = asyncio.createTask(() => stream.readuntil(["\n", "0123456789"]));
      await asyncio.sleep(0);
      assert.deepEqual(transport.calls, ["pause", "resume"]);
      loop.callSoon(() => {
        stream.feedData(b("\n"));
      });
      await assert.rejects(
        async () => t,
        (e: unknown) => {
          hasMessage(asyncio.LimitOverrunError, FOUND)(e);
          assert.equal((e as asyncio.LimitOverrunError).consumed, 7);
          return true;
        },
      );
    }));

  it("back-pressure: readline limit error resumes the transport", () =>
    run(async () => {
      const stream = new asyncio.StreamReader(2);
      const transport = new FakeTransport();
      stream._setTransport(transport);
      stream.feedData(b("abcdef\nxy"));
      assert.deepEqual(transport.calls, ["pause"]);
      await assert.rejects(stream.readline(), hasMessage(RangeError, FOUND));
      assert.deepEqual(transport.calls, ["pause", "resume"]);
      assert.deepEqual(await rest(stream), b("xy"));
    }));

  it("transport already set", () =>
    run(async () => {
      const stream = new asyncio.StreamReader();
      stream._setTransport(new FakeTransport());
      assert.throws(
        () => {
          stream._setTransport(new FakeTransport());
        },
        hasMessage(asyncio.RuntimeError, "Transport already set"),
      );
    }));

  it("repr", () =>
    run(async () => {
      assert.equal(String(new asyncio.StreamReader()), "<StreamReader>");
      assert.equal(String(new asyncio.StreamReader(123)), "<StreamReader limit=123>");
      let stream = new asyncio.StreamReader();
      stream.feedEof();
      assert.equal(String(stream), "<StreamReader eof>");
      stream = new asyncio.StreamReader();
      stream.feedData(b("data"));
      assert.equal(String(stream), "<StreamReader 4 bytes>");
      stream = new asyncio.StreamReader();
      stream.setException(new asyncio.RuntimeError());
      assert.equal(String(stream), "<StreamReader exception=RuntimeError()>");
    }));
});

it("a socket's chunk is adopted without a copy; feedData copies, and reads never see later changes", () =>
  asyncio.run(async () => {
    const reader = new asyncio.StreamReader(4);
    // Larger than Node's buffer pool slices, so the chunk has an ArrayBuffer of its own.
    const chunk = Buffer.alloc(8192, "x");
    chunk.write("hello world");
    reader._feedChunk(chunk);
    const hello = await reader.read(5);
    assert.equal(hello.buffer, chunk.buffer, "a view of the adopted chunk");
    reader._feedChunk(Buffer.from("!!"));
    reader.feedEof();
    const rest = await reader.read();
    assert.equal(rest.length, 8192 - 5 + 2);
    assert.equal(rest.subarray(0, 6).toString(), " world");
    assert.equal(rest.subarray(-3).toString(), "x!!");
    assert.equal(hello.toString(), "hello");

    const fed = new asyncio.StreamReader();
    const data = Buffer.from("abc\n");
    fed.feedData(data);
    data.fill(0x7a);
    const line = await fed.readline();
    assert.equal(line.toString(), "abc\n");
  }));
