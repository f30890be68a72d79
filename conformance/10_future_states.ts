// Pins reference §2.2 item 20 and §1.5: Future result()/exception()/done()/cancelled() in each state, the
// InvalidStateError messages, and cancel() on a done future returning False.
import * as asyncio from "../src/index.ts";
import { print, repr, typeName } from "./_py.ts";

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  const fut = loop.createFuture<number>();
  print("pending: done", fut.done(), "cancelled", fut.cancelled());
  try {
    fut.result();
  } catch (exc) {
    if (!(exc instanceof asyncio.InvalidStateError)) throw exc;
    print("result() on pending:", typeName(exc), exc);
  }
  try {
    fut.exception();
  } catch (exc) {
    if (!(exc instanceof asyncio.InvalidStateError)) throw exc;
    print("exception() on pending:", typeName(exc), exc);
  }

  fut.setResult(42);
  print("finished: done", fut.done(), "cancelled", fut.cancelled());
  print("result", fut.result(), "exception", fut.exception());
  try {
    fut.setResult(43);
  } catch (exc) {
    if (!(exc instanceof asyncio.InvalidStateError)) throw exc;
    print("set_result twice:", typeName(exc), exc);
  }
  try {
    fut.setException(new RangeError("late"));
  } catch (exc) {
    if (!(exc instanceof asyncio.InvalidStateError)) throw exc;
    print("set_exception after result:", typeName(exc), exc);
  }
  print("cancel() on done:", fut.cancel());
  print("still result", fut.result());

  const failed = loop.createFuture();
  failed.setException(new RangeError("bad value"));
  print("failed: done", failed.done(), "cancelled", failed.cancelled());
  print("exception()", repr(failed.exception()));
  try {
    failed.result();
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("result() raises", typeName(exc), exc);
  }
  try {
    await failed;
  } catch (exc) {
    if (!(exc instanceof RangeError)) throw exc;
    print("await raises", typeName(exc), exc);
  }
  print("await done future:", await fut);
});

await asyncio.run(main());
