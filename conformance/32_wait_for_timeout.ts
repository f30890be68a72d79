// Pins reference §2.6 item 51: on timeout wait_for cancels the inner awaitable and waits for its cleanup (except and
// finally print first), then raises TimeoutError whose __cause__ is the CancelledError; a fast one returns its value.
import * as asyncio from "../src/index.ts";
import { print, repr, str, typeName } from "./_py.ts";

const inner = asyncio.coroutine(async (delay: number, cleanup: number) => {
  try {
    print("inner: start");
    await asyncio.sleep(delay);
    print("inner: finished");
    return "inner value";
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("inner: cancelled");
    await asyncio.sleep(cleanup);
    print("inner: cleanup done");
    throw exc;
  } finally {
    print("inner: finally");
  }
});

const main = asyncio.coroutine(async () => {
  try {
    await asyncio.waitFor(inner(1, 0.03), 0.03);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("main:", typeName(exc), repr(str(exc)), "cause:", typeName(exc.cause));
  }
  print("main: cancelling() =", asyncio.currentTask()?.cancelling());

  const task = asyncio.createTask(inner(1, 0));
  try {
    await asyncio.waitFor(task, 0.03);
  } catch (exc) {
    if (!(exc instanceof asyncio.TimeoutError)) throw exc;
    print("main: task version", typeName(exc), "task cancelled:", task.cancelled());
  }

  print("main: fast ->", await asyncio.waitFor(inner(0.01, 0), 0.5));
  print("main: timeout=None ->", await asyncio.waitFor(inner(0.01, 0), null));
});

await asyncio.run(main());
