// Pins reference §2.10 item 87: wait() returns the arrival index 0..parties-1, the last arrival passes first, the
// barrier can be used again; `async with barrier as i`; a cancelled waiter leaves (n_waiting drops);
// Barrier(0) is a ValueError.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const party = asyncio.coroutine(async (barrier: asyncio.Barrier, name: string) => {
  print(name, "arrives; n_waiting:", barrier.nWaiting);
  const index = await barrier.wait();
  print(name, "passes with index", index, state(barrier));
  return index;
});

const partyWith = asyncio.coroutine(async (barrier: asyncio.Barrier, name: string) => {
  const index = await barrier.with((index) => {
    print(name, "inside async with, index", index);
    return index;
  });
  return index;
});

const main = asyncio.coroutine(async () => {
  const barrier = new asyncio.Barrier(3);
  print("new:", state(barrier), barrier.parties, barrier.nWaiting, barrier.broken);
  print(await asyncio.gather(...["a", "b", "c"].map((name) => party(barrier, name))));
  print("after the first round:", state(barrier));
  print(await asyncio.gather(...["d", "e", "f"].map((name) => partyWith(barrier, name))));

  const a = asyncio.createTask(party(barrier, "a"));
  const b = asyncio.createTask(party(barrier, "b"));
  await asyncio.sleep(0);
  print("two waiting:", state(barrier), barrier.nWaiting);
  a.cancel();
  await asyncio.sleep(0);
  print("a cancelled:", a.cancelled(), state(barrier), barrier.nWaiting);
  const c = asyncio.createTask(party(barrier, "c"));
  const d = asyncio.createTask(party(barrier, "d"));
  print(await asyncio.gather(b, c, d));
  print("end:", state(barrier));

  try {
    new asyncio.Barrier(0);
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("Barrier(0):", typeName(exc), str(exc));
  }
});

await asyncio.run(main());
