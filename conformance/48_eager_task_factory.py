# Pins reference §2.11 items 88-89: with eager_task_factory the first step runs inside create_task() before it
# returns (current_task() is the new task); a task that blocks continues like a normal task; gather() and
# set_task_factory(None). (Completion during the eager step: 68_eager_task_completes_in_create_task.)
import asyncio


async def quick():
    print("quick: body runs, current task is not main:", asyncio.current_task() is not main_task)
    return "quick result"


async def blocking():
    print("blocking: before await")
    await asyncio.sleep(0.01)
    print("blocking: after await")
    return "blocking result"


async def main():
    global main_task
    main_task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    print("before create_task")
    t = asyncio.create_task(quick())
    print("after create_task")
    print("await ->", await t)

    print("before create_task 2")
    t2 = asyncio.create_task(blocking())
    print("after create_task 2: done", t2.done(), "in all_tasks:", t2 in asyncio.all_tasks())
    print("await ->", await t2)

    results = await asyncio.gather(quick(), blocking())
    print("gather ->", results)

    loop.set_task_factory(None)
    t3 = asyncio.create_task(quick())
    print("factory reset: done", t3.done())
    print("await ->", await t3)


main_task = None
asyncio.run(main())
