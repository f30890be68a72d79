import { it } from "node:test";
import assert from "node:assert/strict";
import * as asyncio from "../src/index.ts";
import { forEachLoop, Trace } from "./helpers/index.ts";

forEachLoop("smoke", (run) => {
  it("tasks interleave in CPython's order", () =>
    run(async () => {
      const trace = new Trace();
      const worker = asyncio.coroutine(async (name: string, n: number) => {
        for (let i = 0; i < n; i++) {
          trace.push(name, i);
          await asyncio.sleep(0);
        }
      });
      const a = asyncio.createTask(worker("a", 3));
      const b = asyncio.createTask(worker("b", 2));
      await a;
      await b;
      assert.deepEqual(trace.lines, ["a 0", "b 0", "a 1", "b 1", "a 2"]);
    }));
});
