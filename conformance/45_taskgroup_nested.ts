// Pins reference §2.8 item 68: an inner group's ExceptionGroup becomes a member of the outer group's; each group
// cancels its own children.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number, fail = false) => {
  try {
    await asyncio.sleep(delay);
    if (fail) {
      throw new RangeError(`${name} failed`);
    }
    print(name, "finished");
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled");
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  try {
    await new asyncio.TaskGroup().with(async (outer) => {
      outer.createTask(child("outer-sibling", 1));
      await new asyncio.TaskGroup().with((inner) => {
        inner.createTask(child("inner-sibling", 1));
        inner.createTask(child("deep", 0.03, true));
      });
      print("not reached");
    });
  } catch (eg) {
    if (!(eg instanceof asyncio.ExceptionGroup)) throw eg;
    print("str:", str(eg));
    print(
      "members:",
      eg.exceptions.map((e) => repr(e)),
    );
    const nested = eg.exceptions[0] as asyncio.ExceptionGroup;
    print("nested type:", typeName(nested), "str:", str(nested));
    print(
      "nested members:",
      nested.exceptions.map((e) => repr(e)),
    );
  }
  print("cancelling:", asyncio.currentTask()?.cancelling());

  await new asyncio.TaskGroup().with(async (outer) => {
    outer.createTask(child("ok-outer", 0.03));
    await new asyncio.TaskGroup().with((inner) => {
      inner.createTask(child("ok-inner", 0.06));
    });
    print("inner group exited");
  });
  print("both groups exited");
});

await asyncio.run(main());
