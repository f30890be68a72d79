// Pins reference §2.10 item 87: when the last party arrives the barrier drains; tasks arriving while it drains
// block until every released party has left and it is filling again, then start the next round.
import * as asyncio from "../src/index.ts";
import { print, repr, tuple } from "./_py.ts";

function state(obj: unknown): string {
  const r = repr(obj);
  return r.slice(r.indexOf("["), -1);
}

const party = asyncio.coroutine(async (barrier: asyncio.Barrier, name: string) => {
  print(name, "arrives;", state(barrier));
  const index = await barrier.wait();
  print(name, "passes with index", index, state(barrier));
  return tuple(name, index);
});

const main = asyncio.coroutine(async () => {
  const barrier = new asyncio.Barrier(2);
  const tasks = ["a", "b", "c"].map((name) => asyncio.createTask(party(barrier, name)));
  await asyncio.sleep(0);
  print("after one iteration:", state(barrier), "n_waiting:", barrier.nWaiting);
  await asyncio.sleep(0);
  print("after two iterations:", state(barrier), "n_waiting:", barrier.nWaiting);
  const d = asyncio.createTask(party(barrier, "d"));
  print(await asyncio.gather(...tasks, d));
  print("end:", state(barrier));
});

await asyncio.run(main());
