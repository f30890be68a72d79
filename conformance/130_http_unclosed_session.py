# conformance: system-python
# A ClientSession that is never closed is reported through the loop's exception handler with the message
# "Unclosed client session" and the session in the context (aiohttp does it when the session is collected; the
# twin at the latest when its loop closes: nothing is printed in between). A closed one is not reported.
import asyncio

import aiohttp


def handler(loop, context):
    print("exception handler:", context["message"], type(context["client_session"]).__name__)


async def leak():
    session = aiohttp.ClientSession()
    print("made a session; closed:", session.closed)


async def main():
    asyncio.get_running_loop().set_exception_handler(handler)
    async with aiohttp.ClientSession() as session:
        print("inside async with; closed:", session.closed)
    print("after async with; closed:", session.closed)
    other = aiohttp.ClientSession()
    await other.close()
    print("after close(); closed:", other.closed)
    await leak()


asyncio.run(main())
