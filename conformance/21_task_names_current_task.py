# Pins reference §2.3 items 37 and 40: default names Task-N from a counter (named tasks do not use a number),
# set_name, current_task() in tasks and None in plain callbacks and done callbacks, all_tasks().
import asyncio


async def worker():
    print("worker sees current task", asyncio.current_task().get_name())
    await asyncio.sleep(0)


async def main():
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    print("main is", me.get_name())
    named = asyncio.create_task(worker(), name="worker")
    unnamed = asyncio.create_task(worker())
    third = loop.create_task(worker())
    print("names:", named.get_name(), unnamed.get_name(), third.get_name())
    third.set_name("renamed")
    print("after set_name:", third.get_name())
    print("all_tasks:", sorted(t.get_name() for t in asyncio.all_tasks()))
    loop.call_soon(lambda: print("current_task in callback:", asyncio.current_task()))
    named.add_done_callback(lambda t: print("current_task in done callback:", asyncio.current_task()))
    await asyncio.gather(named, unnamed, third)
    await asyncio.sleep(0)
    print("current_task is main:", asyncio.current_task() is me)
    print("all_tasks now:", sorted(t.get_name() for t in asyncio.all_tasks()))
    print("next default name:", asyncio.create_task(worker()).get_name())
    await asyncio.sleep(0)


asyncio.run(main())
