// The battery test/surface.test.ts runs on every lazy API (issue 8 item 2): whatever cancels or
// drops the call before or while it runs, afterwards nothing is consumed, taken, read, started or
// leaked; wrapped in a task it completes; awaited twice it says what CPython says; left
// un-awaited it is reported when its loop closes, and nothing crashes.
//
// A spec gives fixtures: states built fresh for each step in which the call blocks (until it is
// cancelled) or completes. Each step runs on its own loop, inside captureStderr, so it can also
// assert exactly what was written to stderr: nothing, except the one never-awaited report of the
// step that drops the call.
import type { TestContext } from "node:test";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { inspect } from "node:util";
import * as asyncio from "../../src/index.ts";
import { runVirtual } from "../../src/testing/index.ts";
import { assertCancelled } from "./index.ts";
import { captureStderr } from "./loops.ts";

/** Where a step runs. */
export interface Env {
  readonly loop: asyncio.BaseEventLoop;
  readonly t: TestContext;
  /** Whether this is the virtual-time loop (else the real one, for I/O). */
  readonly virtual: boolean;
  /**
   * Seconds a sibling's waitFor(x, t) or a wait([x], { timeout }) gives a blocked call: longer
   * than settling takes, so it times out while the call blocks.
   */
  readonly patience: number;
}

/** A state built for one step, and how to look at it. */
export interface Fixture<R = unknown> {
  /** Make the lazy call under test. */
  call: () => asyncio.Coroutine<R>;
  /** What must read the same after a dropped or cancelled call as before it (reprs, counts). */
  snapshot?: () => unknown;
  /** True once a started call is blocked (a waiter registered, a handshake sent): settling polls it. */
  blocked?: () => boolean;
  /**
   * After the call was dropped or cancelled: nothing consumed, taken, read, started or leaked.
   * May use the resource up (put an item, release a lock, read the line). `started` says whether
   * the call ran before it was cancelled (some calls then have effects CPython's have too).
   */
  intact: (started: boolean) => void | Promise<void>;
  /** The result and effect of a completed call; `awaitedAt` is the loop time it was awaited. */
  completed?: (result: R, awaitedAt: number) => void | Promise<void>;
  /** Runs beside a started call so that it completes (a notify): for calls that complete only so. */
  kick?: () => void | Promise<void>;
}

/** How to test one lazy API. */
export interface LazySpec {
  /** The coroutine's name, CPython's qualname; by default {@link pyName} of the surface name. */
  coroName?: string;
  /** Run on the real loop (I/O); by default the virtual-time loop. */
  io?: boolean;
  /** A state in which the call blocks until cancelled; null if none can be made (it completes promptly). */
  blocked: ((env: Env) => Fixture | Promise<Fixture>) | null;
  /** A state in which the call completes; null if it never does (serveForever). */
  ready: ((env: Env) => Fixture | Promise<Fixture>) | null;
  /**
   * For a call that cannot block (blocked is null) but does not complete within its first step
   * (it awaits a listen, a spawn, a connect): a state in which it is cancelled at that first
   * await. Its intact(true) checks what the cancel undid (the child killed, the server closed).
   */
  starting?: (env: Env) => Fixture | Promise<Fixture>;
  /** For a call that never completes: show that createTask(x) runs it. */
  runsInTask?: (env: Env) => Promise<void>;
}

export const REUSE = /^cannot reuse already awaited coroutine$/;

/** For assert.rejects(), which takes a Promise or a function, not a Future: await it in a function. */
export function awaiting(aw: PromiseLike<unknown>): () => Promise<void> {
  return async () => {
    await aw;
  };
}

const boom = (): Error => new Error("boom");

/** Wait until the blocking call is blocked (by its predicate, else for a while). */
async function settle(env: Env, fx: Fixture): Promise<void> {
  if (fx.blocked === undefined) {
    await asyncio.sleep(env.virtual ? 0.5 : 0.03);
    return;
  }
  for (let i = 0; !fx.blocked(); i++) {
    assert.ok(i < 400, "the call never blocked");
    await asyncio.sleep(0.005);
  }
}

/** Check the state after a dropped or cancelled call. */
async function checkIntact(fx: Fixture, before: unknown, started: boolean): Promise<void> {
  if (fx.snapshot !== undefined) assert.deepEqual(fx.snapshot(), before, "the state changed");
  await fx.intact(started);
}

/** Let a kicked call complete: the kick runs in a sibling once the call has started. */
function startKick(fx: Fixture): asyncio.Task | null {
  const kick = fx.kick;
  if (kick === undefined) return null;
  return asyncio.createTask(async () => {
    await asyncio.sleep(0);
    await asyncio.sleep(0);
    await kick();
  });
}

async function expectTaskGroupBoom(body: (tg: asyncio.TaskGroup) => void | Promise<void>): Promise<void> {
  await assert.rejects(new asyncio.TaskGroup().with(body), (e: unknown) => {
    assert.ok(e instanceof asyncio.ExceptionGroup, `expected an ExceptionGroup, got ${String(e)}`);
    assert.deepEqual(
      e.exceptions.map((x) => (x as Error).message),
      ["boom"],
    );
    return true;
  });
}

type Step = (env: Env, spec: Required<Pick<LazySpec, "coroName">> & LazySpec) => Promise<void>;

interface StepDef {
  readonly title: string;
  /** Which fixture it needs: "blocked", "ready", or either (blocked preferred). */
  readonly needs: "blocked" | "ready" | "any" | "ready-or-runs" | "blocked-or-starting";
  /** Expect the never-awaited report for this step. */
  readonly reports?: boolean;
  readonly run: Step;
}

function fixtureFor(needs: StepDef["needs"], spec: LazySpec, env: Env): Fixture | Promise<Fixture> {
  const make =
    needs === "ready" ? spec.ready : needs === "blocked" ? spec.blocked : (spec.blocked ?? spec.ready);
  assert.ok(make !== null);
  return make(env);
}

/** A step on each fixture kind it applies to. */
function neverStarted(title: string, run: (fx: Fixture, env: Env) => Promise<void>): StepDef[] {
  const make = (which: "blocked" | "ready"): StepDef => ({
    title: `${title} (${which === "blocked" ? "where it would block" : "where it would complete"})`,
    needs: which,
    run: async (env, spec) => {
      const fx = await fixtureFor(which, spec, env);
      const before = fx.snapshot?.();
      await run(fx, env);
      await checkIntact(fx, before, false);
    },
  });
  return [make("blocked"), make("ready")];
}

export const STEPS: readonly StepDef[] = [
  {
    title: "returns a Coroutine that starts nothing until awaited",
    needs: "any",
    run: async (env, spec) => {
      const fx = await fixtureFor(spec.ready !== null ? "ready" : "blocked", spec, env);
      const before = fx.snapshot?.();
      const x = fx.call();
      assert.ok(asyncio.iscoroutine(x), `returned ${inspect(x)}, not a Coroutine`);
      assert.equal(x.name, spec.coroName);
      await asyncio.sleep(env.virtual ? 0.5 : 0.02);
      assert.equal(x.started(), false);
      if (fx.snapshot !== undefined) assert.deepEqual(fx.snapshot(), before, "changed before it was awaited");
      if (spec.ready === null) {
        x.close();
        await fx.intact(false);
        return;
      }
      const kicker = startKick(fx);
      const awaitedAt = env.loop.time();
      const result = await x;
      await kicker;
      await fx.completed?.(result, awaitedAt);
    },
  },
  ...neverStarted("waitFor(x, 0): TimeoutError, and nothing consumed", async (fx) => {
    await assert.rejects(asyncio.waitFor(fx.call(), 0), { name: "TimeoutError" });
  }),
  ...neverStarted("waitFor(x, -1): TimeoutError, and nothing consumed", async (fx) => {
    await assert.rejects(asyncio.waitFor(fx.call(), -1), { name: "TimeoutError" });
  }),
  ...neverStarted("gather(x).cancel() at once: nothing consumed", async (fx) => {
    const g = asyncio.gather(fx.call());
    assert.equal(g.cancel(), true);
    await assertCancelled(g);
  }),
  // CPython 3.13: a sibling that fails first does not stop x from starting (the group learns of
  // the failure from a done callback, one iteration later); a body that fails does.
  ...neverStarted("a TaskGroup whose body fails right after createTask(x): nothing consumed", async (fx) => {
    await expectTaskGroupBoom((tg) => {
      tg.createTask(fx.call());
      throw boom();
    });
  }),
  {
    title: "waitFor(x, t) in a sibling task times out while it blocks: nothing consumed",
    needs: "blocked",
    run: async (env, spec) => {
      const fx = await fixtureFor("blocked", spec, env);
      const before = fx.snapshot?.();
      const sibling = asyncio.createTask(() => asyncio.waitFor(fx.call(), env.patience));
      await settle(env, fx);
      assert.equal(sibling.done(), false, "the call did not block");
      await assert.rejects(awaiting(sibling), { name: "TimeoutError" });
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "wait([ensureFuture(x)], { timeout }) then cancel: nothing consumed",
    needs: "blocked",
    run: async (env, spec) => {
      const fx = await fixtureFor("blocked", spec, env);
      const before = fx.snapshot?.();
      const fut = asyncio.ensureFuture(fx.call());
      const [done, pending] = await asyncio.wait([fut], { timeout: env.patience });
      assert.equal(done.size, 0);
      assert.ok(pending.has(fut));
      fut.cancel();
      await assertCancelled(fut);
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "gather(x).cancel() while it blocks: nothing consumed",
    needs: "blocked",
    run: async (env, spec) => {
      const fx = await fixtureFor("blocked", spec, env);
      const before = fx.snapshot?.();
      const g = asyncio.gather(fx.call());
      await settle(env, fx);
      assert.equal(g.cancel(), true);
      await assertCancelled(g);
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "a TaskGroup whose other task fails while it blocks: nothing consumed",
    needs: "blocked",
    run: async (env, spec) => {
      const fx = await fixtureFor("blocked", spec, env);
      const before = fx.snapshot?.();
      await expectTaskGroupBoom((tg) => {
        tg.createTask(fx.call());
        tg.createTask(async () => {
          await settle(env, fx);
          throw boom();
        });
      });
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "cancelled at its first await (an eager task cancelled at once): nothing consumed or left behind",
    needs: "blocked-or-starting",
    run: async (env, spec) => {
      const make = spec.blocked ?? spec.starting;
      assert.ok(make !== undefined);
      const fx = await make(env);
      const before = fx.snapshot?.();
      // The first step runs inside eagerTaskFactory, up to the call's first await; nothing else
      // (no I/O event, no other task) can run before the cancel.
      const task = asyncio.eagerTaskFactory(env.loop, fx.call());
      assert.equal(task.done(), false, "it completed within its first step");
      assert.equal(task.cancel(), true);
      await assertCancelled(task);
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "createTask(x) runs it",
    needs: "ready-or-runs",
    run: async (env, spec) => {
      if (spec.ready === null) {
        assert.ok(spec.runsInTask !== undefined, "a spec without a ready state shows runsInTask");
        await spec.runsInTask(env);
        return;
      }
      const fx = await fixtureFor("ready", spec, env);
      const task = asyncio.createTask(fx.call());
      const kicker = startKick(fx);
      const awaitedAt = env.loop.time();
      const result = await task;
      await kicker;
      await fx.completed?.(result, awaitedAt);
    },
  },
  {
    title: "awaiting it twice: cannot reuse already awaited coroutine",
    needs: "ready",
    run: async (env, spec) => {
      const fx = await fixtureFor("ready", spec, env);
      const x = fx.call();
      const kicker = startKick(fx);
      const awaitedAt = env.loop.time();
      const result = await x;
      await kicker;
      await fx.completed?.(result, awaitedAt);
      await assert.rejects(awaiting(x), { name: "RuntimeError", message: REUSE });
      await assert.rejects(awaiting(asyncio.createTask(x)), { name: "RuntimeError", message: REUSE });
    },
  },
  {
    title: "awaiting it while a task runs it: cannot reuse already awaited coroutine",
    needs: "blocked",
    run: async (env, spec) => {
      const fx = await fixtureFor("blocked", spec, env);
      const before = fx.snapshot?.();
      const x = fx.call();
      const task = asyncio.createTask(x);
      await settle(env, fx);
      await assert.rejects(awaiting(x), { name: "RuntimeError", message: REUSE });
      await assert.rejects(awaiting(asyncio.createTask(x)), { name: "RuntimeError", message: REUSE });
      assert.equal(task.done(), false);
      task.cancel();
      await assertCancelled(task);
      await checkIntact(fx, before, true);
    },
  },
  {
    title: "never awaited: reported when the loop closes, nothing started, no crash",
    needs: "any",
    reports: true,
    run: async (env, spec) => {
      const fx = await fixtureFor("any", spec, env);
      const before = fx.snapshot?.();
      void fx.call();
      await asyncio.sleep(env.virtual ? 0.5 : 0.02);
      await checkIntact(fx, before, false);
    },
  },
];

/** Run `body` on a fresh loop of the spec's kind; return what was written to stderr meanwhile. */
async function onLoop(t: TestContext, spec: LazySpec, body: (env: Env) => Promise<void>): Promise<string[]> {
  return captureStderr(async () => {
    if (spec.io === true) {
      await asyncio.run(() =>
        asyncio
          .timeout(10)
          .with(() => body({ loop: asyncio.getRunningLoop(), t, virtual: false, patience: 0.12 })),
      );
    } else {
      await runVirtual((loop) => body({ loop, t, virtual: true, patience: 1 }));
    }
  });
}

/**
 * CPython's qualname for a surface name: the method (or function) part in snake_case
 * (`Condition.waitFor` → `Condition.wait_for`, `openConnection` → `open_connection`).
 */
export function pyName(name: string): string {
  const dot = name.lastIndexOf(".");
  return name.slice(0, dot + 1) + name.slice(dot + 1).replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Declare the battery for `name` (a describe with one it per step). */
export function describeLazy(name: string, spec: LazySpec): void {
  const full = { ...spec, coroName: spec.coroName ?? pyName(name) };
  describe(name, () => {
    for (const step of STEPS) {
      if (step.needs === "blocked" && spec.blocked === null) continue;
      if (step.needs === "ready" && spec.ready === null) continue;
      if (step.needs === "blocked-or-starting" && spec.blocked === null && spec.starting === undefined)
        continue;
      it(step.title, async (t) => {
        const records = await onLoop(t, spec, (env) => step.run(env, full));
        assert.deepEqual(
          records,
          step.reports === true ? [`RuntimeWarning: coroutine '${full.coroName}' was never awaited`] : [],
          "stderr",
        );
      });
    }
  });
}
