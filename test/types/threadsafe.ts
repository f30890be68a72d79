// Type-only checks of the cross-thread API (issue 13 item 4), compiled by `tsc --noEmit` in
// `npm run check`, never run: what cannot cross a thread does not type-check.
import * as asyncio from "../../src/index.ts";

declare const handle: asyncio.ThreadHandleLike;
declare const loop: asyncio.BaseEventLoop;
declare const add: (a: number, b: number) => asyncio.Coroutine<number>;
const ref = { module: import.meta.url, name: "add" };

export async function checks(): Promise<unknown[]> {
  // The result type is given (the function is only named); a local coroutine's is inferred.
  const f1: asyncio.ConcurrentFuture<number> = asyncio.runCoroutineThreadsafe<number>(ref, [1, 2], handle);
  const f2: asyncio.ConcurrentFuture<number> = asyncio.runCoroutineThreadsafe(add(1, 2), loop);
  const n: number = f1.result(1) + (await f2);
  const wrapped: asyncio.Future<number> = asyncio.wrapFuture(f1);
  const c: asyncio.ConcurrentFuture<string> = asyncio.callSoonThreadsafe<string>(handle, ref);
  const h: asyncio.Handle = loop.callSoonThreadsafe((x: number) => x, 1);
  const th: asyncio.ThreadHandle = loop.threadHandle();

  // @ts-expect-error -- a coroutine cannot cross to another thread: pass a { module, name } reference
  asyncio.runCoroutineThreadsafe(add(1, 2), [], handle);
  // @ts-expect-error -- nor a function
  asyncio.callSoonThreadsafe(handle, () => 1);
  // @ts-expect-error -- a loop object cannot reach another thread: pass its threadHandle()
  asyncio.runCoroutineThreadsafe(ref, [], loop);
  // @ts-expect-error -- the arguments go in an array
  asyncio.runCoroutineThreadsafe(ref, 1, handle);
  return [n, wrapped, c, h, th];
}
