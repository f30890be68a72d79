# Pins reference §2.11 item 88 and §2.3 item 33: with eager_task_factory a coroutine that finishes during its eager
# step is done when create_task() returns, has its result, is not in all_tasks(), and cancel() returns False.
import asyncio


async def quick():
    print("quick: body runs inside create_task")
    return "quick result"


async def failing():
    raise ValueError("failed eagerly")


async def main():
    asyncio.get_running_loop().set_task_factory(asyncio.eager_task_factory)
    print("before create_task")
    t = asyncio.create_task(quick())
    print("after create_task: done", t.done(), "result", t.result())
    print("in all_tasks:", t in asyncio.all_tasks())
    print("cancel a task done eagerly:", t.cancel(), "cancelling:", t.cancelling())
    f = asyncio.create_task(failing())
    print("failed task done:", f.done(), "exception:", repr(f.exception()))


asyncio.run(main())
