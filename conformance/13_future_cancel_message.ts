// Pins reference §2.2 item 20 and §2.3 item 34: cancel(msg) then result()/exception() raise CancelledError whose
// args carry the message; a task awaiting the future receives the same message.
import * as asyncio from "../src/index.ts";
import { excArgs, print, repr, str, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture<number>();
  fut.addDoneCallback((f) => {
    print("callback: cancelled", f.cancelled());
  });
  print("cancel('stop it'):", fut.cancel("stop it"));
  print("done", fut.done(), "cancelled", fut.cancelled());
  try {
    fut.result();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("result() raises", typeName(exc), excArgs(exc));
  }
  try {
    fut.exception();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("exception() raises", typeName(exc), excArgs(exc));
  }
  print("cancel again:", fut.cancel("other"));
  try {
    fut.setResult(1);
  } catch (exc) {
    if (!(exc instanceof asyncio.InvalidStateError)) throw exc;
    print("set_result on cancelled:", typeName(exc), exc);
  }

  const plain = loop.createFuture();
  plain.cancel();
  try {
    plain.result();
  } catch (exc) {
    if (!(exc instanceof asyncio.CancelledError)) throw exc;
    print("no message: args", excArgs(exc), "str", repr(str(exc)));
  }

  const waited = loop.createFuture();

  const waiter = asyncio.coroutine(async () => {
    try {
      await waited;
    } catch (exc) {
      if (!(exc instanceof asyncio.CancelledError)) throw exc;
      print("waiter got", typeName(exc), excArgs(exc));
      return "waiter handled it";
    }
  });

  const task = asyncio.createTask(waiter());
  await asyncio.sleep(0);
  waited.cancel("from main");
  print(await task);
  await asyncio.sleep(0);
});

await asyncio.run(main());
