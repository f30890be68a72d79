// The scenario specs of test/surface.test.ts for the pipe and subprocess-transport loop methods
// (connectReadPipe, connectWritePipe, subprocessExec, subprocessShell): what a dropped or
// cancelled call must leave untouched (the stream not taken, no child started), and what a
// completed one gives.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import * as asyncio from "../../src/index.ts";
import type { LazySpec } from "./lazy-battery.ts";
import { handles, quiet, until } from "./surface-io.ts";

let serial = 0;
function marker(): string {
  return path.join(os.tmpdir(), `asyncio-ts-surface-pipes-${process.pid}-${++serial}`);
}

/** A stream with "hello" waiting in it: a dropped call leaves it there, unread and untaken. */
function readPipeSpec(): LazySpec {
  return {
    io: true,
    blocked: null,
    // Cancelled at its first await (connectionMade not yet called): the transport is closed,
    // and so is the pipe, as CPython's connect_read_pipe does.
    starting: () => {
      const pipe = new PassThrough();
      return {
        call: () => asyncio.getRunningLoop().connectReadPipe(asyncio.Protocol, pipe),
        intact: async () => {
          await until(() => pipe.destroyed, "the pipe is closed");
        },
      };
    },
    ready: () => {
      const pipe = new PassThrough();
      pipe.write("hello");
      return {
        call: () => asyncio.getRunningLoop().connectReadPipe(asyncio.Protocol, pipe),
        intact: async (started) => {
          if (started) {
            // Cancelled while connecting: CPython closes the transport, which closes the pipe.
            await until(() => pipe.destroyed, "the pipe is closed");
            return;
          }
          assert.equal(pipe.listenerCount("data"), 0, "the pipe was taken");
          assert.equal(String(pipe.read()), "hello");
        },
        completed: async (r) => {
          const [transport] = r as [asyncio.ReadPipeTransport, asyncio.Protocol];
          assert.equal(transport.getExtraInfo("pipe"), pipe);
          transport.close();
          await until(() => pipe.destroyed, "the pipe is closed");
        },
      };
    },
  };
}

function writePipeSpec(): LazySpec {
  return {
    io: true,
    blocked: null,
    starting: () => {
      const pipe = new PassThrough();
      return {
        call: () => asyncio.getRunningLoop().connectWritePipe(asyncio.BaseProtocol, pipe),
        intact: async () => {
          await until(() => pipe.destroyed, "the pipe is closed");
        },
      };
    },
    ready: () => {
      const pipe = new PassThrough();
      return {
        call: () => asyncio.getRunningLoop().connectWritePipe(asyncio.BaseProtocol, pipe),
        intact: async (started) => {
          if (started) {
            await until(() => pipe.destroyed, "the pipe is closed");
            return;
          }
          assert.equal(pipe.listenerCount("error"), 0, "the pipe was taken");
          assert.equal(pipe.writableEnded, false);
        },
        completed: async (r) => {
          const [transport] = r as [asyncio.WritePipeTransport, asyncio.BaseProtocol];
          transport.write(Buffer.from("x"));
          assert.equal(String(pipe.read()), "x");
          transport.close();
          await until(() => pipe.destroyed, "the pipe is closed");
        },
      };
    },
  };
}

/** Resolves `done` on connectionLost. */
class Done extends asyncio.SubprocessProtocol {
  readonly done = asyncio.getRunningLoop().createFuture<null>();
  override connectionLost(): void {
    this.done.setResult(null);
  }
}

function subprocessSpec(shell: boolean): LazySpec {
  return {
    io: true,
    blocked: null,
    // Cancelled while it waits for the spawn: the child is killed (CPython 3.13
    // _make_subprocess_transport closes the transport and waits).
    starting: async () => {
      await quiet();
      return {
        call: () =>
          shell
            ? asyncio.getRunningLoop().subprocessShell(Done, "exec sleep 30")
            : asyncio.getRunningLoop().subprocessExec(Done, "sleep", "30"),
        intact: async () => {
          await until(() => handles("ProcessWrap") === 0, "the child is killed");
        },
      };
    },
    ready: async () => {
      await quiet();
      const where = marker();
      return {
        call: () =>
          shell
            ? asyncio.getRunningLoop().subprocessShell(Done, `touch '${where}'`)
            : asyncio.getRunningLoop().subprocessExec(Done, "touch", where),
        snapshot: () => handles("ProcessWrap"),
        intact: async () => {
          await asyncio.sleep(0.05);
          assert.equal(fs.existsSync(where), false, "a child was started");
        },
        completed: async (r) => {
          const [transport, protocol] = r as [asyncio.BaseSubprocessTransport, Done];
          await protocol.done;
          assert.equal(transport.getReturncode(), 0);
          assert.equal(fs.existsSync(where), true);
          fs.rmSync(where);
          transport.close();
        },
      };
    },
  };
}

/** The specs of the pipe and subprocess-transport names. */
export function pipeSpecs() {
  return {
    "BaseEventLoop.connectReadPipe": readPipeSpec(),
    "BaseEventLoop.connectWritePipe": writePipeSpec(),
    "BaseEventLoop.subprocessExec": subprocessSpec(false),
    "BaseEventLoop.subprocessShell": subprocessSpec(true),
  } satisfies Record<string, LazySpec>;
}
