// Pins reference §2.10 item 87: reset() makes the current waiters raise BrokenBarrierError and leaves the barrier
// filling; abort() breaks it: current and later wait() calls raise BrokenBarrierError with their messages; reset()
// of a broken barrier with no waiters makes it usable again.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const party = asyncio.coroutine(async (barrier: asyncio.Barrier, name: string) => {
  let index: number;
  try {
    index = await barrier.wait();
  } catch (exc) {
    if (!(exc instanceof asyncio.BrokenBarrierError)) throw exc;
    print(name, "got", typeName(exc), str(exc), "| broken:", barrier.broken, state(barrier));
    return "broken";
  }
  print(name, "passes with index", index);
  return index;
});

const main = asyncio.coroutine(async () => {
  const barrier = new asyncio.Barrier(3);
  const a = asyncio.createTask(party(barrier, "a"));
  const b = asyncio.createTask(party(barrier, "b"));
  await asyncio.sleep(0);
  print("two waiting:", state(barrier));
  await barrier.reset();
  print("reset:", state(barrier));
  print(await asyncio.gather(a, b));
  print("after reset:", state(barrier));
  print(await asyncio.gather(...["c", "d", "e"].map((name) => party(barrier, name))));

  const f = asyncio.createTask(party(barrier, "f"));
  await asyncio.sleep(0);
  await barrier.abort();
  print("abort:", state(barrier), barrier.broken, barrier.nWaiting);
  print(await f);
  print("late arrival:", await party(barrier, "g"));
  print("still:", state(barrier));
  await barrier.reset();
  print("reset after abort:", state(barrier), barrier.broken);
  print(await asyncio.gather(...["h", "i", "j"].map((name) => party(barrier, name))));
});

await asyncio.run(main());
