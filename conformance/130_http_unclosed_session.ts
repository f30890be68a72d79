// A ClientSession that is never closed is reported through the loop's exception handler with the message
// "Unclosed client session" and the session in the context (aiohttp does it when the session is collected; here
// at the latest when its loop closes: nothing is printed in between). A closed one is not reported.
import * as asyncio from "../src/index.ts";
import { ClientSession } from "../src/http/index.ts";
import { print, typeName } from "./_py.ts";

function handler(_loop: asyncio.BaseEventLoop, context: asyncio.ExceptionContext): void {
  print("exception handler:", context.message, typeName(context.client_session));
}

const leak = asyncio.coroutine("leak", async () => {
  const session = new ClientSession();
  print("made a session; closed:", session.closed);
});

const main = asyncio.coroutine("main", async () => {
  asyncio.getRunningLoop().setExceptionHandler(handler);
  const session = new ClientSession();
  await session.with(() => {
    print("inside async with; closed:", session.closed);
  });
  print("after async with; closed:", session.closed);
  const other = new ClientSession();
  await other.close();
  print("after close(); closed:", other.closed);
  await leak();
});

await asyncio.run(main());
