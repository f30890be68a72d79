// Pins reference §2.1 items 10-11 and §1.2: run_until_complete() on a loop from new_event_loop(), is_running(),
// get_running_loop(), close() (idempotent) and the errors after close.
import * as asyncio from "../src/index.ts";
import { print, typeName } from "./_py.ts";

const compute = asyncio.coroutine(async (x: number) => {
  const loop = asyncio.getRunningLoop();
  print("inside: running loop is ours:", loop === theLoop, "is_running:", loop.isRunning());
  await asyncio.sleep(0.01);
  return x * 2;
});

try {
  asyncio.getRunningLoop();
} catch (exc) {
  if (!(exc instanceof asyncio.RuntimeError)) throw exc;
  print("outside:", typeName(exc), exc);
}

const theLoop = asyncio.newEventLoop();
print("is_running before:", theLoop.isRunning(), "is_closed:", theLoop.isClosed());
print("result:", await theLoop.runUntilComplete(compute(21)));
const task = theLoop.createTask(compute(5));
print("task result:", await theLoop.runUntilComplete(task));
const fut = theLoop.createFuture<string>();
theLoop.callSoon((v: string) => {
  fut.setResult(v);
}, "future value");
print("future result:", await theLoop.runUntilComplete(fut));
theLoop.close();
print("is_closed after close:", theLoop.isClosed());
theLoop.close();
print("second close is fine");
try {
  theLoop.callSoon(print, "never");
} catch (exc) {
  if (!(exc instanceof asyncio.RuntimeError)) throw exc;
  print("call_soon:", typeName(exc), exc);
}
try {
  await theLoop.runUntilComplete(fut);
} catch (exc) {
  if (!(exc instanceof asyncio.RuntimeError)) throw exc;
  print("run_until_complete:", typeName(exc), exc);
}
