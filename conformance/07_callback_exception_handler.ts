// Pins reference §2.1 item 6: an exception in a callback goes to the loop's exception handler (keys message,
// exception, handle) and the loop goes on with the next callbacks.
import * as asyncio from "../src/index.ts";
import { print, repr } from "./_py.ts";

function handler(_loop: asyncio.BaseEventLoop, context: asyncio.ExceptionContext): void {
  const message = context.message.replace(/ at \S+:\d+$/, "");
  print("handler:", message);
  print("handler: exception", repr(context.exception));
  print("handler: keys", Object.keys(context).sort());
}

function ok(label: number): void {
  print("ok", label);
}

function boom(n: number): void {
  throw new RangeError(`boom ${String(n)}`);
}

const main = asyncio.coroutine(async () => {
  const loop = asyncio.getRunningLoop();
  loop.setExceptionHandler(handler);
  loop.callSoon(ok, 1);
  loop.callSoon(boom, 7);
  loop.callSoon(ok, 2);
  await asyncio.sleep(0);
  loop.callLater(0.01, boom, 8);
  await asyncio.sleep(0.03);
  print("loop still running:", loop.isRunning());
});

await asyncio.run(main());
