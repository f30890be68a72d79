// Pins reference §2.5 item 46: cancelling the gather future cancels every child; the awaiting task gets
// CancelledError(msg) once all children are done, and gather.cancelled() is False (it ends via set_exception).
import * as asyncio from "../src/index.ts";
import { excArgs, print, typeName } from "./_py.ts";

const child = asyncio.coroutine(async (name: string, delay: number) => {
  try {
    await asyncio.sleep(delay);
    return name;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print(name, "cancelled", excArgs(exc));
    throw exc;
  }
});

const main = asyncio.coroutine(async () => {
  const children = [asyncio.createTask(child("only", 1))];
  const g = asyncio.gather(...children, { returnExceptions: true });
  await asyncio.sleep(0.01);
  print("gather.cancel:", g.cancel("stop"));
  try {
    await g;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("await gather raised", typeName(exc), excArgs(exc));
  }
  print("gather cancelled():", g.cancelled(), "done():", g.done());
  print(
    "children cancelled:",
    children.map((c) => c.cancelled()),
  );
  print("cancel after done:", g.cancel());

  const g2 = asyncio.gather(child("x", 1), child("quick", 0));
  await asyncio.sleep(0.01);
  print("gather2.cancel:", g2.cancel());
  try {
    await g2;
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("await gather2 raised", typeName(exc), excArgs(exc));
  }
  print("gather2 cancelled():", g2.cancelled());
});

await asyncio.run(main());
