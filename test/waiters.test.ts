// The internal list of waiter futures (src/internal/waiters.ts, issue 13 item 6) and the one copy
// of the pattern that leaked: Server.waitClosed() kept a cancelled waiter's future until the
// server closed, so cancelled waits made its list grow.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { runVirtual } from "../src/testing/index.ts";
import { kWaiterCount, Waiters } from "../src/internal/waiters.ts";
import { HOST, runNet } from "./helpers/net.ts";

describe("Waiters", () => {
  it("a wait leaves the list however it ends: woken, failed or cancelled", () =>
    runVirtual(async (loop) => {
      const list = new Waiters<number>();
      const a = asyncio.createTask(() => list.wait(loop));
      const b = asyncio.createTask(() => list.wait(loop));
      const c = asyncio.createTask(() => list.wait(loop));
      await asyncio.sleep(0);
      assert.equal(list.size, 3);
      c.cancel();
      await asyncio.sleep(0);
      assert.equal(list.size, 2);
      // wakeOne skips nothing live and wakes in order.
      assert.equal(list.wakeOne(1), true);
      assert.equal(await a, 1);
      list.failAll(new RangeError("boom"));
      await assert.rejects(async () => {
        await b;
      }, /boom/);
      assert.equal(list.size, 0);
      assert.equal(list.wakeOne(2), false);
      assert.equal(c.cancelled(), true);
    }));

  it("wakeEach wakes every waiter and leaves each to remove itself (Event's order)", () =>
    runVirtual(async (loop) => {
      const list = new Waiters<string>();
      const f1 = loop.createFuture<string>();
      const f2 = loop.createFuture<string>();
      f2.cancel();
      list.add(f1);
      list.add(f2);
      list.wakeEach("x");
      assert.equal(f1.result(), "x");
      assert.equal(list.size, 2);
      list.remove(f1);
      list.remove(f2);
      assert.equal(list.size, 0);
    }));
});

describe("Server.waitClosed", () => {
  it("cancelled waitClosed() calls leave the server's list: it does not grow", () =>
    runNet(async () => {
      const server = await asyncio.startServer(() => {}, HOST, 0);
      const count = (): number => (server as unknown as { [kWaiterCount](): number })[kWaiterCount]();
      for (let round = 0; round < 3; round++) {
        const tasks = Array.from({ length: 200 }, () => asyncio.createTask(server.waitClosed()));
        await asyncio.sleep(0);
        assert.equal(count(), 200);
        for (const t of tasks) t.cancel();
        await asyncio.gather(...tasks, { returnExceptions: true });
        assert.equal(count(), 0, `round ${round}`);
      }
      // Timed-out waits too.
      for (let i = 0; i < 20; i++) {
        await assert.rejects(asyncio.waitFor(server.waitClosed(), 0.001), { name: "TimeoutError" });
      }
      assert.equal(count(), 0);
      const waiting = asyncio.createTask(server.waitClosed());
      await asyncio.sleep(0);
      assert.equal(count(), 1);
      server.close();
      await waiting;
      assert.equal(count(), 0);
      // Once closed, waitClosed() returns at once.
      await server.waitClosed();
    }));
});
