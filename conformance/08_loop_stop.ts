// Pins reference §2.1 items 9-10: stop() lets the current iteration finish; stop() before run_forever() runs
// exactly one iteration; run_until_complete() stopped early raises RuntimeError and the task can be resumed.
import * as asyncio from "../src/index.ts";
import { print } from "./_py.ts";

const loop = asyncio.newEventLoop();

function a(): void {
  print("a: calls stop() and schedules c");
  loop.stop();
  loop.callSoon(c);
}

function b(): void {
  print("b: same iteration as a");
}

function c(): void {
  print("c: next run_forever");
  loop.stop();
}

function e(): void {
  print("e: the single iteration, schedules f");
  loop.callSoon(f);
}

function f(): void {
  print("f");
}

loop.callSoon(a);
loop.callSoon(b);
await loop.runForever();
print("run_forever returned; running:", loop.isRunning());
await loop.runForever();
print("second run_forever returned");

loop.stop();
loop.callSoon(e);
await loop.runForever();
print("pre-stopped run_forever returned");

const work = asyncio.coroutine(async () => {
  print("work: step 1");
  await asyncio.sleep(0);
  print("work: step 2");
  return "work result";
});

const task = loop.createTask(work());
loop.callSoon(() => {
  loop.stop();
});
try {
  await loop.runUntilComplete(task);
} catch (exc) {
  if (!(exc instanceof asyncio.RuntimeError)) throw exc;
  print("RuntimeError:", exc);
}
print("task done:", task.done());
print("resumed:", await loop.runUntilComplete(task));
loop.close();
print("closed:", loop.isClosed());
